import { BACKEND_TLS_POLICY, backendCaRefs } from '../../formats/kube/backendTls';
import { ownOfKind, relatedAt, reportResource, named } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * A BackendTLSPolicy's `validation.caCertificateRefs` entry names a ConfigMap or Secret
 * without a readable certificate under `ca.crt` (Gateway API BackendTLSPolicy: such a
 * reference is invalid, reason InvalidCACertificateRef, and the backend cannot be verified
 * with it). One that is not in the workspace is in `kube/not-in-workspace`'s note.
 */
export const backendCaRef: Rule = {
  id: 'gateway/backend-ca-ref',
  title: "A BackendTLSPolicy's CA certificate reference holds no certificate",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [BACKEND_TLS_POLICY],
  check(ctx) {
    const view = ctx.kube();
    for (const policy of ownOfKind(view, BACKEND_TLS_POLICY)) {
      for (const ref of backendCaRefs(view, policy)) {
        const res = ref.resolution;
        if (res.kind === 'unusable') {
          reportResource(ctx, policy, {
            range: ref.node.get('name').at,
            message: `caCertificateRefs: ${named(view, res.target)} ${res.why}: the backend cannot be verified with it (InvalidCACertificateRef)`,
            related: [relatedAt(res.target, res.node, named(view, res.target))],
          });
        }
      }
    }
  },
};

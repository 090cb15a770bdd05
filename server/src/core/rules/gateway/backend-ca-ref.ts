import { BACKEND_TLS_POLICY, backendCaRefs } from '../../formats/kube/backendTls';
import { ownOfKind, relatedAt, reportResource, named } from '../../formats/kube/report';
import type { Rule } from '../rule';

/**
 * A BackendTLSPolicy's `validation.caCertificateRefs` entry names a ConfigMap or Secret that
 * is not in the workspace (a note: it may be made elsewhere), or one without a readable
 * certificate under `ca.crt` (Gateway API BackendTLSPolicy: such a reference is invalid,
 * reason InvalidCACertificateRef, and the backend cannot be verified with it).
 */
export const backendCaRef: Rule = {
  id: 'gateway/backend-ca-ref',
  title: "A BackendTLSPolicy's CA certificate reference is missing or holds no certificate",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  check(ctx) {
    const view = ctx.kube();
    for (const policy of ownOfKind(view, BACKEND_TLS_POLICY)) {
      for (const ref of backendCaRefs(view, policy)) {
        const res = ref.resolution;
        if (res.kind === 'missing') {
          reportResource(ctx, policy, {
            range: ref.node.get('name').at,
            severity: 'info',
            message: `caCertificateRefs: ${ref.refKind} ${view.namespaceOf(policy)}/${ref.name} is not in the workspace: the CA certificates cannot be checked (if it does not exist in the cluster either, the reference is invalid: InvalidCACertificateRef)`,
          });
        } else if (res.kind === 'unusable') {
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

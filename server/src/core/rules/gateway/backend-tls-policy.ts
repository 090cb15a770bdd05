import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';
import { BACKEND_TLS_POLICY } from '../../formats/kube/backendTls';

/**
 * BackendTLSPolicy (Gateway API, v1 since 1.4) must say how the backend's certificate is
 * verified: `validation.caCertificateRefs` or `validation.wellKnownCACertificates: System`
 * (exactly one), and `validation.hostname`, the name the certificate must carry (and SNI).
 */
export const backendTlsPolicy: Rule = {
  id: 'gateway/backend-tls-policy',
  title: 'BackendTLSPolicy without a CA or hostname to verify the backend',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [BACKEND_TLS_POLICY],
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (resourceKindKey(r) !== 'BackendTLSPolicy.gateway.networking.k8s.io') continue;
      const v = r.spec.get('validation');
      const refs = v.get('caCertificateRefs').items().length > 0;
      const wellKnown = v.get('wellKnownCACertificates').str();
      if (!refs && !wellKnown) {
        reportResource(ctx, r, { range: v.present ? v.keyRange : r.nameRange, message: "no validation.caCertificateRefs or wellKnownCACertificates: the backend's certificate cannot be verified" });
      } else if (refs && wellKnown) {
        reportResource(ctx, r, { range: v.get('wellKnownCACertificates').at, severity: 'error', message: 'caCertificateRefs and wellKnownCACertificates are mutually exclusive: the policy is invalid' });
      }
      if (!v.get('hostname').str()) {
        reportResource(ctx, r, { range: v.present ? v.keyRange : r.nameRange, message: "no validation.hostname: the name the backend's certificate must carry (and the SNI) is unset" });
      }
    }
  },
};

import { isSecretWithCertificate, resolveListenerSecret, secretCertificateRelated } from '../../formats/kube/gatewayApi';
import { named, reportResource, validityProblem } from '../../formats/kube/report';
import type { Rule } from '../rule';

/** The certificate of a listener's Secret is expired, not yet valid, or expires within the policy's thresholds. */
export const certificateExpired: Rule = {
  id: 'gateway/certificate-expired',
  title: "A listener's certificate is expired or expires soon",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  check(ctx) {
    const view = ctx.kube();
    for (const r of resolveListenerSecret(view, isSecretWithCertificate)) {
      const res = r.resolution;
      const p = validityProblem(res.tls.certs[0]!, ctx.now, ctx.policy);
      if (!p) continue;
      reportResource(ctx, r.gateway, {
        range: r.ref.get('name').at,
        severity: p.severity,
        message: `listener ${r.listenerName}: the certificate in ${named(view, res.secret)} ${p.text}`,
        related: [secretCertificateRelated(view, res)],
      });
    }
  },
};

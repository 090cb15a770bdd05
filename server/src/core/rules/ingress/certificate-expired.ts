import { INGRESS_KINDS, ingressSecretRefs, isIngress } from '../../formats/kube/ingress';
import { named, relatedAt, reportResource, validityProblem } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * The certificate in an Ingress's Secret is expired, not yet valid, or expires within the
 * policy's thresholds (`certificateExpiryWarningDays`, `certificateExpiryErrorDays`).
 */
export const certificateExpired: Rule = {
  id: 'ingress/certificate-expired',
  title: "The Secret's certificate is expired or expires soon",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: INGRESS_KINDS,
  check(ctx) {
    const view = ctx.kube();
    for (const r of view.resources) {
      if (!isIngress(r)) continue;
      for (const { tls: t, resolution: res } of ingressSecretRefs(view, r, true)) {
        if (res.kind !== 'secret' || !res.tls.certs[0]) continue;
        const p = validityProblem(res.tls.certs[0], ctx.now, ctx.policy);
        if (!p) continue;
        reportResource(ctx, r, {
          range: t.secretNode.at,
          severity: p.severity,
          message: `the certificate in ${named(view, res.secret)} ${p.text}`,
          related: [relatedAt(res.secret, res.tls.certNode, `${named(view, res.secret)}: the certificate`)],
          ...(res.assumptions ? { assumptions: res.assumptions } : {}),
        });
      }
    }
  },
};

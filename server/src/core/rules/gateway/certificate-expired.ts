import { listenerCertRefs } from '../../formats/kube/gatewayApi';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { named, relatedAt, reportResource, validityProblem } from '../../formats/kube/report';
import type { Rule } from '../rule';

/** The certificate of a listener's Secret is expired, not yet valid, or expires within the policy's thresholds. */
export const certificateExpired: Rule = {
  id: 'gateway/certificate-expired',
  title: "A listener's certificate is expired or expires soon",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  check(ctx) {
    const view = ctx.kube();
    for (const gw of view.resources) {
      if (resourceKindKey(gw) !== K.gateway) continue;
      for (const r of listenerCertRefs(view, gw)) {
        const res = r.resolution;
        if (res.kind !== 'secret' || !res.tls.certs[0]) continue;
        const p = validityProblem(res.tls.certs[0], ctx.now, ctx.policy);
        if (!p) continue;
        reportResource(ctx, gw, {
          range: r.ref.get('name').at,
          severity: p.severity,
          message: `listener ${r.listenerName}: the certificate in ${named(view, res.secret)} ${p.text}`,
          related: [relatedAt(res.secret, res.tls.certNode, named(view, res.secret))],
        });
      }
    }
  },
};

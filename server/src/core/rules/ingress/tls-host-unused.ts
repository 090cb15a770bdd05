import { INGRESS_KINDS, ingressRuleHosts, ingressTls, isIngress, sameHost } from '../../formats/kube/ingress';
import { isTemplated } from '../../formats/kube/node';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * A `spec.tls` host that no rule serves: usually a typo, which leaves the real host
 * without TLS (the controller picks certificates by the TLS hosts).
 */
export const tlsHostUnused: Rule = {
  id: 'ingress/tls-host-unused',
  title: "A TLS host is not among the Ingress rules' hosts",
  defaultSeverity: 'info',
  formats: ['kubernetes'],
  kinds: INGRESS_KINDS,
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (!isIngress(r)) continue;
      const ruleHosts = ingressRuleHosts(r).map((h) => h.value);
      if (ruleHosts.length === 0 || ruleHosts.some(isTemplated)) continue;
      for (const t of ingressTls(r)) {
        for (const h of t.hosts) {
          if (isTemplated(h.value) || ruleHosts.some((x) => sameHost(x, h.value))) continue;
          reportResource(ctx, r, { range: h.node.at, message: `TLS host ${h.value} is served by no rule (rules: ${ruleHosts.join(', ')}); a typo?` });
        }
      }
    }
  },
};

import { isPublicHostname } from '../../formats/kube/hosts';
import { INGRESS_KINDS, ingressRuleHosts, ingressTls, isIngress, nginxAnnotation, sameHost } from '../../formats/kube/ingress';
import { isTemplated } from '../../formats/kube/node';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * An Ingress host that no `spec.tls` entry lists is served over plain HTTP only
 * (Kubernetes Ingress docs, "TLS": TLS applies to the hosts listed in `tls[].hosts`).
 * Only public names count (`isPublicHostname`, as for Gateway API listeners and Istio
 * Gateways): an IP, a cluster-local, special-use or private-network name is nobody's public
 * site. Documentation names (example.com) are judged: Ingress examples stand for real sites.
 */
export const hostWithoutTls: Rule = {
  id: 'ingress/host-without-tls',
  title: 'An Ingress host has no TLS entry',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: INGRESS_KINDS,
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (!isIngress(r) || nginxAnnotation(r, 'ssl-passthrough')?.value === 'true') continue;
      const tlsHosts = ingressTls(r).flatMap((t) => t.hosts.map((h) => h.value));
      const seen = new Set<string>();
      for (const h of ingressRuleHosts(r)) {
        if (isTemplated(h.value) || seen.has(h.value) || !isPublicHostname(h.value, { documentationNames: true }) || tlsHosts.some((t) => sameHost(t, h.value))) continue;
        seen.add(h.value);
        reportResource(ctx, r, {
          range: h.node.at,
          message: `host ${h.value} is in no spec.tls entry: it is served over plain HTTP only`,
        });
      }
    }
  },
};

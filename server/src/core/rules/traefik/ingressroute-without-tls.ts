import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

const KINDS = ['IngressRoute.traefik.io', 'IngressRoute.traefik.containo.us'];

/**
 * A Traefik IngressRoute without `tls` serves its routes over plain HTTP (unless an entry
 * point adds TLS itself). Routes whose middlewares redirect (names containing "redirect")
 * are left alone: they are the HTTP-to-HTTPS hop.
 */
export const ingressRouteWithoutTls: Rule = {
  id: 'traefik/ingressroute-without-tls',
  title: 'IngressRoute without tls',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: KINDS,
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (!KINDS.includes(resourceKindKey(r)) || r.spec.get('tls').present) continue;
      const routes = r.spec.get('routes').items();
      if (routes.length && routes.every((rt) => rt.get('middlewares').items().some((m) => /redirect/i.test(m.get('name').str() ?? '')))) continue;
      const eps = r.spec.get('entryPoints').strings().map((e) => e.value);
      reportResource(ctx, r, { range: r.nameRange, message: `no tls: its routes are served over plain HTTP${eps.length ? ` on ${eps.join(', ')}` : ''} (unless that entry point sets TLS itself)` });
    }
  },
};

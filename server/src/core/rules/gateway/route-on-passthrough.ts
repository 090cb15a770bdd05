import { K } from '../../formats/kube/refs';
import type { KNode } from '../../formats/kube/node';
import { named, ownOfKind, relatedAt, reportResource } from '../../formats/kube/report';
import type { Rule } from '../rule';

const GROUP = 'gateway.networking.k8s.io';
const HTTP_ROUTE = `HTTPRoute.${GROUP}`;
const GRPC_ROUTE = `GRPCRoute.${GROUP}`;

const isPassthrough = (l: KNode): boolean => l.get('protocol').str() === 'TLS' && l.get('tls', 'mode').str() === 'Passthrough';

/**
 * An HTTPRoute or GRPCRoute attached to a Gateway listener in TLS Passthrough mode: such a
 * listener forwards the encrypted stream and only accepts TLSRoutes (Gateway API,
 * "TLS Configuration": Passthrough requires protocol TLS and TLSRoute), so the route is not
 * accepted there. A parentRef without sectionName or port is reported only when every
 * listener of the Gateway is Passthrough.
 */
export const routeOnPassthrough: Rule = {
  id: 'gateway/route-on-passthrough',
  title: 'An HTTPRoute or GRPCRoute is attached to a TLS Passthrough listener',
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  check(ctx) {
    const view = ctx.kube();
    for (const route of ownOfKind(view, HTTP_ROUTE, GRPC_ROUTE)) {
      const routeNs = view.namespaceOf(route);
      for (const ref of route.spec.get('parentRefs').items()) {
        if ((ref.get('kind').str() ?? 'Gateway') !== 'Gateway' || (ref.get('group').str() ?? GROUP) !== GROUP) continue;
        const name = ref.get('name').str();
        if (!name) continue;
        const gw = view.find(K.gateway, ref.get('namespace').str() ?? routeNs, name);
        if (!gw) continue;
        const section = ref.get('sectionName').str();
        const port = ref.get('port').str();
        const listeners = gw.spec
          .get('listeners')
          .items()
          .filter((l) => (section === undefined || l.get('name').str() === section) && (port === undefined || l.get('port').str() === port));
        if (listeners.length === 0 || !listeners.every(isPassthrough)) continue;
        const first = listeners[0]!;
        const which =
          section !== undefined
            ? `listener ${section}`
            : port === undefined
              ? 'every listener'
              : listeners.length === 1
                ? `listener ${first.get('name').str() ?? '?'} on port ${port}`
                : `every listener on port ${port}`;
        reportResource(ctx, route, {
          range: (section !== undefined ? ref.get('sectionName') : ref.get('name')).at,
          message: `attached to ${named(view, gw)}, but ${which} is in TLS Passthrough mode, which accepts only TLSRoutes: this route is not attached there (use a TLSRoute, or an HTTPS listener that terminates TLS)`,
          related: [relatedAt(gw, first.get('tls', 'mode'), `${named(view, gw)}: tls.mode Passthrough`)],
        });
      }
    }
  },
};

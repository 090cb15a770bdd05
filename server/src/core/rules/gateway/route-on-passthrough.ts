import type { KNode } from '../../formats/kube/node';
import { GRPC_ROUTE, HTTP_ROUTE, routeParents } from '../../formats/kube/gatewayRoutes';
import { named, ownOfKind, relatedAt, reportResource } from '../kubeReport';
import { choiceAssumption } from '../../workspace/index';
import type { Rule } from '../rule';

const isPassthrough = (l: KNode): boolean => l.get('protocol').str() === 'TLS' && l.get('tls', 'mode').str() === 'Passthrough';

/**
 * An HTTPRoute or GRPCRoute attached to a Gateway listener in TLS Passthrough mode: such a
 * listener forwards the encrypted stream and only accepts TLSRoutes (Gateway API,
 * "TLS Configuration": Passthrough requires protocol TLS and TLSRoute), so the route is not
 * accepted there. A parentRef without sectionName or port is reported only when every
 * listener of the Gateway is Passthrough. The Gateway is the definition nearest the route
 * (`KubeView.lookup`); the message names its file.
 */
export const routeOnPassthrough: Rule = {
  id: 'gateway/route-on-passthrough',
  title: 'An HTTPRoute or GRPCRoute is attached to a TLS Passthrough listener',
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  kinds: [HTTP_ROUTE, GRPC_ROUTE],
  check(ctx) {
    const view = ctx.kube();
    for (const route of ownOfKind(view, HTTP_ROUTE, GRPC_ROUTE)) {
      for (const { ref, choice, listeners, sectionName: section, port } of routeParents(view, route)) {
        const gw = choice.resource;
        if (!gw || listeners.length === 0 || !listeners.every(isPassthrough)) continue;
        const first = listeners[0]!;
        const which =
          section !== undefined
            ? `listener ${section}`
            : port === undefined
              ? 'every listener'
              : listeners.length === 1
                ? `listener ${first.get('name').str() ?? '?'} on port ${port}`
                : `every listener on port ${port}`;
        const assumption = choiceAssumption(choice, named(view, gw));
        reportResource(ctx, route, {
          range: (section !== undefined ? ref.get('sectionName') : ref.get('name')).at,
          message: `attached to ${named(view, gw)}${gw.file === ctx.doc.file ? '' : ` (${gw.file})`}, but ${which} is in TLS Passthrough mode, which accepts only TLSRoutes: this route is not attached there (use a TLSRoute, or an HTTPS listener that terminates TLS)`,
          related: [relatedAt(gw, first.get('tls', 'mode'), `${named(view, gw)}: tls.mode Passthrough`)],
          ...(assumption ? { assumptions: [assumption] } : {}),
        });
      }
    }
  },
};

import { GRPC_ROUTE, HTTP_ROUTE, redirectsToHttps, routeParents, terminatesTls } from '../../formats/kube/gatewayRoutes';
import { isPublicHostname, patternCovers } from '../../formats/kube/hosts';
import type { KNode } from '../../formats/kube/node';
import { isTemplated } from '../../formats/kube/node';
import { K } from '../../formats/kube/refs';
import { named, ownOfKind, relatedAt, reportResource } from '../kubeReport';
import type { KubeResource } from '../../formats/kube/resources';
import type { KubeView } from '../../workspace/index';
import type { Rule } from '../rule';

/** "a, b and c" (at most 4 names, then "… (N in all)"). */
function listed(names: readonly string[]): string {
  if (names.length === 1) return names[0]!;
  const shown = names.slice(0, 4);
  return names.length > 4 ? `${shown.join(', ')}, … (${names.length} in all)` : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** A host an HTTP listener serves: its own hostname, or a hostname of a route attached to it. */
interface Served {
  host: string;
  /** Where the host is written (the listener's hostname, or the route's). */
  node: KNode;
  route?: KubeResource;
}

/** The routes (HTTPRoute, GRPCRoute) of the workspace attached to `listener` of `gw`, each with whether it only redirects to HTTPS. */
function attached(view: KubeView, gw: KubeResource, listener: KNode): Array<{ route: KubeResource; redirect: boolean }> {
  const out: Array<{ route: KubeResource; redirect: boolean }> = [];
  for (const route of [...view.ofKind(HTTP_ROUTE), ...view.ofKind(GRPC_ROUTE)]) {
    const on = routeParents(view, route).some((p) => p.choice.resource?.file === gw.file && p.choice.resource.name === gw.name && p.listeners.some((l) => l.get('name').str() === listener.get('name').str()));
    if (on) out.push({ route, redirect: redirectsToHttps(route) });
  }
  return out;
}

/**
 * Whether `host` is served over HTTPS somewhere the workspace shows: a listener of this
 * Gateway terminating TLS whose hostname covers it (or has none), a TLS-terminating listener of
 * another Gateway naming it, or a route with that hostname attached to a TLS-terminating listener.
 */
function servedOverHttps(view: KubeView, gw: KubeResource, host: string): boolean {
  if (gw.spec.get('listeners').items().some((l) => terminatesTls(l) && patternCovers(l.get('hostname').str(), host))) return true;
  for (const other of view.ofKind(K.gateway)) {
    if (other.spec.get('listeners').items().some((l) => terminatesTls(l) && l.get('hostname').str() !== undefined && patternCovers(l.get('hostname').str(), host))) return true;
  }
  for (const route of [...view.ofKind(HTTP_ROUTE), ...view.ofKind(GRPC_ROUTE)]) {
    if (!route.spec.get('hostnames').strings().some((h) => patternCovers(h.value, host) || patternCovers(host, h.value))) continue;
    if (routeParents(view, route).some((p) => p.listeners.some(terminatesTls))) return true;
  }
  return false;
}

/**
 * A Gateway API listener with protocol HTTP that serves a public host name — its own
 * `hostname`, or a hostname of an HTTPRoute/GRPCRoute attached to it — that no listener
 * terminating TLS serves (on this Gateway, or named on another), and whose routes do not
 * redirect to HTTPS: the host is reachable over plain HTTP only, as `ingress/host-without-tls`
 * reports for an Ingress. "Public" is `isPublicHostname`: not an IP, special-use,
 * documentation (example.com), cluster-local or private-network name.
 */
export const listenerHttpOnly: Rule = {
  id: 'gateway/listener-http-only',
  title: 'A Gateway API listener serves a public host over plain HTTP only',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.gateway],
  check(ctx) {
    const view = ctx.kube();
    for (const gw of ownOfKind(view, K.gateway)) {
      for (const l of gw.spec.get('listeners').items()) {
        if (l.get('protocol').str() !== 'HTTP') continue;
        const name = l.get('name').str() ?? '?';
        const hostnameNode = l.get('hostname');
        const hostname = hostnameNode.str();
        const routes = attached(view, gw, l);
        const served: Served[] = [];
        if (hostname !== undefined) {
          if (!routes.length || !routes.every((r) => r.redirect)) served.push({ host: hostname, node: hostnameNode });
        } else {
          for (const { route, redirect } of routes) {
            if (redirect) continue;
            for (const h of route.spec.get('hostnames').strings()) served.push({ host: h.value, node: h.node, route });
          }
        }
        const seen = new Set<string>();
        const plain = served.filter((x) => {
          const host = x.host.trim().toLowerCase();
          if (seen.has(host) || isTemplated(host) || !isPublicHostname(host) || servedOverHttps(view, gw, host)) return false;
          seen.add(host);
          return true;
        });
        if (!plain.length) continue;
        const names = plain.map((x) => x.host);
        const via = [...new Set(plain.flatMap((x) => (x.route ? [x.route] : [])))];
        reportResource(ctx, gw, {
          range: hostname !== undefined ? hostnameNode.at : l.get('protocol').at,
          message: `listener ${name} (HTTP, port ${l.get('port').str() ?? '?'}) serves ${listed(names)}${via.length ? `, through ${via.map((r) => named(view, r)).slice(0, 3).join(', ')}${via.length > 3 ? ', …' : ''}` : ''} over plain HTTP only: no listener terminating TLS serves ${names.length === 1 ? 'it' : 'them'} and no route redirects to HTTPS`,
          related: plain.flatMap((x) => (x.route ? [relatedAt(x.route, x.node, `${named(view, x.route)}: hostname ${x.host}`)] : [])).slice(0, 10),
          assumptions: [`${listed(names)} ${names.length === 1 ? 'is a public name' : 'are public names'} (not reserved, documentation, cluster-local or private-network ones)`],
        });
      }
    }
  },
};

import type { Choice, KubeView } from './workspace';
import type { KNode } from './node';
import { K } from './refs';
import type { KubeResource } from './resources';

const GROUP = 'gateway.networking.k8s.io';
export const HTTP_ROUTE = `HTTPRoute.${GROUP}`;
export const GRPC_ROUTE = `GRPCRoute.${GROUP}`;

/** One `parentRefs` entry of a route that names a Gateway, with the Gateway it leads to and the listeners it selects. */
export interface RouteParent {
  ref: KNode;
  name: string;
  namespace: string | undefined;
  sectionName?: string;
  port?: string;
  /** The Gateway definition nearest the route (`KubeView.lookup`). */
  choice: Choice;
  /** The listeners of that Gateway the entry selects (by sectionName and port); empty without the Gateway. */
  listeners: KNode[];
}

/**
 * The Gateways a route's `parentRefs` name (kind Gateway, group gateway.networking.k8s.io,
 * namespace defaulting to the route's), each looked up from the route's own file so duplicate
 * Gateways resolve as they do for the route, with the listeners the entry selects: all, or
 * those whose name is `sectionName` and whose port is `port` (Gateway API ParentReference).
 */
export function routeParents(view: KubeView, route: KubeResource): RouteParent[] {
  const cache = cacheFor(view, route);
  const known = cache.get(route);
  if (known) return known;
  const out = readParents(view, route);
  cache.set(route, out);
  return out;
}

/**
 * Each route's parents, per view (one lint) for the linted file's routes, and per index state
 * for the others': those are looked up from their own file, so every lint against the same
 * index finds the same (rules ask for every route of the workspace, for every listener).
 */
const parentsCache = new WeakMap<KubeView, WeakMap<KubeResource, RouteParent[]>>();
const indexCache = new WeakMap<object, { version: number; routes: WeakMap<KubeResource, RouteParent[]> }>();

function cacheFor(view: KubeView, route: KubeResource): WeakMap<KubeResource, RouteParent[]> {
  const index = view.index;
  if (index && route.file !== view.file) {
    let c = indexCache.get(index);
    if (!c || c.version !== index.version) indexCache.set(index, (c = { version: index.version, routes: new WeakMap() }));
    return c.routes;
  }
  let perView = parentsCache.get(view);
  if (!perView) parentsCache.set(view, (perView = new WeakMap()));
  return perView;
}

function readParents(view: KubeView, route: KubeResource): RouteParent[] {
  const from = view.forFile(route.file);
  const routeNs = view.namespaceOf(route);
  const out: RouteParent[] = [];
  for (const ref of route.spec.get('parentRefs').items()) {
    if ((ref.get('kind').str() ?? 'Gateway') !== 'Gateway' || (ref.get('group').str() ?? GROUP) !== GROUP) continue;
    const name = ref.get('name').str();
    if (!name) continue;
    const namespace = ref.get('namespace').str() ?? routeNs;
    const choice = from.lookup(K.gateway, namespace, name);
    const sectionName = ref.get('sectionName').str();
    const port = ref.get('port').str();
    const listeners = (choice.resource?.spec.get('listeners').items() ?? []).filter(
      (l) => (sectionName === undefined || l.get('name').str() === sectionName) && (port === undefined || l.get('port').str() === port),
    );
    const p: RouteParent = { ref, name, namespace, choice, listeners };
    if (sectionName !== undefined) p.sectionName = sectionName;
    if (port !== undefined) p.port = port;
    out.push(p);
  }
  return out;
}

/** Whether a listener terminates TLS for HTTP: protocol HTTPS, or TLS in Terminate mode (the default). */
export function terminatesTls(l: KNode): boolean {
  const p = l.get('protocol').str();
  return p === 'HTTPS' || (p === 'TLS' && (l.get('tls', 'mode').str() ?? 'Terminate') === 'Terminate');
}

/**
 * Whether every rule of an HTTPRoute redirects to HTTPS (a RequestRedirect filter with
 * scheme https): the route is the HTTP-to-HTTPS hop, not content served over HTTP.
 */
export function redirectsToHttps(route: KubeResource): boolean {
  const rules = route.spec.get('rules').items();
  return (
    rules.length > 0 &&
    rules.every((r) => r.get('filters').items().some((f) => f.get('type').str() === 'RequestRedirect' && f.get('requestRedirect', 'scheme').str()?.toLowerCase() === 'https'))
  );
}

/** Whether `listener` is one of `listeners` (the same node of the same Gateway file). */
export function sameListener(a: KNode, b: KNode): boolean {
  return a.node === b.node || (a.at.start.line === b.at.start.line && a.at.start.character === b.at.start.character && a.get('name').str() === b.get('name').str());
}

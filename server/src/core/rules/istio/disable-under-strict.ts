import { ISTIO_ROOT_NAMESPACE } from '../../formats/kube/istio';
import type { KNode } from '../../formats/kube/node';
import { K } from '../../formats/kube/refs';
import { resourceKindKey, type KubeResource } from '../../formats/kube/resources';
import { named, relatedAt, reportResource } from '../../formats/kube/report';
import type { KubeIndex, KubeView } from '../../workspace/index';
import type { Rule } from '../rule';

/** The namespace of a mesh-internal host: `svc`, `svc.ns`, `svc.ns.svc[.cluster.local]`; undefined for other hosts. */
function hostNamespace(host: string, own: string | undefined): string | undefined {
  const parts = host.toLowerCase().split('.');
  if (parts.some((p) => p === '*' || p === '')) return undefined;
  if (parts.length === 1) return own;
  if (parts.length === 2) return parts[1];
  if (parts[2] === 'svc' && (parts.length === 3 || parts.slice(3).join('.') === 'cluster.local')) return parts[1];
  return undefined;
}

const isWide = (p: KubeResource): boolean => p.spec.get('selector', 'matchLabels').entries().length === 0;

/** Per index (and its version): the selector-less PeerAuthentications of each namespace, so each lint does not scan them all. */
const wideByNamespace = new WeakMap<KubeIndex, { version: number; byNs: Map<string, KubeResource[]> }>();

/** The selector-less PeerAuthentications of `ns`: this file's, then the other files'. */
function widePeerAuthentications(view: KubeView, ns: string): KubeResource[] {
  const own = view.resources.filter((p) => resourceKindKey(p) === K.peerAuthentication && isWide(p) && view.namespaceOf(p) === ns);
  const index = view.index;
  if (!index) return own;
  let cached = wideByNamespace.get(index);
  if (!cached || cached.version !== index.version) {
    const byNs = new Map<string, KubeResource[]>();
    for (const p of index.ofKind(K.peerAuthentication)) {
      const pns = index.namespaceOf(p);
      if (pns === undefined || !isWide(p)) continue;
      const list = byNs.get(pns);
      if (list) list.push(p);
      else byNs.set(pns, [p]);
    }
    cached = { version: index.version, byNs };
    wideByNamespace.set(index, cached);
  }
  return own.concat((cached.byNs.get(ns) ?? []).filter((p) => p.file !== view.file));
}

/** The namespace-wide PeerAuthentication of `ns`, else the mesh-wide one (no selector), with its mode. */
function effectivePeerAuthentication(view: KubeView, ns: string): { pa: KubeResource; mode: string } | undefined {
  for (const target of [ns, ISTIO_ROOT_NAMESPACE]) {
    const pa = widePeerAuthentications(view, target)[0];
    const mode = pa?.spec.get('mtls', 'mode').str();
    if (pa && mode && mode !== 'UNSET') return { pa, mode };
  }
  return undefined;
}

/**
 * A DestinationRule with TLS mode DISABLE towards a mesh service whose namespace (or the
 * whole mesh) requires STRICT mTLS by PeerAuthentication: the server refuses the plaintext
 * connections (Istio docs, "Mutual TLS Migration": DestinationRules override auto mTLS).
 * Workload-level PeerAuthentications are not considered.
 */
export const disableUnderStrict: Rule = {
  id: 'istio/disable-under-strict',
  title: 'DestinationRule disables TLS towards a service that requires STRICT mTLS',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  check(ctx) {
    const view = ctx.kube();
    for (const r of view.resources) {
      if (resourceKindKey(r) !== K.destinationRule) continue;
      const host = r.spec.get('host').str();
      const ns = host ? hostNamespace(host, view.namespaceOf(r)) : undefined;
      if (!host || !ns) continue;
      const effective = effectivePeerAuthentication(view, ns);
      if (!effective || effective.mode !== 'STRICT') continue;
      const policy = r.spec.get('trafficPolicy');
      const modes: KNode[] = [policy.get('tls', 'mode'), ...policy.get('portLevelSettings').items().map((p) => p.get('tls', 'mode'))];
      for (const m of modes) {
        if (m.str() !== 'DISABLE') continue;
        reportResource(ctx, r, {
          range: m.at,
          message: `TLS mode DISABLE towards ${host}, but ${named(view, effective.pa)} requires STRICT mTLS there: the connections will be refused`,
          related: [relatedAt(effective.pa, effective.pa.spec.get('mtls', 'mode'), `${named(view, effective.pa)}: STRICT`)],
        });
      }
    }
  },
};

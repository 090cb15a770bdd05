import type { KubeView } from '../../workspace/index';
import type { KNode } from './node';
import { isTemplated } from './node';
import { K, resolveSecret, type SecretResolution } from './refs';
import type { KubeResource } from './resources';

export interface ListenerCertRef {
  listener: KNode;
  listenerName: string;
  hostname?: string;
  ref: KNode;
  name: string;
  namespace: string | undefined;
  crossNamespace: boolean;
  /** A ReferenceGrant in the Secret's namespace lets this Gateway's namespace use it. */
  permitted: boolean;
  resolution: SecretResolution;
}

/**
 * Whether a ReferenceGrant in `toNamespace` allows Gateways from `fromNamespace` to refer
 * to Secret `name` (Gateway API ReferenceGrant: from group/kind/namespace, to group/kind[/name]).
 */
export function referenceGranted(view: KubeView, fromNamespace: string | undefined, toNamespace: string | undefined, name: string): boolean {
  return view.ofKind(K.referenceGrant).some((g) => {
    if (view.namespaceOf(g) !== toNamespace) return false;
    const from = g.spec.get('from').items().some((f) => f.get('group').str() === 'gateway.networking.k8s.io' && f.get('kind').str() === 'Gateway' && f.get('namespace').str() === fromNamespace);
    const to = g.spec.get('to').items().some((t) => (t.get('group').str() ?? '') === '' && t.get('kind').str() === 'Secret' && (t.get('name').str() ?? name) === name);
    return from && to;
  });
}

/** Every Secret reference of a Gateway's listeners, followed through the workspace. */
export function listenerCertRefs(view: KubeView, gw: KubeResource): ListenerCertRef[] {
  const ns = view.namespaceOf(gw);
  const out: ListenerCertRef[] = [];
  for (const l of gw.spec.get('listeners').items()) {
    for (const ref of l.get('tls', 'certificateRefs').items()) {
      const kind = ref.get('kind').str() ?? 'Secret';
      const group = ref.get('group').str() ?? '';
      const name = ref.get('name').str();
      if (kind !== 'Secret' || group !== '' || !name || isTemplated(name)) continue;
      const refNs = ref.get('namespace').str() ?? ns;
      const crossNamespace = refNs !== ns;
      const r: ListenerCertRef = {
        listener: l,
        listenerName: l.get('name').str() ?? '?',
        ref,
        name,
        namespace: refNs,
        crossNamespace,
        permitted: !crossNamespace || referenceGranted(view, ns, refNs, name),
        resolution: resolveSecret(view, refNs, name),
      };
      const host = l.get('hostname').str();
      if (host) r.hostname = host;
      out.push(r);
    }
  }
  return out;
}

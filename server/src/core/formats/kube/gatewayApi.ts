import type { KubeView } from './workspace';
import type { KNode } from './node';
import { isTemplated } from './node';
import { shimAnnotation } from './certManager';
import { K, resolveSecret, type SecretResolution } from './refs';
import { named, relatedAt } from './report';
import { resourceKindKey, type KubeResource } from './resources';
import type { RelatedLocation } from '../../findings';

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
  return gw.spec.get('listeners').items().flatMap((l) => listenerSecretRefs(view, gw, l));
}

/** The Secret references of one listener of a Gateway, followed through the workspace. */
export function listenerSecretRefs(view: KubeView, gw: KubeResource, l: KNode): ListenerCertRef[] {
  const ns = view.namespaceOf(gw);
  const out: ListenerCertRef[] = [];
  // cert-manager's gateway-shim writes the Secrets of the listeners that terminate TLS for a hostname.
  const shim = shimAnnotation(gw, true) && l.get('hostname').str() && (l.get('tls', 'mode').str() ?? 'Terminate') === 'Terminate';
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
      resolution: shim && !crossNamespace ? { kind: 'generated', by: gw } : resolveSecret(view, refNs, name),
    };
    const host = l.get('hostname').str();
    if (host) r.hostname = host;
    out.push(r);
  }
  return out;
}

/** A listener's certificateRef of a Gateway in the linted file, with where it leads. */
export interface ResolvedListenerRef<T extends SecretResolution = SecretResolution> extends ListenerCertRef {
  gateway: KubeResource;
  resolution: T;
}

/** Any resolution (for `resolveListenerSecret`). */
export const anyResolution = (r: SecretResolution): r is SecretResolution => r !== undefined;

/** A resolution to a Secret in the workspace. */
export function isSecretResolution(r: SecretResolution): r is Extract<SecretResolution, { kind: 'secret' }> {
  return r.kind === 'secret';
}

/**
 * The references grouped by Gateway and Secret (in the order first met): one Secret serving
 * several listeners of a Gateway is one problem, reported once.
 */
export function groupBySecret<T extends ResolvedListenerRef>(refs: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  const ids = new Map<object, number>();
  for (const r of refs) {
    if (!ids.has(r.gateway)) ids.set(r.gateway, ids.size);
    const key = `${ids.get(r.gateway)}\u0000${r.namespace ?? ''}\u0000${r.name}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}

/** A resolution to a Secret in the workspace whose certificate was read. */
export function isSecretWithCertificate(r: SecretResolution): r is Extract<SecretResolution, { kind: 'secret' }> {
  return r.kind === 'secret' && r.tls.certs[0] !== undefined;
}

/**
 * Where the listeners of the linted file's Gateways (Gateway API) get their certificates:
 * every listener → `tls.certificateRefs` → Secret (or the cert-manager Certificate that
 * writes it), with the ReferenceGrant a cross-namespace reference needs, keeping the
 * references whose resolution `accept` takes. The Gateway API counterpart of Istio's
 * `resolveCredential`; the listener rules share it.
 */
export function resolveListenerSecret<T extends SecretResolution>(view: KubeView, accept: (r: SecretResolution) => r is T): Array<ResolvedListenerRef<T>> {
  const out: Array<ResolvedListenerRef<T>> = [];
  for (const gateway of view.resources) {
    if (resourceKindKey(gateway) !== K.gateway) continue;
    for (const r of listenerCertRefs(view, gateway)) {
      const resolution = r.resolution;
      if (accept(resolution)) out.push({ ...r, gateway, resolution });
    }
  }
  return out;
}

/** The related location of a Secret reference's certificate (`tls.crt`, else the Secret's `data`). */
export function secretCertificateRelated(view: KubeView, res: Extract<SecretResolution, { kind: 'secret' }>, message = named(view, res.secret)): RelatedLocation {
  return relatedAt(res.secret, res.tls.certNode ?? res.secret.root.get('data'), message);
}

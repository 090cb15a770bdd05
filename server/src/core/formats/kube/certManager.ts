import type { KubeView } from './workspace';
import { isTemplated, type KNode } from './node';
import { K } from './refs';
import type { KubeResource } from './resources';

/** The annotation through which cert-manager's ingress-shim or gateway-shim issues an Ingress's or Gateway's certificates. */
export interface ShimAnnotation {
  annotation: string;
  value: string;
  node: KNode;
  /** The Issuer or ClusterIssuer it names (undefined for `kubernetes.io/tls-acme`, which uses the configured default). */
  issuerKind?: 'Issuer' | 'ClusterIssuer';
}

/**
 * cert-manager's shim annotations on an Ingress (ingress-shim) or a Gateway (gateway-shim):
 * `cert-manager.io/cluster-issuer`, `cert-manager.io/issuer`, and on an Ingress also
 * `kubernetes.io/tls-acme: "true"` (cert-manager docs, "Securing Ingress Resources" and
 * "Annotated Gateway resource"). cert-manager then creates a Certificate per TLS entry or
 * listener, for its hosts, writing the Secret the entry or listener names.
 */
export function shimAnnotation(r: KubeResource, gateway = false): ShimAnnotation | undefined {
  for (const [annotation, issuerKind] of [
    ['cert-manager.io/cluster-issuer', 'ClusterIssuer'],
    ['cert-manager.io/issuer', 'Issuer'],
  ] as const) {
    const node = r.metadata.get('annotations', annotation);
    const value = node.str()?.trim();
    if (value) return { annotation, value, node, issuerKind };
  }
  if (!gateway) {
    const node = r.metadata.get('annotations', 'kubernetes.io/tls-acme');
    if (node.str()?.trim() === 'true') return { annotation: 'kubernetes.io/tls-acme', value: 'true', node };
  }
  return undefined;
}

/** The Issuer or ClusterIssuer a shim annotation names, nearest first; undefined when not in the workspace or templated. */
export function shimIssuer(view: KubeView, r: KubeResource, shim: ShimAnnotation): KubeResource | undefined {
  if (!shim.issuerKind || isTemplated(shim.value)) return undefined;
  return shim.issuerKind === 'ClusterIssuer' ? view.find(K.clusterIssuer, undefined, shim.value) : view.find(K.issuer, view.namespaceOf(r), shim.value);
}

/** A Go duration ("2160h", "1h30m", "90m") in hours; undefined when it is not one. */
export function goDurationHours(s: string): number | undefined {
  const t = s.trim();
  if (!/^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/.test(t)) return undefined;
  const unit: Record<string, number> = { h: 1, m: 1 / 60, s: 1 / 3600, ms: 1 / 3.6e6, us: 1 / 3.6e9, µs: 1 / 3.6e9, ns: 1 / 3.6e12 };
  let hours = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g)) hours += Number(m[1]) * unit[m[2]!]!;
  return hours;
}

/** The Issuer or ClusterIssuer a Certificate's issuerRef names (kind Issuer by default, in the Certificate's namespace). */
export function issuerOf(view: KubeView, cert: KubeResource): KubeResource | undefined {
  const ref = cert.spec.get('issuerRef');
  const name = ref.get('name').str();
  if (!name) return undefined;
  const group = ref.get('group').str() ?? 'cert-manager.io';
  if (group !== 'cert-manager.io') return undefined;
  return (ref.get('kind').str() ?? 'Issuer') === 'ClusterIssuer' ? view.find(K.clusterIssuer, undefined, name) : view.find(K.issuer, view.namespaceOf(cert), name);
}

/** Ingresses in the Certificate's namespace with a TLS entry using its Secret. */
export function ingressesUsing(view: KubeView, cert: KubeResource): KubeResource[] {
  const secret = cert.spec.get('secretName').str();
  if (!secret) return [];
  const ns = view.namespaceOf(cert);
  return ['Ingress.networking.k8s.io', 'Ingress.extensions']
    .flatMap((k) => view.ofKind(k))
    .filter((i) => view.namespaceOf(i) === ns && i.spec.get('tls').items().some((t) => t.get('secretName').str() === secret));
}

export const LE_STAGING = 'acme-staging-v02.api.letsencrypt.org';

/** Whether an Issuer/ClusterIssuer is an ACME issuer on Let's Encrypt's staging directory. */
export function isStagingIssuer(issuer: KubeResource): boolean {
  return issuer.spec.get('acme', 'server').str()?.includes(LE_STAGING) === true;
}

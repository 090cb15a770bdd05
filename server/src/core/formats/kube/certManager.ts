import type { KubeView } from '../../workspace/index';
import { K } from './refs';
import type { KubeResource } from './resources';

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
/** Let's Encrypt's production ACME directory (the staging fix's value). */
export const LE_PRODUCTION_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';

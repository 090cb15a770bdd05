import type { KubeView } from './workspace';
import type { KNode } from './node';
import { isTemplated } from './node';
import { shimAnnotation } from './certManager';
import { resolveSecret, type SecretResolution } from './refs';
import { resourceKindKey, type KubeResource } from './resources';

/** Ingress kinds: networking.k8s.io/v1 and the old extensions/v1beta1. */
export const INGRESS_KINDS = ['Ingress.networking.k8s.io', 'Ingress.extensions'];

export function isIngress(r: KubeResource): boolean {
  return INGRESS_KINDS.includes(resourceKindKey(r));
}

/** ingress-nginx annotations (kubernetes/ingress-nginx docs, user-guide/nginx-configuration/annotations). */
export const NGINX_ANNOTATION = 'nginx.ingress.kubernetes.io/';

export interface Named {
  value: string;
  node: KNode;
}

export interface IngressTlsEntry {
  index: number;
  entry: KNode;
  /**
   * The hosts the entry covers: its `hosts`, or, when it lists none, the rule hosts (the API's
   * default: "the wildcard host setting for the loadbalancer controller", which serves the
   * rules' hosts) — then `hostsDefaulted` is set.
   */
  hosts: Named[];
  /** The entry lists no `hosts`: `hosts` are the Ingress's rule hosts. */
  hostsDefaulted?: true;
  secretName?: string;
  secretNode: KNode;
}

export function ingressTls(r: KubeResource): IngressTlsEntry[] {
  return r.spec.get('tls').items().map((entry, index) => {
    const secretNode = entry.get('secretName');
    const listed = entry.get('hosts').strings();
    const e: IngressTlsEntry = { index, entry, hosts: listed, secretNode };
    if (!entry.get('hosts').items().length) {
      e.hosts = ingressRuleHosts(r).filter((h, i, all) => all.findIndex((x) => sameHost(x.value, h.value)) === i);
      e.hostsDefaulted = true;
    }
    const s = secretNode.str();
    if (s) e.secretName = s;
    return e;
  });
}

/** What an assumption says about a TLS entry without hosts. */
export function defaultedHostsAssumption(t: IngressTlsEntry): string | undefined {
  return t.hostsDefaulted ? `spec.tls[${t.index}] lists no hosts: taken to cover the rule hosts (the API's default for an entry without hosts)` : undefined;
}

/** A `spec.tls` entry's Secret, with where it leads. */
export interface IngressSecretRef {
  tls: IngressTlsEntry & { secretName: string };
  resolution: SecretResolution;
}

/**
 * The Secrets an Ingress's `spec.tls` entries name (templated names left out), each followed
 * through the workspace in the Ingress's namespace; `distinct`: each Secret once, at its first
 * entry. The Ingress rules that judge a Secret share it.
 */
export function ingressSecretRefs(view: KubeView, r: KubeResource, distinct = false): IngressSecretRef[] {
  const out: IngressSecretRef[] = [];
  const seen = new Set<string>();
  // cert-manager's ingress-shim writes every TLS entry's Secret (a Secret in the repository would be overwritten).
  const shim = shimAnnotation(r);
  for (const t of ingressTls(r)) {
    const name = t.secretName;
    if (!name || isTemplated(name) || (distinct && seen.has(name))) continue;
    seen.add(name);
    out.push({ tls: { ...t, secretName: name }, resolution: shim ? { kind: 'generated', by: r } : resolveSecret(view, view.namespaceOf(r), name) });
  }
  return out;
}

/** The hosts of `spec.rules` (rules without a host are catch-alls and not listed). */
export function ingressRuleHosts(r: KubeResource): Named[] {
  const out: Named[] = [];
  for (const rule of r.spec.get('rules').items()) {
    const h = rule.get('host');
    const v = h.str();
    if (v) out.push({ value: v, node: h });
  }
  return out;
}

/** An ingress-nginx annotation's value and node. */
export function nginxAnnotation(r: KubeResource, name: string): Named | undefined {
  const node = r.metadata.get('annotations', NGINX_ANNOTATION + name);
  const value = node.str();
  return value === undefined || isTemplated(value) ? undefined : { value: value.trim(), node };
}

export function sameHost(a: string, b: string): boolean {
  return a.trim().toLowerCase().replace(/\.$/, '') === b.trim().toLowerCase().replace(/\.$/, '');
}

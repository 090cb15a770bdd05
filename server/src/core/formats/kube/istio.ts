import type { KubeView } from './workspace';
import { isTemplated, type KNode } from './node';
import { K, resolveSecret, type SecretResolution } from './refs';
import { resourceKindKey, type KubeResource } from './resources';

/** Istio's root namespace by default (MeshConfig rootNamespace). */
export const ISTIO_ROOT_NAMESPACE = 'istio-system';

/** Whether `selector` ⊆ `labels` (Kubernetes equality-based selection; an empty selector selects everything). */
export function selects(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export const WORKLOAD_KINDS = ['Deployment.apps', 'StatefulSet.apps', 'DaemonSet.apps', 'ReplicaSet.apps'];

/** The labels of the pods a resource runs: a Pod's own, or a workload's pod template's. */
export function podLabels(r: KubeResource): Record<string, string> | undefined {
  if (resourceKindKey(r) === K.pod) return { ...r.labels };
  if (WORKLOAD_KINDS.includes(resourceKindKey(r))) return r.spec.get('template', 'metadata', 'labels').stringMap();
  return undefined;
}

/**
 * Where an Istio Gateway's workload runs, as istioctl decides it: the namespace of the
 * first Pod its selector matches (`gateway.SecretAnalyzer`). TLS Lens also accepts the pod
 * templates of Deployments, StatefulSets and DaemonSets (manifests rarely hold Pods).
 */
export function gatewayWorkloadNamespace(view: KubeView, gw: KubeResource): string | undefined {
  const selector = gw.spec.get('selector').stringMap();
  for (const kind of [K.pod, ...WORKLOAD_KINDS]) {
    for (const w of view.ofKind(kind)) {
      const labels = podLabels(w);
      if (labels && selects(selector, labels)) return view.namespaceOf(w);
    }
  }
  return undefined;
}

/**
 * The namespaces whose Secret a credentialName may name: the workload's, when the
 * workspace holds it; otherwise the Gateway's own and the root namespace (where the default
 * ingress gateway runs).
 */
export function credentialNamespaces(view: KubeView, gw: KubeResource): { namespaces: string[]; workloadKnown: boolean } {
  const ns = gatewayWorkloadNamespace(view, gw);
  if (ns) return { namespaces: [ns], workloadKnown: true };
  const own = view.namespaceOf(gw) ?? 'default';
  return { namespaces: own === ISTIO_ROOT_NAMESPACE ? [own] : [own, ISTIO_ROOT_NAMESPACE], workloadKnown: false };
}

/** `ns/name` (istioctl's ShortOrFullName) or a name in `namespace`. */
export function splitCredential(name: string, namespace: string): { namespace: string; name: string } {
  const i = name.indexOf('/');
  return i > 0 ? { namespace: name.slice(0, i), name: name.slice(i + 1) } : { namespace, name };
}

export interface GatewayServer {
  index: number;
  node: KNode;
  port?: number;
  protocol?: string;
  hosts: Array<{ value: string; node: KNode }>;
  tls: KNode;
}

export function gatewayServers(gw: KubeResource): GatewayServer[] {
  return gw.spec.get('servers').items().map((node, index) => {
    const s: GatewayServer = { index, node, hosts: node.get('hosts').strings(), tls: node.get('tls') };
    const port = node.get('port', 'number').num();
    if (port !== undefined) s.port = port;
    const protocol = node.get('port', 'protocol').str();
    if (protocol) s.protocol = protocol.toUpperCase();
    return s;
  });
}

/**
 * Where a Gateway server's credentialName leads: the resolution in the first of the
 * candidate namespaces (`credentialNamespaces`) that `accept` takes, or undefined.
 */
export function resolveCredential<T extends SecretResolution>(
  view: KubeView,
  namespaces: readonly string[],
  credentialName: string,
  accept: (r: SecretResolution) => r is T,
): T | undefined {
  for (const ns of namespaces) {
    const ref = splitCredential(credentialName, ns);
    const res = resolveSecret(view, ref.namespace, ref.name);
    if (accept(res)) return res;
  }
  return undefined;
}

/** A credentialName of an Istio Gateway server in the linted file, with where it leads. */
export interface ResolvedServerCredential<T extends SecretResolution> {
  gateway: KubeResource;
  server: GatewayServer;
  /** The `credentialName` node. */
  node: KNode;
  name: string;
  resolution: T;
}

/**
 * Where the servers of the linted file's Istio Gateways get their certificates: every server's
 * `tls.credentialName` (not templated) → `resolveCredential` in the namespaces Istio reads
 * (`credentialNamespaces`), keeping those `accept` takes. The Istio counterpart of
 * `resolveListenerSecret`; the Gateway credential rules share it. `distinct`: each
 * credentialName once per Gateway (one Secret's problem is reported once, not per server).
 */
export function resolveServerCredentials<T extends SecretResolution>(view: KubeView, accept: (r: SecretResolution) => r is T, distinct = false): Array<ResolvedServerCredential<T>> {
  const out: Array<ResolvedServerCredential<T>> = [];
  for (const gateway of view.resources) {
    if (resourceKindKey(gateway) !== K.istioGateway) continue;
    const { namespaces } = credentialNamespaces(view, gateway);
    const seen = new Set<string>();
    for (const server of gatewayServers(gateway)) {
      const node = server.tls.get('credentialName');
      const name = node.str();
      if (!name || isTemplated(name) || (distinct && seen.has(name))) continue;
      seen.add(name);
      const resolution = resolveCredential(view, namespaces, name, accept);
      if (resolution) out.push({ gateway, server, node, name, resolution });
    }
  }
  return out;
}

/** A resolution to a Secret in the workspace. */
export function isSecretResolution(r: SecretResolution): r is Extract<SecretResolution, { kind: 'secret' }> {
  return r.kind === 'secret';
}

/** An Istio Gateway server host is `[namespace/]host`. */
export function hostPart(h: string): string {
  const i = h.indexOf('/');
  return i >= 0 ? h.slice(i + 1) : h;
}

export const ISTIO_PROTOCOLS: Record<string, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  TLSV1_0: 'TLSv1',
  TLSV1_1: 'TLSv1.1',
  TLSV1_2: 'TLSv1.2',
  TLSV1_3: 'TLSv1.3',
};

import type { KubeIndex, KubeView } from './workspace';
import { ISTIO_ROOT_NAMESPACE, WORKLOAD_KINDS, podLabels, selects } from './istio';
import type { KNode } from './node';
import { K } from './refs';
import { resourceKindKey, type KubeResource } from './resources';

/**
 * How Istio decides the mTLS mode a workload's server side accepts (Istio docs, "Authentication
 * Policy" → "Peer authentication": a workload-specific policy takes precedence over the
 * namespace-wide one, which takes precedence over the mesh-wide one in the root namespace;
 * `portLevelMtls`, which needs a selector, overrides the workload's mode on that port; UNSET
 * inherits from the parent and is PERMISSIVE at the top; a policy with a selector in the root
 * namespace is ignored). Among several policies of one
 * level, Istio takes the oldest; a manifest has no creation time, so the first one read counts.
 */
export interface EffectiveMtls {
  /** STRICT, PERMISSIVE or DISABLE. */
  mode: string;
  /** The PeerAuthentication that decides it, and the mode's node there. */
  pa: KubeResource;
  node: KNode;
  scope: 'port' | 'workload' | 'namespace' | 'mesh';
}

interface ByNamespace {
  /** Selector-less PeerAuthentications (namespace-wide; mesh-wide in the root namespace). */
  wide: KubeResource[];
  /** PeerAuthentications with `selector.matchLabels` (workload level). */
  selected: KubeResource[];
  /** Pods and workloads with a pod template. */
  workloads: KubeResource[];
}

const hasSelector = (p: KubeResource): boolean => p.spec.get('selector', 'matchLabels').entries().length > 0;
const WORKLOADS = new Set<string>([K.pod, ...WORKLOAD_KINDS]);

function add(byNs: Map<string, ByNamespace>, ns: string, r: KubeResource): void {
  let e = byNs.get(ns);
  if (!e) byNs.set(ns, (e = { wide: [], selected: [], workloads: [] }));
  if (resourceKindKey(r) === K.peerAuthentication) (hasSelector(r) ? e.selected : e.wide).push(r);
  else e.workloads.push(r);
}

/** Per index (and its version): its PeerAuthentications and workloads by namespace, so a lint does not scan them all. */
const cache = new WeakMap<KubeIndex, { version: number; byNs: Map<string, ByNamespace> }>();

/** The PeerAuthentications and workloads of `ns`: the linted file's first, then the other files'. */
export function meshNamespace(view: KubeView, ns: string): ByNamespace {
  const own = new Map<string, ByNamespace>();
  for (const r of view.resources) {
    const k = resourceKindKey(r);
    if ((k === K.peerAuthentication || WORKLOADS.has(k)) && view.namespaceOf(r) === ns) add(own, ns, r);
  }
  const mine = own.get(ns) ?? { wide: [], selected: [], workloads: [] };
  const index = view.index;
  if (!index) return mine;
  let cached = cache.get(index);
  if (!cached || cached.version !== index.version) {
    const byNs = new Map<string, ByNamespace>();
    for (const kind of [K.peerAuthentication, ...WORKLOADS]) {
      for (const r of index.ofKind(kind)) {
        const rns = index.namespaceOf(r);
        if (rns !== undefined) add(byNs, rns, r);
      }
    }
    cached = { version: index.version, byNs };
    cache.set(index, cached);
  }
  const other = cached.byNs.get(ns);
  if (!other) return mine;
  const notMine = (r: KubeResource): boolean => r.file !== view.file;
  return {
    wide: mine.wide.concat(other.wide.filter(notMine)),
    selected: mine.selected.concat(other.selected.filter(notMine)),
    workloads: mine.workloads.concat(other.workloads.filter(notMine)),
  };
}

function modeAt(pa: KubeResource, node: KNode, scope: EffectiveMtls['scope']): EffectiveMtls | undefined {
  const mode = node.str();
  return mode && mode !== 'UNSET' ? { mode, pa, node, scope } : undefined;
}

/**
 * The mTLS mode the server side of a workload in `ns` with pod `labels` accepts on `port`
 * (its container port; unknown: the workload's mode without port-level settings), or
 * undefined when no PeerAuthentication decides (PERMISSIVE). Without `labels` (no workload
 * known), the namespace-wide and mesh-wide policies only.
 */
export function effectiveMtls(view: KubeView, ns: string, labels?: Readonly<Record<string, string>>, port?: number): EffectiveMtls | undefined {
  const here = meshNamespace(view, ns);
  // PeerAuthentications with a selector are ignored in the root namespace (PeerAuthentication reference).
  if (labels && ns !== ISTIO_ROOT_NAMESPACE) {
    const pa = here.selected.find((p) => selects(p.spec.get('selector', 'matchLabels').stringMap(), labels));
    if (pa) {
      const portMode = port === undefined ? undefined : modeAt(pa, pa.spec.get('portLevelMtls', String(port), 'mode'), 'port');
      const found = portMode ?? modeAt(pa, pa.spec.get('mtls', 'mode'), 'workload');
      if (found) return found;
    }
  }
  const nsPa = here.wide[0];
  const nsMode = nsPa && modeAt(nsPa, nsPa.spec.get('mtls', 'mode'), ns === ISTIO_ROOT_NAMESPACE ? 'mesh' : 'namespace');
  if (nsMode || ns === ISTIO_ROOT_NAMESPACE) return nsMode;
  const meshPa = meshNamespace(view, ISTIO_ROOT_NAMESPACE).wide[0];
  return meshPa && modeAt(meshPa, meshPa.spec.get('mtls', 'mode'), 'mesh');
}

/** A workload behind a Service, with its pod labels. */
export interface Backend {
  workload: KubeResource;
  labels: Record<string, string>;
}

/**
 * The workloads (Pods, pod templates) in `ns` that Service `ns/name` selects, or undefined
 * when the Service is not in the workspace or selects nothing by label (no `selector`).
 */
export function serviceBackends(view: KubeView, ns: string, name: string): { service: KubeResource; backends: Backend[] } | undefined {
  const service = view.find(K.service, ns, name);
  if (!service) return undefined;
  const selector = service.spec.get('selector').stringMap();
  if (Object.keys(selector).length === 0) return undefined;
  const backends: Backend[] = [];
  for (const workload of meshNamespace(view, ns).workloads) {
    const labels = podLabels(workload);
    if (labels && selects(selector, labels)) backends.push({ workload, labels });
  }
  return { service, backends };
}

/** The containers of a Pod or of a workload's pod template. */
function containers(workload: KubeResource): KNode[] {
  const spec = resourceKindKey(workload) === K.pod ? workload.spec : workload.spec.get('template', 'spec');
  return spec.get('containers').items();
}

/**
 * The container port a Service port leads to on `workload`: `targetPort` (a number, or a
 * container port's name), else the port itself; undefined when it cannot be told.
 */
export function targetPort(servicePort: KNode, workload: KubeResource): number | undefined {
  const target = servicePort.get('targetPort');
  const n = target.num();
  if (n !== undefined) return n;
  const named = target.str();
  if (named === undefined) return servicePort.get('port').num();
  for (const c of containers(workload)) {
    for (const p of c.get('ports').items()) if (p.get('name').str() === named) return p.get('containerPort').num();
  }
  return undefined;
}

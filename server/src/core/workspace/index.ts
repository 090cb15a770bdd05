import { TextDoc } from '../document';
import { detectFormat } from '../formats/detect';
import { parseKubeFile, resourceKindKey, type KubeFile, type KubeResource } from '../formats/kube/resources';
import { parseYamlFile, type YamlFile } from '../formats/yaml/documents';
import { LineIndex } from '../text';
import { KustomizeNamespaces, type KustomizationInfo } from './kustomize';

/** One indexed file: its text (so a lint of the same text reuses the parse) and its resources. */
export interface IndexEntry {
  file: string;
  text: string;
  lines: LineIndex;
  kube: KubeFile;
  /** The YAML parse the resources were read from (a lint of the same text reuses it). */
  yaml: YamlFile;
  /** A kustomization.yaml's `namespace` and the resources it lists (see `KustomizeNamespaces`). */
  kustomization?: KustomizationInfo;
}

/** Kinds without a namespace: their namespace is ignored (core and the CRDs the rules read). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ClusterIssuer.cert-manager.io',
  'GatewayClass.gateway.networking.k8s.io',
]);

const KUSTOMIZATION = /(^|[\\/])kustomization\.ya?ml$/i;

/**
 * The Kubernetes resources of a whole workspace by kind, namespace and name, so rules can
 * follow references across files (an Ingress's Secret, a Gateway's credential). Files are
 * added, replaced and removed one at a time (an edit costs one file's parse).
 */
export class KubeIndex {
  private readonly files = new Map<string, IndexEntry>();
  private readonly byKey = new Map<string, KubeResource[]>();
  private readonly byKind = new Map<string, KubeResource[]>();
  private readonly kustomize = new KustomizeNamespaces();
  /** The lookups are out of date after a kustomization change (see `fresh`). */
  private stale = false;
  /** Bumped on every change; caches derived from the index compare it. */
  version = 0;

  /**
   * @param complete whether the index holds every manifest of the workspace; a partial one
   * (open documents only, while the workspace is read) lets rules follow references to what
   * it holds, but not conclude that something is missing.
   */
  constructor(readonly complete = true) {}

  get fileCount(): number {
    return this.files.size;
  }

  get resourceCount(): number {
    let n = 0;
    for (const e of this.files.values()) n += e.kube.resources.length;
    return n;
  }

  entry(file: string): IndexEntry | undefined {
    return this.files.get(file);
  }

  /** Whether a file's text is worth indexing: a manifest (YAML or JSON with apiVersion and kind) or a kustomization. */
  static wants(file: string, text: string): boolean {
    if (KUSTOMIZATION.test(file)) return true;
    return detectFormat(new TextDoc(file, text)) === 'kubernetes';
  }

  /** Adds or replaces a file (or removes it when it is not a manifest any more). */
  setFile(file: string, text: string): IndexEntry | undefined {
    const old = this.files.get(file);
    if (old && old.text === text) return old;
    if (!KubeIndex.wants(file, text)) {
      this.removeFile(file);
      return undefined;
    }
    const lines = new LineIndex(text);
    const yaml = parseYamlFile(text, lines);
    const kube = parseKubeFile(file, text, lines, yaml);
    const entry: IndexEntry = { file, text, lines, kube, yaml };
    if (KUSTOMIZATION.test(file)) {
      const k = kube.resources.find((r) => r.kind === 'Kustomization');
      if (k) {
        const info: KustomizationInfo = { resources: [...k.root.get('resources').strings(), ...k.root.get('bases').strings()].map((x) => x.value) };
        const ns = k.root.get('namespace').str();
        if (ns) info.namespace = ns;
        entry.kustomization = info;
      }
    }
    const kustomizeChanged = JSON.stringify(old?.kustomization) !== JSON.stringify(entry.kustomization);
    if (old && !this.stale) this.unlink(old);
    this.files.set(file, entry);
    if (kustomizeChanged) {
      this.kustomize.set(file, entry.kustomization);
      this.stale = true;
    } else if (!this.stale) this.link(entry);
    this.version++;
    return entry;
  }

  removeFile(file: string): void {
    const old = this.files.get(file);
    if (!old) return;
    if (!this.stale) this.unlink(old);
    this.files.delete(file);
    if (old.kustomization) {
      this.kustomize.set(file, undefined);
      this.stale = true;
    }
    this.version++;
  }

  /**
   * The effective namespace: the `namespace` of the kustomizations that list the file (it
   * overrides `metadata.namespace`, as kustomize does; see `KustomizeNamespaces`), else
   * `metadata.namespace`, else "default"; undefined for cluster-scoped kinds.
   */
  namespaceOf(r: KubeResource): string | undefined {
    if (CLUSTER_SCOPED.has(r.kind) || CLUSTER_SCOPED.has(resourceKindKey(r))) return undefined;
    return this.kustomize.namespaceFor(r.file) ?? r.namespace ?? 'default';
  }

  /** Resources of a kind (`Kind` or `Kind.group`) with this namespace and name, in any file. */
  find(kind: string, namespace: string | undefined, name: string): readonly KubeResource[] {
    this.fresh();
    return this.byKey.get(key(kind, namespace, name)) ?? [];
  }

  ofKind(kind: string): readonly KubeResource[] {
    this.fresh();
    return this.byKind.get(kind) ?? [];
  }

  private link(e: IndexEntry): void {
    for (const r of e.kube.resources) {
      const k = resourceKindKey(r);
      push(this.byKey, key(k, this.namespaceOf(r), r.name), r);
      push(this.byKind, k, r);
    }
  }

  private unlink(e: IndexEntry): void {
    for (const r of e.kube.resources) {
      const k = resourceKindKey(r);
      pull(this.byKey, key(k, this.namespaceOf(r), r.name), r);
      pull(this.byKind, k, r);
    }
  }

  /**
   * A kustomization change can move any resource to another namespace: the lookups are
   * rebuilt once, on the next query, not on every kustomization file read while indexing.
   */
  private fresh(): void {
    if (!this.stale) return;
    this.stale = false;
    this.relinkAll();
  }

  private relinkAll(): void {
    this.byKey.clear();
    this.byKind.clear();
    for (const e of this.files.values()) this.link(e);
  }
}

function key(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name}`;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

function pull<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (!a) return;
  const i = a.indexOf(v);
  if (i >= 0) a.splice(i, 1);
  if (a.length === 0) m.delete(k);
}

/**
 * What a rule sees of Kubernetes while linting one file: that file's resources (from the
 * text being linted, which may be newer than the index's copy) and, when the caller built
 * an index, every other file's.
 */
export class KubeView {
  constructor(
    readonly file: string,
    readonly kube: KubeFile,
    readonly index: KubeIndex | undefined,
  ) {}

  get resources(): readonly KubeResource[] {
    return this.kube.resources;
  }

  /** Whether the whole workspace is known (cross-file "not found" findings need it). */
  get hasWorkspace(): boolean {
    return this.index?.complete ?? false;
  }

  namespaceOf(r: KubeResource): string | undefined {
    if (this.index) return this.index.namespaceOf(r);
    if (CLUSTER_SCOPED.has(r.kind) || CLUSTER_SCOPED.has(resourceKindKey(r))) return undefined;
    return r.namespace ?? 'default';
  }

  /** The first resource of a kind with this namespace and name: this file first, then the others. */
  find(kind: string, namespace: string | undefined, name: string): KubeResource | undefined {
    for (const r of this.kube.resources) if (resourceKindKey(r) === kind && r.name === name && this.namespaceOf(r) === namespace) return r;
    if (!this.index) return undefined;
    return this.index.find(kind, namespace, name).find((r) => r.file !== this.file);
  }

  /** Every resource of a kind: this file's, then the others'. */
  ofKind(kind: string): KubeResource[] {
    const own = this.kube.resources.filter((r) => resourceKindKey(r) === kind);
    if (!this.index) return own;
    return own.concat(this.index.ofKind(kind).filter((r) => r.file !== this.file));
  }
}

/** The view for a document: the index's parse when its text is the same, else a fresh one. */
/** The index's YAML parse of `file` when it holds the same text. */
export function indexedYaml(index: KubeIndex | undefined, file: string, text: string): YamlFile | undefined {
  const entry = index?.entry(file);
  return entry && entry.text === text ? entry.yaml : undefined;
}

export function kubeViewFor(doc: { file: string; text: string; lines: LineIndex }, index: KubeIndex | undefined, yamlFile: () => YamlFile): KubeView {
  const entry = index?.entry(doc.file);
  const kube = entry && entry.text === doc.text ? entry.kube : parseKubeFile(doc.file, doc.text, doc.lines, yamlFile());
  return new KubeView(doc.file, kube, index);
}

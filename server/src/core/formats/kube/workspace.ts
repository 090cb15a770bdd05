import { TextDoc } from '../../document';
import { detectFormat } from '../detect';
import { kubeFile, resourceKindKey, type KubeFile, type KubeResource } from './resources';
import type { YamlFile } from '../yaml/documents';
import { parseYamlCached } from '../yaml/parseCache';
import { LineIndex } from '../../text';
import { KustomizeNamespaces, normalizePath, type KustomizationInfo } from './kustomize';

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
  'ClusterExternalSecret.external-secrets.io',
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
   * (open documents only, or the part of the workspace read so far) lets rules follow
   * references to what it holds, but not conclude that something is missing. An index being
   * built is partial until the build sets it complete.
   */
  constructor(public complete = true) {}

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
    const yaml = parseYamlCached(text, file, lines);
    const kube = kubeFile(file, text, lines, yaml);
    const entry: IndexEntry = { file, text, lines, kube, yaml };
    if (KUSTOMIZATION.test(file)) {
      const k = kube.resources.find((r) => r.kind === 'Kustomization');
      if (k) {
        const info: KustomizationInfo = { resources: [...k.root.get('resources').strings(), ...k.root.get('bases').strings()].map((x) => x.value) };
        const ns = k.root.get('namespace').str();
        if (ns) info.namespace = ns;
        // Patch files (inline patches hold line breaks and name no file).
        const patches = [
          ...k.root.get('patchesStrategicMerge').strings().map((x) => x.value),
          ...k.root.get('patches').items().flatMap((p) => p.get('path').str() ?? []),
        ].filter((x) => !/\n/.test(x));
        if (patches.length) info.patches = patches;
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

  /** Whether a kustomization reads `file` as a patch: its objects are not definitions (`KustomizeNamespaces.isPatch`). */
  isPatch(file: string): boolean {
    return this.kustomize.isPatch(file);
  }

  /** The kustomizations whose build includes `file`, with how many levels up (`KustomizeNamespaces.ancestors`). */
  kustomizationsOf(file: string): ReadonlyMap<string, number> {
    return this.kustomize.ancestors(file);
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

/** How near a definition is to the file that refers to it, nearest first. */
export type Nearness = 'this file' | 'this folder' | 'this kustomization' | 'the workspace';

/** What a lookup among several definitions of one identity (or of one role) decided. */
export interface Choice {
  /** The definition used: the nearest one, or one of the nearest when they all agree. */
  resource?: KubeResource;
  /** How near the definitions it was chosen among are. */
  near?: Nearness;
  /** Every definition there was (patch files left out). */
  candidates: readonly KubeResource[];
  /** The nearest definitions differ from each other: nothing is concluded from any of them. */
  ambiguous?: readonly KubeResource[];
}

/**
 * What a rule sees of Kubernetes while linting one file: that file's resources (from the
 * text being linted, which may be newer than the index's copy) and, when the caller built
 * an index, every other file's.
 *
 * Where several files define the same kind/namespace/name (example folders, overlays, two
 * teams' folders), a lookup takes the definition nearest the linted file: the same file, then
 * the same folder, then a kustomization that builds both (the one fewest levels up), then the
 * rest of the workspace; when the nearest definitions differ, nothing is concluded
 * (`Choice.ambiguous`). Files a kustomization reads as patches are not definitions.
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

  /**
   * The view from another file of the workspace (the index's copy of it), so a lookup made
   * on that file's behalf resolves as it would when that file is linted; this view for its own file.
   */
  forFile(file: string): KubeView {
    if (file === this.file || !this.index) return this;
    const entry = this.index.entry(file);
    return entry ? new KubeView(file, entry.kube, this.index) : this;
  }

  /** This file's resources by kind, and by kind, namespace and name (built on first use: a file may hold thousands). */
  private ownByKind: Map<string, KubeResource[]> | undefined;
  private ownByKey: Map<string, KubeResource[]> | undefined;
  /** `ofKind` answers, per kind (the index does not change during a lint). */
  private readonly kinds = new Map<string, KubeResource[]>();

  private own(): { byKind: Map<string, KubeResource[]>; byKey: Map<string, KubeResource[]> } {
    if (!this.ownByKind || !this.ownByKey) {
      this.ownByKind = new Map();
      this.ownByKey = new Map();
      for (const r of this.kube.resources) {
        const k = resourceKindKey(r);
        push(this.ownByKind, k, r);
        push(this.ownByKey, key(k, this.namespaceOf(r), r.name), r);
      }
    }
    return { byKind: this.ownByKind, byKey: this.ownByKey };
  }

  /** Every definition of a kind with this namespace and name: this file's, then the others' (patch files left out). */
  definitions(kind: string, namespace: string | undefined, name: string): KubeResource[] {
    const own = this.own().byKey.get(key(kind, namespace, name)) ?? [];
    if (!this.index) return [...own];
    return own.concat(this.index.find(kind, namespace, name).filter((r) => r.file !== this.file && !this.index!.isPatch(r.file)));
  }

  /** The definition of a kind with this namespace and name nearest this file (see the class comment). */
  lookup(kind: string, namespace: string | undefined, name: string): Choice {
    return this.choose(this.definitions(kind, namespace, name));
  }

  /** The nearest definition of a kind with this namespace and name, or undefined (none, or the nearest ones differ). */
  find(kind: string, namespace: string | undefined, name: string): KubeResource | undefined {
    return this.lookup(kind, namespace, name).resource;
  }

  /** Every resource of a kind: this file's, then the others' (the same array for the same kind; do not change it). */
  ofKind(kind: string): KubeResource[] {
    let out = this.kinds.get(kind);
    if (!out) {
      const own = this.own().byKind.get(kind) ?? [];
      out = this.index ? own.concat(this.index.ofKind(kind).filter((r) => r.file !== this.file)) : [...own];
      this.kinds.set(kind, out);
    }
    return out;
  }

  /** The nearest of `candidates` (several when equally near), or undefined when there are none. */
  nearest(candidates: readonly KubeResource[]): { group: KubeResource[]; near: Nearness } | undefined {
    const list = candidates.filter((r) => r.file === this.file || !this.index?.isPatch(r.file));
    if (list.length === 0) return undefined;
    if (list.length === 1) return { group: [list[0]!], near: this.nearness(list[0]!) };
    const own = list.filter((r) => r.file === this.file && this.file !== '');
    if (own.length) return { group: own, near: 'this file' };
    if (this.file === '') return { group: list, near: 'the workspace' };
    const dir = dirOf(this.file);
    const folder = list.filter((r) => dirOf(r.file) === dir);
    if (folder.length) return { group: folder, near: 'this folder' };
    const mine = this.index?.kustomizationsOf(this.file);
    if (mine?.size) {
      let best = Infinity;
      let group: KubeResource[] = [];
      for (const r of list) {
        let depth = Infinity;
        for (const [k, d] of this.index!.kustomizationsOf(r.file)) {
          const up = mine.get(k);
          // How far up the referrer's side the shared build is (then the candidate's side).
          if (up !== undefined) depth = Math.min(depth, up * 1000 + d);
        }
        if (depth < best) {
          best = depth;
          group = [r];
        } else if (depth === best && depth !== Infinity) group.push(r);
      }
      if (group.length) return { group, near: 'this kustomization' };
    }
    return { group: list, near: 'the workspace' };
  }

  /** The nearest of `candidates`, when the nearest ones agree (`sameDefinition`); see the class comment. */
  choose(candidates: readonly KubeResource[]): Choice {
    const all = candidates.filter((r) => r.file === this.file || !this.index?.isPatch(r.file));
    const n = this.nearest(all);
    if (!n) return { candidates: all };
    const first = n.group[0]!;
    if (n.group.every((r) => sameDefinition(r, first))) return { resource: first, near: n.near, candidates: all };
    return { near: n.near, candidates: all, ambiguous: n.group };
  }

  private nearness(r: KubeResource): Nearness {
    if (this.file === '') return 'the workspace';
    if (r.file === this.file) return 'this file';
    if (dirOf(r.file) === dirOf(this.file)) return 'this folder';
    const mine = this.index?.kustomizationsOf(this.file);
    if (mine?.size) for (const k of this.index!.kustomizationsOf(r.file).keys()) if (mine.has(k)) return 'this kustomization';
    return 'the workspace';
  }
}

/**
 * What a finding says about a choice among several definitions, when there were several
 * ("the Gateway in a/gateway.yaml, the nearest of 3 definitions (this folder)"), for
 * `Report.assumptions`; nothing when the identity has one definition.
 */
export function choiceAssumption(choice: Choice, what: string): string | undefined {
  // A definition in the referring file itself is what anyone would take.
  if (!choice.resource || choice.candidates.length < 2 || choice.near === 'this file') return undefined;
  const others = choice.candidates.filter((r) => r !== choice.resource && !sameDefinition(r, choice.resource!)).length;
  const where = choice.near === 'the workspace' ? 'all its definitions agree' : `the definition in ${choice.near}`;
  return `${what} is the one in ${choice.resource.file} (${where}; ${choice.candidates.length} definitions in the workspace${others ? `, ${others} different` : ''})`;
}

function dirOf(file: string): string {
  const n = normalizePath(file);
  const i = n.lastIndexOf('/');
  return i < 0 ? '' : n.slice(0, i);
}

const fingerprints = new WeakMap<KubeResource, string>();

/**
 * Whether two definitions of one identity say the same: the objects as data, with metadata
 * reduced to labels and annotations (names and namespaces are equal by construction; layout,
 * comments and key order do not count).
 */
export function sameDefinition(a: KubeResource, b: KubeResource): boolean {
  return a === b || fingerprint(a) === fingerprint(b);
}

function fingerprint(r: KubeResource): string {
  const known = fingerprints.get(r);
  if (known !== undefined) return known;
  const data = r.root.data();
  let out: string;
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const { metadata, status: _status, ...rest } = data as Record<string, unknown>;
    const m = (metadata ?? {}) as Record<string, unknown>;
    out = stableJson({ ...rest, labels: m['labels'] ?? null, annotations: m['annotations'] ?? null });
  } else out = `unreadable ${r.file} ${r.range.start.line}`;
  fingerprints.set(r, out);
  return out;
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The index's YAML parse of `file` when it holds the same text. */
export function indexedYaml(index: KubeIndex | undefined, file: string, text: string): YamlFile | undefined {
  const entry = index?.entry(file);
  return entry && entry.text === text ? entry.yaml : undefined;
}

/** The view for a document: the index's read of it when its text is the same, else the shared one (`kubeFile`). */
export function kubeViewFor(doc: { file: string; text: string; lines: LineIndex }, index: KubeIndex | undefined, yamlFile: () => YamlFile): KubeView {
  const entry = index?.entry(doc.file);
  const kube = entry && entry.text === doc.text ? entry.kube : kubeFile(doc.file, doc.text, doc.lines, yamlFile());
  // A read file is shared by every lint of its text: each lint follows aliases within the budget anew.
  kube.aliasBudget.used = 0;
  return new KubeView(doc.file, kube, index);
}

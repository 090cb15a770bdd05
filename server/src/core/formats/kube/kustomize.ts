/**
 * Which namespace kustomize gives the resources of a workspace's files. A kustomization's
 * `namespace` applies to the resources it lists (`resources:` and the older `bases:`: files,
 * and folders holding a kustomization of their own) and overrides a namespace already set on
 * them (kustomize docs, "namespace": "Will override the existing namespace if it is set on a
 * resource"). A kustomization that lists another one transforms what that one produces, so
 * when kustomizations nest, the outermost `namespace` is the one the built resources carry.
 * Files no kustomization lists get none (a folder's kustomization does not reach files it does
 * not list). Where different roots would give different namespaces (one base in two
 * overlays), the namespace below the fork is used.
 */

/** What the index keeps of one kustomization file. */
export interface KustomizationInfo {
  namespace?: string;
  /** `resources:` and `bases:` entries as written. */
  resources: string[];
  /**
   * Files holding patches (`patchesStrategicMerge:` entries, `patches[].path`): their objects
   * change what a resource becomes; they are not definitions of their own.
   */
  patches?: string[];
}

interface Node {
  file: string;
  dir: string;
  info: KustomizationInfo;
  /** Workspace paths the entries lead to (normalised, no scheme). */
  targets: string[];
  /** Workspace paths of its patch files. */
  patches: string[];
}

/** Paths that `normalizePath` changes: backslashes, doubled slashes, `.`/`..` segments, a trailing slash. */
const NOT_NORMAL = /\\|\/\/|(?:^|\/)\.{1,2}(?:\/|$)|.\/$/;

/** Forward slashes, no `.`/`..` segments, no trailing slash. */
export function normalizePath(p: string): string {
  // Most paths are normal already (lookups ask for the same files' paths again and again).
  if (!NOT_NORMAL.test(p)) return p;
  const out: string[] = [];
  const abs = /^[\\/]/.test(p);
  for (const seg of p.split(/[\\/]+/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return (abs ? '/' : '') + out.join('/');
}

function dirOf(file: string): string {
  const n = normalizePath(file);
  const i = n.lastIndexOf('/');
  return i < 0 ? '' : n.slice(0, i);
}

function join(dir: string, entry: string): string {
  return normalizePath(dir ? `${dir}/${entry}` : entry);
}

const EMPTY: ReadonlyMap<string, number> = new Map();

const AMBIGUOUS = Symbol('ambiguous');
type Outcome = string | undefined | typeof AMBIGUOUS;

/** The same value from every input, AMBIGUOUS when they differ, undefined when there are none. */
function agree(values: Outcome[]): Outcome {
  if (!values.length) return undefined;
  const first = values[0];
  return values.every((v) => v === first) ? first : AMBIGUOUS;
}

export class KustomizeNamespaces {
  private readonly nodes = new Map<string, Node>();
  /** Kustomizations by the workspace path each entry leads to. */
  private listedBy = new Map<string, Node[]>();
  /** Kustomizations by the workspace path of each patch file they read. */
  private patchedBy = new Map<string, Node[]>();
  /** `ancestors` per file, for the current graph. */
  private readonly ancestorCache = new Map<string, ReadonlyMap<string, number>>();
  private readonly cache = new Map<string, string | undefined>();
  /** `emitted` per kustomization, for the current graph (many paths lead through the same ones). */
  private readonly emittedCache = new Map<Node, Outcome>();
  /** Kustomizations whose `emitted` is being worked out: met again, the graph has a cycle. */
  private readonly inProgress = new Set<Node>();

  get size(): number {
    return this.nodes.size;
  }

  /** Adds, replaces (info) or removes (undefined) the kustomization in `file`. */
  set(file: string, info: KustomizationInfo | undefined): void {
    const key = normalizePath(file);
    if (info) {
      const dir = dirOf(key);
      // Remote bases (URLs, git references) are not in the workspace.
      const local = (r: string): boolean => !/^[a-z][a-z0-9+.-]*:\/\/|^git@|^github\.com\//i.test(r);
      const targets = info.resources.filter(local).map((r) => join(dir, r));
      const patches = (info.patches ?? []).filter(local).map((r) => join(dir, r));
      this.nodes.set(key, { file: key, dir, info, targets, patches });
    } else this.nodes.delete(key);
    this.rebuild();
  }

  private rebuild(): void {
    this.listedBy = new Map();
    this.patchedBy = new Map();
    this.cache.clear();
    this.emittedCache.clear();
    this.ancestorCache.clear();
    for (const n of this.nodes.values()) {
      for (const p of n.patches) {
        const list = this.patchedBy.get(p);
        if (list) list.push(n);
        else this.patchedBy.set(p, [n]);
      }
      for (const t of n.targets) {
        const list = this.listedBy.get(t);
        if (list) list.push(n);
        else this.listedBy.set(t, [n]);
      }
    }
  }

  /** The namespace kustomize gives the resources of `file`, or undefined when no kustomization lists it. */
  namespaceFor(file: string): string | undefined {
    if (this.nodes.size === 0) return undefined;
    const key = normalizePath(file);
    if (this.cache.has(key)) return this.cache.get(key);
    // A patch file's objects end up in what the kustomization that reads it builds.
    const ns = this.resolve([...(this.listedBy.get(key) ?? []), ...(this.patchedBy.get(key) ?? [])]);
    this.cache.set(key, ns);
    return ns;
  }

  /** Whether a kustomization reads `file` as a patch (its objects are not definitions). */
  isPatch(file: string): boolean {
    return this.patchedBy.size > 0 && this.patchedBy.has(normalizePath(file));
  }

  /**
   * The kustomizations whose build includes `file`, each with how many levels up it is: 1 for
   * one that lists the file, 2 for one that lists that one's folder, and so on (the nearest
   * count when several paths lead there). Empty when no kustomization lists the file.
   */
  ancestors(file: string): ReadonlyMap<string, number> {
    if (this.nodes.size === 0) return EMPTY;
    const key = normalizePath(file);
    const known = this.ancestorCache.get(key);
    if (known) return known;
    const out = new Map<string, number>();
    let level = [...(this.listedBy.get(key) ?? []), ...(this.patchedBy.get(key) ?? [])];
    for (let depth = 1; level.length && depth <= 64; depth++) {
      const next: Node[] = [];
      for (const k of level) {
        if (out.has(k.file)) continue;
        out.set(k.file, depth);
        next.push(...(this.listedBy.get(k.dir) ?? []));
      }
      level = next;
    }
    this.ancestorCache.set(key, out);
    return out;
  }

  private resolve(listing: readonly Node[]): string | undefined {
    const out = agree(listing.map((k) => this.emitted(k)));
    return out === AMBIGUOUS ? undefined : out;
  }

  /**
   * The namespace the resources `k` emits carry once every kustomization above it has run.
   * Kept per kustomization until the graph changes, so shared ancestors are worked out once;
   * on a cycle (which kustomize refuses to build) the kustomization met again counts with its own namespace.
   */
  private emitted(k: Node): Outcome {
    const known = this.emittedCache.get(k);
    if (known !== undefined || this.emittedCache.has(k)) return known;
    if (this.inProgress.has(k)) return k.info.namespace;
    this.inProgress.add(k);
    let out: Outcome;
    try {
      const above = agree((this.listedBy.get(k.dir) ?? []).map((p) => this.emitted(p)));
      out = typeof above === 'string' ? above : k.info.namespace;
    } finally {
      this.inProgress.delete(k);
    }
    this.emittedCache.set(k, out);
    return out;
  }
}

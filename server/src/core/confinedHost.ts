import type { DirEntry, FileStat, Host } from './host';
import { normalizePath } from './formats/nginx/includes';

/**
 * A host that reads nothing outside its roots (the workspace folders, the paths a user
 * named, mapped folders): reads there fail, stats find nothing, and `outside` says so.
 * Paths are compared after `.` and `..` are resolved, so `../../etc/x` cannot escape.
 */
export class ConfinedHost implements Host {
  private readonly extra = new Set<string>();
  /** The normalized roots, rebuilt when `roots()` answers another list (or a longer or shorter one) or a root is allowed. */
  private known: { from: readonly string[]; length: number; extra: number; set: Set<string> } | undefined;

  constructor(
    private readonly inner: Host,
    private readonly roots: () => readonly string[],
  ) {}

  /** Lets the host read under one more folder (a pathMappings target, a named file). */
  allow(root: string): void {
    this.extra.add(normalizePath(root));
  }

  private rootSet(): Set<string> {
    const from = this.roots();
    if (this.known?.from === from && this.known.length === from.length && this.known.extra === this.extra.size) return this.known.set;
    const set = new Set([...from.map((x) => normalizePath(x)), ...this.extra]);
    this.known = { from, length: from.length, extra: this.extra.size, set };
    return set;
  }

  /** Whether the path is none of the roots and under none: its folders are looked up, not every root compared (the CLI's roots are every path named). */
  outside(path: string): boolean {
    const roots = this.rootSet();
    for (let p = normalizePath(path); ; ) {
      if (roots.has(p)) return false;
      const i = p.lastIndexOf('/');
      if (i < 0) return true;
      const head = p.slice(0, i);
      const up = i === 0 ? '/' : /^[A-Za-z]:$/.test(head) ? head + '/' : head;
      if (up === p) return true;
      p = up;
    }
  }

  async readFile(path: string): Promise<Uint8Array> {
    if (this.outside(path)) throw new Error(`not in the workspace: ${path}`);
    return this.inner.readFile(normalizePath(path));
  }

  async stat(path: string): Promise<FileStat | undefined> {
    if (this.outside(path)) return undefined;
    return this.inner.stat(normalizePath(path));
  }

  async readDirectory(path: string): Promise<DirEntry[]> {
    if (this.outside(path)) throw new Error(`not in the workspace: ${path}`);
    return this.inner.readDirectory(normalizePath(path));
  }

  now(): Date {
    return this.inner.now();
  }

  env(name: string): string | undefined {
    return this.inner.env(name);
  }
}

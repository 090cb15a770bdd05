import type { DirEntry, FileStat, Host } from './host';
import { normalizePath } from './formats/nginx/includes';

/**
 * A host that reads nothing outside its roots (the workspace folders, the paths a user
 * named, mapped folders): reads there fail, stats find nothing, and `outside` says so.
 * Paths are compared after `.` and `..` are resolved, so `../../etc/x` cannot escape.
 */
export class ConfinedHost implements Host {
  private readonly extra = new Set<string>();

  constructor(
    private readonly inner: Host,
    private readonly roots: () => readonly string[],
  ) {}

  /** Lets the host read under one more folder (a pathMappings target, a named file). */
  allow(root: string): void {
    this.extra.add(normalizePath(root));
  }

  outside(path: string): boolean {
    const p = normalizePath(path);
    for (const r of [...this.roots().map((x) => normalizePath(x)), ...this.extra]) {
      if (p === r || p.startsWith(r.endsWith('/') ? r : r + '/')) return false;
    }
    return true;
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
}

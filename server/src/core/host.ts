/**
 * Everything the core needs from the outside world. The language server, the CLI and
 * tests each inject their own: the core itself never touches the file system.
 */
export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  size: number;
}

export interface DirEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
}

export interface Host {
  /** File contents, or throws an Error whose message says why not. */
  readFile(path: string): Promise<Uint8Array>;
  /** undefined when nothing exists at the path. */
  stat(path: string): Promise<FileStat | undefined>;
  /** The entries of a directory, by name, with their type (symbolic links are not followed). */
  readDirectory(path: string): Promise<DirEntry[]>;
  /** The current time; injected so expiry is testable. */
  now(): Date;
  /**
   * True for a path this host will not read (outside the workspace, see `ConfinedHost`):
   * callers say "not in the workspace" rather than "not found".
   */
  outside?(path: string): boolean;
}

function normalizeRoot(p: string): string {
  const s = p.replace(/\\/g, '/').replace(/\/+/g, '/');
  return s.length > 1 && s.endsWith('/') ? s.slice(0, -1) : s;
}

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
    this.extra.add(normalizeRoot(collapse(root)));
  }

  outside(path: string): boolean {
    const p = normalizeRoot(collapse(path));
    for (const r of [...this.roots().map((x) => normalizeRoot(collapse(x))), ...this.extra]) {
      if (p === r || p.startsWith(r === '/' ? '/' : r + '/')) return false;
    }
    return true;
  }

  async readFile(path: string): Promise<Uint8Array> {
    if (this.outside(path)) throw new Error(`not in the workspace: ${path}`);
    return this.inner.readFile(collapse(path));
  }

  async stat(path: string): Promise<FileStat | undefined> {
    if (this.outside(path)) return undefined;
    return this.inner.stat(collapse(path));
  }

  async readDirectory(path: string): Promise<DirEntry[]> {
    if (this.outside(path)) throw new Error(`not in the workspace: ${path}`);
    return this.inner.readDirectory(collapse(path));
  }

  now(): Date {
    return this.inner.now();
  }
}

/** Resolves `.` and `..` segments (a path that climbs above its root stays at the root). */
function collapse(p: string): string {
  const s = p.replace(/\\/g, '/');
  const m = /^([A-Za-z]:)?\//.exec(s);
  const head = m ? m[0] : '';
  const out: string[] = [];
  for (const part of s.slice(head.length).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!head) out.push('..');
      continue;
    }
    out.push(part);
  }
  return head + out.join('/') || (head || '.');
}

/** A host over an in-memory map of path → contents (paths use "/"). */
export class MemoryHost implements Host {
  private readonly files = new Map<string, Uint8Array>();

  constructor(files: Record<string, string | Uint8Array> = {}, private readonly clock: () => Date = () => new Date()) {
    for (const [p, c] of Object.entries(files)) this.set(p, c);
  }

  set(path: string, contents: string | Uint8Array): void {
    this.files.set(normalize(path), typeof contents === 'string' ? new TextEncoder().encode(contents) : contents);
  }

  async readFile(path: string): Promise<Uint8Array> {
    const f = this.files.get(normalize(path));
    if (!f) throw new Error(`ENOENT: no such file: ${path}`);
    return f;
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const p = normalize(path);
    const f = this.files.get(p);
    if (f) return { isFile: true, isDirectory: false, size: f.byteLength };
    const prefix = p === '/' ? '/' : p + '/';
    for (const k of this.files.keys()) if (k.startsWith(prefix)) return { isFile: false, isDirectory: true, size: 0 };
    return undefined;
  }

  async readDirectory(path: string): Promise<DirEntry[]> {
    const p = normalize(path);
    const prefix = p === '/' ? '/' : p + '/';
    const entries = new Map<string, DirEntry>();
    for (const k of this.files.keys()) {
      if (!k.startsWith(prefix)) continue;
      const [name, ...rest] = k.slice(prefix.length).split('/');
      entries.set(name!, { name: name!, type: rest.length ? 'directory' : 'file' });
    }
    if (entries.size === 0 && !this.files.has(p)) throw new Error(`ENOENT: no such directory: ${path}`);
    return [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  now(): Date {
    return this.clock();
  }
}

function normalize(p: string): string {
  const s = p.replace(/\/+/g, '/');
  return s.length > 1 && s.endsWith('/') ? s.slice(0, -1) : s;
}

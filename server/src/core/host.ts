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
  /** An environment variable (keystore passwords); undefined when unset or when the host has no environment. */
  env(name: string): string | undefined;
  /**
   * True for a path this host will not read (outside the workspace, see `ConfinedHost`):
   * callers say "not in the workspace" rather than "not found".
   */
  outside?(path: string): boolean;
}

/** A host over an in-memory map of path → contents (paths use "/"). */
export class MemoryHost implements Host {
  private readonly files = new Map<string, Uint8Array>();

  constructor(
    files: Record<string, string | Uint8Array> = {},
    private readonly clock: () => Date = () => new Date(),
    private readonly environment: Readonly<Record<string, string>> = {},
  ) {
    for (const [p, c] of Object.entries(files)) this.set(p, c);
  }

  env(name: string): string | undefined {
    return this.environment[name];
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

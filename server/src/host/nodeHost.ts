import { promises as fs, readFileSync, readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import type { DirEntry, FileStat, Host } from '../core/host';

export interface NodeHostOptions {
  /**
   * Use the file system's blocking calls. A run that only reads files and exits (the CLI)
   * is faster that way: on small files each `fs.promises` call costs about ten times the
   * blocking one (thread-pool hand-off; see bench/kube-scale.mjs). The language server
   * keeps the default, so that reading a workspace never holds up its requests.
   */
  blocking?: boolean;
}

/** The core's host over the real file system (used by the CLI and the language server). */
export class NodeHost implements Host {
  private readonly blocking: boolean;

  constructor(opts: NodeHostOptions = {}) {
    this.blocking = opts.blocking ?? false;
  }

  async readFile(path: string): Promise<Uint8Array> {
    return this.blocking ? readFileSync(path) : fs.readFile(path);
  }

  async stat(path: string): Promise<FileStat | undefined> {
    let s: Stats | undefined;
    try {
      // A missing file is the common answer (policy files, nginx.conf searched up the tree):
      // without an exception, which costs more than the stat.
      s = this.blocking ? statSync(path, { throwIfNoEntry: false }) : await fs.stat(path);
      if (!s) return undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw e;
    }
    return { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size };
  }

  async readDirectory(path: string): Promise<DirEntry[]> {
    const entries: Dirent[] = this.blocking ? readdirSync(path, { withFileTypes: true }) : await fs.readdir(path, { withFileTypes: true });
    return entries
      .map((e): DirEntry => ({
        name: e.name,
        type: e.isFile() ? 'file' : e.isDirectory() ? 'directory' : e.isSymbolicLink() ? 'symlink' : 'other',
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  now(): Date {
    return new Date();
  }

  /** The process environment (keystore passwords: `keystorePasswords` `{ env: NAME }`, TLS_LENS_KEYSTORE_PASSWORD). */
  env(name: string): string | undefined {
    return process.env[name];
  }
}

import { promises as fs } from 'node:fs';
import type { DirEntry, FileStat, Host } from '../core/host';

/** The core's host over the real file system (used by the CLI and the language server). */
export class NodeHost implements Host {
  async readFile(path: string): Promise<Uint8Array> {
    return fs.readFile(path);
  }

  async stat(path: string): Promise<FileStat | undefined> {
    try {
      const s = await fs.stat(path);
      return { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw e;
    }
  }

  async readDirectory(path: string): Promise<DirEntry[]> {
    const entries = await fs.readdir(path, { withFileTypes: true });
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
}

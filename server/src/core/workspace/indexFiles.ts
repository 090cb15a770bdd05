import { looksBinary } from '../formats/detect';
import type { DirEntry, FileStat, Host } from '../host';
import { KubeIndex } from './index';

/** Files whose names can hold manifests (YAML, or JSON as `kubectl get -o json` writes it). */
export function mayHoldManifests(path: string): boolean {
  return /\.(ya?ml|json)$/i.test(path);
}

/**
 * Reads files through the host into the index (`name` is what findings call the file).
 * Files over `maxBytes`, binary or unreadable are left out: their problems are reported when
 * they are linted.
 */
export async function indexFiles(
  host: Host,
  files: Iterable<{ path: string; name: string }>,
  maxBytes: number,
  index: KubeIndex = new KubeIndex(),
  isCancelled?: () => boolean,
  keep?: IndexedFilesHost,
): Promise<KubeIndex> {
  for (const f of files) {
    if (isCancelled?.()) break;
    if (!mayHoldManifests(f.path)) continue;
    await indexFile(host, f.path, f.name, maxBytes, index, keep);
  }
  return index;
}

/** (Re)reads one file into the index, or removes it when it is gone or not a manifest. */
export async function indexFile(host: Host, path: string, name: string, maxBytes: number, index: KubeIndex, keep?: IndexedFilesHost): Promise<void> {
  try {
    const st = await host.stat(path);
    if (!st || !st.isFile || st.size > maxBytes) {
      index.removeFile(name);
      return;
    }
    const bytes = await host.readFile(path);
    keep?.keep(path, bytes);
    if (looksBinary(bytes)) {
      index.removeFile(name);
      return;
    }
    let text = new TextDecoder('utf-8').decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    index.setFile(name, text);
  } catch {
    index.removeFile(name);
  }
}

/**
 * A host that serves each file the index read once more from memory (then forgets it), so
 * the lint that follows indexing does not read and stat every manifest a second time.
 */
export class IndexedFilesHost implements Host {
  private readonly kept = new Map<string, Uint8Array>();

  constructor(private readonly inner: Host) {}

  keep(path: string, bytes: Uint8Array): void {
    this.kept.set(path, bytes);
  }

  async readFile(path: string): Promise<Uint8Array> {
    const b = this.kept.get(path);
    if (b) {
      this.kept.delete(path);
      return b;
    }
    return this.inner.readFile(path);
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const b = this.kept.get(path);
    return b ? { isFile: true, isDirectory: false, size: b.byteLength } : this.inner.stat(path);
  }

  readDirectory(path: string): Promise<DirEntry[]> {
    return this.inner.readDirectory(path);
  }

  now(): Date {
    return this.inner.now();
  }
}

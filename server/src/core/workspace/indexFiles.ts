import { looksBinary } from '../formats/detect';
import type { DirEntry, FileStat, Host } from '../host';
import { KubeIndex } from './index';

/** Files whose names can hold manifests (YAML, or JSON as `kubectl get -o json` writes it). */
export function mayHoldManifests(path: string): boolean {
  return /\.(ya?ml|json)$/i.test(path);
}

/** Reads started ahead of the one being indexed: the host's I/O runs while earlier files are parsed. */
const READ_AHEAD = 16;

/** What reading a file for the index gave: its text, or nothing (gone, too large, binary, unreadable). */
type IndexRead = { text: string } | undefined;

async function readForIndex(host: Host, path: string, maxBytes: number, keep?: IndexedFilesHost): Promise<IndexRead> {
  try {
    const st = await host.stat(path);
    if (!st || !st.isFile || st.size > maxBytes) return undefined;
    const bytes = await host.readFile(path);
    keep?.keep(path, bytes);
    if (looksBinary(bytes)) return undefined;
    let text = new TextDecoder('utf-8').decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text };
  } catch {
    return undefined;
  }
}

function apply(index: KubeIndex, name: string, read: IndexRead): void {
  try {
    if (read) index.setFile(name, read.text);
    else index.removeFile(name);
  } catch {
    index.removeFile(name);
  }
}

/**
 * Reads files through the host into the index (`name` is what findings call the file).
 * Files over `maxBytes`, binary or unreadable are left out: their problems are reported when
 * they are linted. Up to `READ_AHEAD` files are read ahead of the one being parsed; files
 * enter the index in the order given.
 */
export async function indexFiles(
  host: Host,
  files: Iterable<{ path: string; name: string }>,
  maxBytes: number,
  index: KubeIndex = new KubeIndex(),
  isCancelled?: () => boolean,
  keep?: IndexedFilesHost,
): Promise<KubeIndex> {
  const pending: { name: string; read: Promise<IndexRead> }[] = [];
  const it = files[Symbol.iterator]();
  let done = false;
  const fill = (): void => {
    while (!done && pending.length < READ_AHEAD) {
      const next = it.next();
      if (next.done) {
        done = true;
        break;
      }
      const f = next.value;
      if (mayHoldManifests(f.path)) pending.push({ name: f.name, read: readForIndex(host, f.path, maxBytes, keep) });
    }
  };
  for (fill(); pending.length > 0; fill()) {
    if (isCancelled?.()) break;
    const f = pending.shift()!;
    apply(index, f.name, await f.read);
  }
  // Reads already started when cancelled are left to finish on their own (they only fill `keep`).
  return index;
}

/** (Re)reads one file into the index, or removes it when it is gone or not a manifest. */
export async function indexFile(host: Host, path: string, name: string, maxBytes: number, index: KubeIndex, keep?: IndexedFilesHost): Promise<void> {
  apply(index, name, await readForIndex(host, path, maxBytes, keep));
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

  env(name: string): string | undefined {
    return this.inner.env(name);
  }
}

import { looksBinary } from '../formats/detect';
import type { Host } from '../host';
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
): Promise<KubeIndex> {
  for (const f of files) {
    if (isCancelled?.()) break;
    if (!mayHoldManifests(f.path)) continue;
    await indexFile(host, f.path, f.name, maxBytes, index);
  }
  return index;
}

/** (Re)reads one file into the index, or removes it when it is gone or not a manifest. */
export async function indexFile(host: Host, path: string, name: string, maxBytes: number, index: KubeIndex): Promise<void> {
  try {
    const st = await host.stat(path);
    if (!st || !st.isFile || st.size > maxBytes) {
      index.removeFile(name);
      return;
    }
    const bytes = await host.readFile(path);
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

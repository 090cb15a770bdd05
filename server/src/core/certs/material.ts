import { TextDoc } from '../document';
import { looksBinary } from '../formats/detect';
import type { Host } from '../host';
import type { Policy } from '../policy/policy';
import { containerKind, keystorePassword, readContainer, type ContainerRead } from './containers';
import { materialSites, type MaterialSite } from './sites';

/** A file's certificate material: a text document and its sites, or a binary container read from its bytes. */
export interface MaterialFile {
  /** The document (empty text for a binary container), named as the caller shows it. */
  doc: TextDoc;
  sites: MaterialSite[];
  /** The container, when the file is one (its sites are `sites`). */
  container?: ContainerRead;
}

/**
 * Reads one file through the host for the inventory and the details request: an editor's
 * text when given; else its bytes, as a binary container (`containerKind`), as UTF-8 text
 * (BOM removed), or nothing for other binary files and files over the size cap.
 */
export async function readMaterialFile(
  host: Host,
  file: string,
  display: string,
  policy: Pick<Policy, 'maxFileSizeBytes' | 'keystorePasswords'>,
  text?: string,
): Promise<MaterialFile | { error: string } | { skipped: string }> {
  if (text !== undefined) {
    if (text.length > policy.maxFileSizeBytes) return { skipped: 'over the size cap' };
    const doc = new TextDoc(display, text);
    return { doc, sites: materialSites(doc) };
  }
  let bytes: Uint8Array;
  try {
    const st = await host.stat(file);
    if (!st) return { error: `${display}: no such file` };
    if (!st.isFile) return { error: `${display}: not a file` };
    // Over the size cap: left out, as `check` leaves it unlinted.
    if (st.size > policy.maxFileSizeBytes) return { skipped: 'over the size cap' };
    bytes = await host.readFile(file);
  } catch (e) {
    return { error: `${display}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const kind = containerKind(file, bytes);
  if (kind) {
    const container = readContainer(kind, bytes, keystorePassword(policy, host, file));
    return { doc: new TextDoc(display, '', undefined, 'container'), sites: container.sites, container };
  }
  if (looksBinary(bytes)) return { skipped: 'binary' };
  let body = new TextDecoder('utf-8').decode(bytes);
  if (body.charCodeAt(0) === 0xfeff) body = body.slice(1);
  const doc = new TextDoc(display, body);
  return { doc, sites: materialSites(doc) };
}

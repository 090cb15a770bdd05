import type { TextDoc } from '../document';
import { CERTIFICATE_LABELS, isPrivateKeyLabel, scanPem, type PemBlock } from '../formats/pem/scanner';
import type { Range } from '../text';

/**
 * Where a piece of certificate or key material was found in a document. Every front
 * (diagnostics, hover, CodeLens, the inventory, `tls-lens inspect`) works from sites.
 */
export type SiteEncoding =
  /** A PEM block written in the document (any format: .pem, YAML block scalars, nginx, Markdown). */
  | 'pem'
  /** A PEM block inside a JSON string with `\n` escapes. */
  | 'pem-in-json'
  /** A base64 value (YAML/JSON) whose decoded bytes are PEM (Kubernetes Secret `data`, kubeconfig `*-data`, `caBundle`). */
  | 'base64-pem'
  /** A base64 value whose decoded bytes are DER. */
  | 'base64-der';

export interface MaterialSite {
  encoding: SiteEncoding;
  /** The PEM label (CERTIFICATE, PRIVATE KEY, …); `CERTIFICATE` for base64 DER certificates. */
  label: string;
  /** The whole block or value in the document. */
  range: Range;
  /** Where a CodeLens or a whole-block squiggle goes (the BEGIN line, or the YAML key). */
  anchor: Range;
  /** Decoded body when well formed. Private-key bodies are never decoded for display. */
  der?: Uint8Array;
  /** Why the material is unreadable, located on the offending line. */
  problem?: { message: string; range: Range };
  /** e.g. `Secret default/web · tls.crt` or `kubeconfig user admin · client-certificate-data`. */
  container?: string;
  /** Position among the certificates of the same container/bundle (0-based) and their count. */
  bundleIndex?: number;
  bundleSize?: number;
}

export function isCertificateSite(s: MaterialSite): boolean {
  return CERTIFICATE_LABELS.has(s.label);
}

export function isPrivateKeySite(s: MaterialSite): boolean {
  return isPrivateKeyLabel(s.label);
}

/** Sites from the PEM blocks written in the document. */
export function pemSites(blocks: readonly PemBlock[]): MaterialSite[] {
  const certs = blocks.filter((b) => CERTIFICATE_LABELS.has(b.label));
  return blocks.map((b) => {
    const site: MaterialSite = { encoding: 'pem', label: b.label, range: b.range, anchor: b.beginRange };
    if (b.der) site.der = b.der;
    if (b.problem) site.problem = b.problem;
    const i = certs.indexOf(b);
    if (i >= 0) {
      site.bundleIndex = i;
      site.bundleSize = certs.length;
    }
    return site;
  });
}

/**
 * Every certificate/key site in a document. Today: PEM blocks written in the text; the
 * other encodings are added here so that every front sees them at once.
 */
export function materialSites(doc: TextDoc, blocks: readonly PemBlock[] = scanPem(doc.text, doc.lines)): MaterialSite[] {
  return pemSites(blocks);
}

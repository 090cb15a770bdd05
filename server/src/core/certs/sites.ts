import type * as Yaml from 'yaml';
import type { TextDoc } from '../document';
import { detectFormat } from '../formats/detect';
import { CERTIFICATE_LABELS, isPrivateKeyLabel, scanPem, type PemBlock } from '../formats/pem/scanner';
import { yaml, type YamlFile } from '../formats/yaml/documents';
import { parseYamlCached } from '../formats/yaml/parseCache';
import { LineIndex, type Range } from '../text';
import { decodeCertificate } from '../x509/certificate';
import { readPkcs7 } from './containers/pkcs7';
import type { PrivateKeySummary } from '../x509/keys';
import { decodesToStandIn, notMaterial } from '../formats/kube/placeholders';

/**
 * Where a piece of certificate or key material was found in a document. Every front
 * (diagnostics, hover, CodeLens, the inventory, `tls-lens inspect`) works from sites.
 */
export type SiteEncoding =
  /** A PEM block written in the document (any format: .pem, YAML block scalars, nginx, Markdown). */
  | 'pem'
  /** A PEM block inside a JSON (or YAML double-quoted) string with `\n` escapes. */
  | 'pem-in-json'
  /** A base64 value (YAML) whose decoded bytes are PEM (Kubernetes Secret `data`, kubeconfig `*-data`, `caBundle`). */
  | 'base64-pem'
  /** A base64 value whose decoded bytes are DER. */
  | 'base64-der'
  /** A binary file read from its bytes (`certs/containers/`): one DER certificate, PKCS#7, PKCS#12, JKS or JCEKS. */
  | 'der'
  | 'pkcs7'
  | 'pkcs12'
  | 'jks'
  | 'jceks';

export interface MaterialSite {
  encoding: SiteEncoding;
  /** The PEM label (CERTIFICATE, PRIVATE KEY, …); `CERTIFICATE` for base64 DER certificates. */
  label: string;
  /**
   * The whole block or value in the document. The blocks of one base64 value (a chain in
   * `tls.crt`) share the value's range.
   */
  range: Range;
  /** Where a CodeLens or a whole-block squiggle goes (the BEGIN line, or the YAML key). */
  anchor: Range;
  /** Decoded body when well formed. Private-key bodies are never decoded for display. */
  der?: Uint8Array;
  /** Why the material is unreadable, located on the offending line (or character of a base64 value). */
  problem?: { message: string; range: Range };
  /** e.g. `Secret default/web · tls.crt` or `kubeconfig user admin · client-certificate-data`. */
  container?: string;
  /**
   * What belongs together for chains and key ↔ certificate matching: e.g. `Secret default/web`
   * (its tls.crt, tls.key and ca.crt), `kubeconfig user admin`. Undefined: the file itself.
   */
  group?: string;
  /** Position among the certificates of the same value/bundle (0-based) and their count. */
  bundleIndex?: number;
  bundleSize?: number;
  /** A private key protected by a passphrase (ENCRYPTED PRIVATE KEY, or a legacy `Proc-Type: 4,ENCRYPTED` header). */
  encrypted?: boolean;
  /**
   * What a container already knows about a private key it holds (a JKS entry's key by its
   * certificate; a PKCS#12 key opened with its password): used instead of decoding `der`.
   */
  keySummary?: PrivateKeySummary;
  /**
   * Certificates held as a set (PKCS#7, PKCS#12, a PKCS#7 PEM block), not as a chain in the
   * order a server sends it: numbered for display, not judged as a chain.
   */
  collection?: boolean;
  /**
   * The value is a documentation placeholder (`<base64 CA>`, `REPLACE_ME`, `${VAR}`, `...`),
   * not material: `problem` says so, and `pem/malformed` gives such values one note per file.
   */
  placeholder?: true;
}

export function isCertificateSite(s: MaterialSite): boolean {
  return CERTIFICATE_LABELS.has(s.label);
}

export function isPrivateKeySite(s: MaterialSite): boolean {
  return isPrivateKeyLabel(s.label);
}

/** Whether a legacy PEM private key says it is encrypted (RFC 1421 `Proc-Type: 4,ENCRYPTED`), from the block's own lines. */
function legacyEncrypted(lines: { lineText(i: number): string }, b: PemBlock): boolean {
  for (let l = b.range.start.line + 1; l <= Math.min(b.range.end.line, b.range.start.line + 3); l++) {
    if (/^\s*Proc-Type:\s*4,\s*ENCRYPTED/i.test(lines.lineText(l))) return true;
  }
  return false;
}

function blockSite(b: PemBlock, encoding: SiteEncoding, encrypted: boolean): MaterialSite {
  const site: MaterialSite = { encoding, label: b.label, range: b.range, anchor: b.beginRange };
  if (b.der) site.der = b.der;
  if (b.problem) site.problem = b.problem;
  if (b.label === 'ENCRYPTED PRIVATE KEY' || (isPrivateKeyLabel(b.label) && encrypted)) site.encrypted = true;
  return site;
}

/** Numbers the certificate sites of one bundle (the certificates of a PKCS#7 block are numbered within it). */
function numberBundle(sites: MaterialSite[]): MaterialSite[] {
  const certs = sites.filter((s) => isCertificateSite(s) && !s.collection);
  certs.forEach((s, i) => {
    s.bundleIndex = i;
    s.bundleSize = certs.length;
  });
  return sites;
}

/** PEM labels of a PKCS#7 / CMS structure (RFC 7468 §8): a certificate bundle (`.p7b`, `openssl crl2pkcs7`). */
const PKCS7_LABELS: ReadonlySet<string> = new Set(['PKCS7', 'CMS', 'PKCS #7 SIGNED DATA']);

/** The certificates of a PKCS#7 PEM block, each a site over the whole block; the block itself when it does not read. */
function pkcs7BlockSites(b: PemBlock): MaterialSite[] {
  if (!b.der || b.problem) return [blockSite(b, 'pem', false)];
  try {
    const { certificates } = readPkcs7(b.der);
    return certificates.map((der, i) => ({ encoding: 'pem', label: 'CERTIFICATE', range: b.range, anchor: b.beginRange, der, container: 'PKCS#7', collection: true, bundleIndex: i, bundleSize: certificates.length }));
  } catch (e) {
    return [{ encoding: 'pem', label: 'CERTIFICATE', range: b.range, anchor: b.beginRange, container: 'PKCS#7', collection: true, problem: { message: `PEM block "${b.label}" is not a readable PKCS#7 certificate bundle: ${e instanceof Error ? e.message : String(e)}`, range: b.beginRange } }];
  }
}

/** Sites from the PEM blocks written in the document (a PKCS#7 block: one site per certificate it holds). */
export function pemSites(blocks: readonly PemBlock[], lines?: { lineText(i: number): string }): MaterialSite[] {
  return numberBundle(blocks.flatMap((b) => (PKCS7_LABELS.has(b.label) ? pkcs7BlockSites(b) : [blockSite(b, 'pem', lines !== undefined && isPrivateKeyLabel(b.label) && legacyEncrypted(lines, b))])));
}

/** A PEM block in a JSON string: `"-----BEGIN CERTIFICATE-----\nMII…`. */
const JSON_PEM = /-----BEGIN [A-Z0-9 ]+-----\\[rn]/;

/**
 * PEM blocks inside JSON (or YAML double-quoted) strings written with `\n` escapes. Each
 * string is unescaped with a map back to document offsets, so ranges are exact.
 */
export function jsonPemSites(doc: TextDoc): MaterialSite[] {
  const text = doc.text;
  if (!JSON_PEM.test(text)) return [];
  const sites: MaterialSite[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf('-----BEGIN ', from);
    if (at < 0) break;
    from = at + 11;
    const lineStart = text.lastIndexOf('\n', at) + 1;
    // The opening quote: the last unescaped `"` before the marker on its line.
    let open = -1;
    for (let i = at - 1; i >= lineStart; i--) {
      if (text[i] === '"') {
        let bs = 0;
        for (let k = i - 1; k >= lineStart && text[k] === '\\'; k--) bs++;
        if (bs % 2 === 0) {
          open = i;
          break;
        }
      }
    }
    if (open < 0) continue;
    const chars: string[] = [];
    const offsets: number[] = [];
    let i = open + 1;
    let closed = false;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === '"') {
        closed = true;
        break;
      }
      if (c === '\n' || c === '\r') break;
      if (c === '\\' && i + 1 < text.length) {
        const e = text[i + 1]!;
        const mapped = e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === '/' ? '/' : e === '\\' ? '\\' : e === '"' ? '"' : undefined;
        if (mapped !== undefined) {
          chars.push(mapped);
          offsets.push(i);
          i++;
          continue;
        }
      }
      chars.push(c);
      offsets.push(i);
    }
    offsets.push(i);
    const inner = chars.join('');
    if (!inner.includes('-----BEGIN ')) continue;
    const li = new LineIndex(inner);
    const toDoc = (p: { line: number; character: number }): number => offsets[Math.min(li.offsetAt(p), offsets.length - 1)]!;
    const mapRange = (r: Range): Range => doc.lines.rangeOf(toDoc(r.start), toDoc(r.end));
    const blocks = scanPem(inner, li);
    const own = blocks.map((b) => {
      const s = blockSite(b, 'pem-in-json', isPrivateKeyLabel(b.label) && legacyEncrypted(li, b));
      s.range = mapRange(b.range);
      s.anchor = mapRange(b.beginRange);
      if (b.problem) s.problem = { message: b.problem.message, range: mapRange(b.problem.range) };
      return s;
    });
    if (!closed && own.length) for (const s of own) s.problem ??= { message: 'the JSON string holding this PEM block is not closed', range: s.anchor };
    sites.push(...numberBundle(own));
    from = Math.max(from, i + 1);
  }
  return sites;
}

/** Keys whose value is base64 PEM by definition wherever they stand (kubeconfig, admission webhooks, API services, CRD conversion). */
const KNOWN_KEYS: ReadonlyMap<string, 'cert' | 'key'> = new Map([
  ['certificate-authority-data', 'cert'],
  ['client-certificate-data', 'cert'],
  ['client-key-data', 'key'],
  ['caBundle', 'cert'],
]);

/** Keys of a Secret's `data` (base64 by the API) that hold PEM by convention (type kubernetes.io/tls, ca.crt). */
const SECRET_DATA_KEYS: ReadonlyMap<string, 'cert' | 'key'> = new Map([
  ['tls.crt', 'cert'],
  ['tls.key', 'key'],
  ['ca.crt', 'cert'],
]);

/**
 * Kinds whose fields look like a Secret's but are not Secret data: templates an operator
 * renders (External Secrets' ExternalSecret and PushSecret `template.data`) and encrypted
 * values (Sealed Secrets' `encryptedData`). Their values are not read as base64 material.
 */
const NOT_SECRET_DATA = new Set(['ExternalSecret', 'ClusterExternalSecret', 'PushSecret', 'ClusterPushSecret', 'SealedSecret']);

/** What `YAML_HINT` looks for, in a document's text without white space and quotes (values may be wrapped, keys quoted). */
const SQUEEZED_HINT = /LS0tLS1CRUdJT|-data:|caBundle:|(?:tls|ca)\.(?:crt|key):/;

/**
 * Whether a document's source could hold a site: a known key, a value starting like base64
 * PEM, or a value starting with `MI` (DER) in a document that names a Secret (its own kind,
 * or an item's). Escapes in quoted scalars could spell anything: a source with a backslash may hold one too.
 */
function mayHoldSite(own: string): boolean {
  if (YAML_HINT.test(own) || own.includes('\\')) return true;
  const squeezed = own.replace(/[\s"']+/g, '');
  return SQUEEZED_HINT.test(squeezed) || (squeezed.includes('kind:Secret') && /:[|>+\-0-9{[]*MI/.test(squeezed));
}

/** base64("-----BEGIN"): a value that starts with it is PEM, whatever its key. */
const B64_PEM_PREFIX = 'LS0tLS1CRUdJT';
const YAML_HINT = /LS0tLS1CRUdJT|-data[ \t]*:|caBundle[ \t]*:|(?:tls|ca)\.(?:crt|key)[ \t]*:|\bMII/;

function scalarString(n: unknown): string | undefined {
  const y = yaml();
  return y.isScalar(n) && typeof n.value === 'string' ? n.value : undefined;
}

function mapGet(map: unknown, key: string): unknown {
  const y = yaml();
  if (!y.isMap(map)) return undefined;
  for (const it of map.items) if (y.isScalar(it.key) && it.key.value === key) return it.value;
  return undefined;
}

/** Where a pair sits: the resource/kubeconfig entry it belongs to, and a readable key path. */
function describePlace(kind: string | undefined, resource: string | undefined, path: readonly unknown[], key: string): { container: string; group: string | undefined } {
  const y = yaml();
  const keys: string[] = [];
  let entryName: string | undefined;
  let entryKind: string | undefined;
  for (let i = 0; i < path.length; i++) {
    const p = path[i];
    if (y.isPair(p) && y.isScalar(p.key)) keys.push(String(p.key.value));
    if (y.isSeq(p)) {
      const item = path[i + 1];
      const name = scalarString(mapGet(item, 'name'));
      const parentKey = keys[keys.length - 1];
      if (name !== undefined) {
        keys.push(`[${name}]`);
        entryName = name;
        entryKind = parentKey;
      } else if (y.isMap(item) || y.isSeq(item)) keys.push(`[${p.items.indexOf(item)}]`);
    }
  }
  if (kind === 'Config' && entryName !== undefined && entryKind) {
    const what = entryKind.replace(/s$/, '');
    return { container: `kubeconfig ${what} ${entryName} · ${key}`, group: `kubeconfig ${what} ${entryName}` };
  }
  const head = kind ? `${kind}${resource ? ' ' + resource : ''}` : undefined;
  if (kind === 'Secret') return { container: `${head} · ${key}`, group: head };
  if (entryName !== undefined && entryKind === 'webhooks') {
    const g = `${head ?? ''} · webhook ${entryName}`.replace(/^ · /, '');
    return { container: `${g} · ${key}`, group: g };
  }
  const dotted = [...keys, key].join('.').replace(/\.\[/g, '[');
  return { container: head ? `${head} · ${dotted}` : dotted, group: head };
}

/** The document range of a scalar's value, without a block scalar's header and trailing line breaks. */
function scalarRange(doc: TextDoc, node: Yaml.Scalar): { start: number; end: number } {
  const [s = 0, e = s] = node.range ?? [];
  let end = e;
  while (end > s && /\s/.test(doc.text[end - 1]!)) end--;
  return { start: s, end };
}

/** The first character of a base64 value's source that is not base64 (quotes, spaces, line breaks and a block header are skipped). */
function firstBadChar(doc: TextDoc, node: Yaml.Scalar, r: { start: number; end: number }): { start: number; end: number } | undefined {
  let i = r.start;
  const t = doc.text;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    const nl = t.indexOf('\n', i);
    i = nl < 0 ? r.end : nl + 1;
  }
  for (; i < r.end; i++) {
    const c = t[i]!;
    if (/[A-Za-z0-9+/=\s]/.test(c)) continue;
    if ((c === '"' || c === "'") && (i === r.start || i === r.end - 1)) continue;
    let j = i + 1;
    while (j < r.end && !/[A-Za-z0-9+/=\s"']/.test(t[j]!)) j++;
    return { start: i, end: j };
  }
  return undefined;
}

/** Whether the pair at the end of `path` is in the `data` of a Secret: the document's (`kind`) or a List item's. */
function secretAt(path: readonly unknown[], kind: string | undefined): boolean {
  const y = yaml();
  // path: Document, root Map, Pair(data), Map, (Pair) — or, in a List: …, Pair(items), Seq, item Map, Pair(data), Map.
  const dataPair = path.length - 2;
  const owner = path[dataPair - 1];
  if (dataPair === 2) return kind === 'Secret';
  return y.isMap(owner) && scalarString(mapGet(owner, 'kind')) === 'Secret' && y.isSeq(path[dataPair - 2]);
}

/** A value as a message shows it: at most 24 characters. */
function shorten(v: string): string {
  const t = v.trim().replace(/\s+/g, ' ');
  return JSON.stringify(t.length > 24 ? `${t.slice(0, 23)}…` : t);
}

/** Base64 values in YAML whose decoded bytes are PEM or DER. */
export function yamlBase64Sites(doc: TextDoc, file?: () => YamlFile): MaterialSite[] {
  const format = detectFormat(doc);
  if (format !== 'yaml' && format !== 'kubernetes') return [];
  if (!YAML_HINT.test(doc.text)) return [];
  const parsed = file ? file() : parseYamlCached(doc.text, doc.file, doc.lines);
  const y = yaml();
  const sites: MaterialSite[] = [];
  for (const ydoc of parsed.documents) {
    // A document the reader took is built only when its own text could hold a site.
    const s = ydoc.simple;
    if (s && !mayHoldSite(doc.text.slice(s.start, s.end))) continue;
    const root = ydoc.doc.contents;
    const kind = scalarString(mapGet(root, 'kind'));
    if (kind !== undefined && NOT_SECRET_DATA.has(kind)) continue;
    const meta = mapGet(root, 'metadata');
    const name = scalarString(mapGet(meta, 'name'));
    const ns = scalarString(mapGet(meta, 'namespace'));
    // An unnamed resource is told apart by its document's position in the file.
    const resource = name !== undefined ? `${ns ? ns + '/' : ''}${name}` : kind !== undefined ? `(document ${ydoc.index + 1})` : undefined;
    y.visit(ydoc.doc, {
      Pair(_, pair, path) {
        if (!y.isScalar(pair.key) || !y.isScalar(pair.value)) return;
        const value = scalarString(pair.value);
        if (value === undefined) return;
        const key = String(pair.key.value);
        const compact = value.replace(/\s+/g, '');
        if (compact.length === 0) return;
        const parent = path[path.length - 2];
        // `data` of a Secret: the document's own, or an item's of a List.
        const inSecretData = y.isPair(parent) && y.isScalar(parent.key) && parent.key.value === 'data' && secretAt(path, kind);
        const known = KNOWN_KEYS.get(key) ?? (inSecretData ? SECRET_DATA_KEYS.get(key) : undefined);
        if (!known && !compact.startsWith(B64_PEM_PREFIX) && !(inSecretData && compact.startsWith('MI'))) return;
        const r = scalarRange(doc, pair.value);
        const range = doc.lines.rangeOf(r.start, r.end);
        const anchor = doc.lines.rangeOf(...((pair.key.range ?? [r.start, r.start]).slice(0, 2) as [number, number]));
        const place = describePlace(kind, resource, path, key);
        const base = (label: string, encoding: SiteEncoding): MaterialSite => {
          const s: MaterialSite = { encoding, label, range, anchor, container: place.container };
          if (place.group !== undefined) s.group = place.group;
          return s;
        };
        const guess = known === 'key' ? 'PRIVATE KEY' : 'CERTIFICATE';
        const not = notMaterial(value);
        if (not === 'template' || not === 'encrypted') return;
        if (not === 'placeholder' && !compact.startsWith(B64_PEM_PREFIX)) {
          if (!known && !inSecretData) return;
          const site = base(guess, 'base64-pem');
          site.placeholder = true;
          site.problem = { message: `"${key}" holds a placeholder (${shorten(value)}), not base64 material`, range };
          sites.push(site);
          return;
        }
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
          if (!known && !compact.startsWith(B64_PEM_PREFIX)) return;
          const bad = firstBadChar(doc, pair.value, r);
          const site = base(guess, 'base64-pem');
          site.problem = bad
            ? { message: `invalid base64 in "${key}": unexpected "${doc.text.slice(bad.start, Math.min(bad.end, bad.start + 10))}"`, range: doc.lines.rangeOf(bad.start, bad.end) }
            : { message: `invalid base64 in "${key}": its length (${compact.length}) is not a multiple of 4 (truncated?)`, range };
          sites.push(site);
          return;
        }
        const bytes = Buffer.from(compact, 'base64');
        let text = bytes.subarray(0, 64).toString('latin1');
        if (text.charCodeAt(0) === 0xef && text.charCodeAt(1) === 0xbb && text.charCodeAt(2) === 0xbf) text = text.slice(3);
        if (/^\s*-----BEGIN /.test(text)) {
          let decoded = bytes.toString('utf8');
          if (decoded.charCodeAt(0) === 0xfeff) decoded = decoded.slice(1);
          const blocks = scanPem(decoded, new LineIndex(decoded));
          const li = new LineIndex(decoded);
          const own = blocks.map((b) => {
            const s = base(b.label, 'base64-pem');
            if (b.der) s.der = b.der;
            if (b.problem) s.problem = { message: `in the decoded value of "${key}": ${b.problem.message}`, range };
            if (b.label === 'ENCRYPTED PRIVATE KEY' || (isPrivateKeyLabel(b.label) && legacyEncrypted(li, b))) s.encrypted = true;
            return s;
          });
          if (own.length === 0) {
            const s = base(guess, 'base64-pem');
            s.problem = { message: `the decoded value of "${key}" has no complete PEM block`, range };
            own.push(s);
          }
          sites.push(...numberBundle(own));
          return;
        }
        if (bytes[0] === 0x30) {
          const der = Uint8Array.from(bytes);
          if (known === 'key') {
            const s = base('PRIVATE KEY', 'base64-der');
            s.der = der;
            sites.push(s);
            return;
          }
          const decoded = decodeCertificate(der);
          if (!decoded.ok && !known) return;
          const s = base('CERTIFICATE', 'base64-der');
          if (decoded.ok) s.der = der;
          else s.problem = { message: `the decoded value of "${key}" is DER but ${decoded.error}`, range };
          sites.push(...numberBundle([s]));
          return;
        }
        if (known) {
          const s = base(guess, 'base64-pem');
          if (decodesToStandIn(bytes)) {
            s.placeholder = true;
            s.problem = { message: `"${key}" holds a stand-in (base64 of ${JSON.stringify(bytes.toString('latin1').trim())}), not certificate material`, range };
          } else s.problem = { message: `the decoded value of "${key}" is neither PEM nor DER`, range };
          sites.push(s);
        }
      },
    });
  }
  return sites;
}

/**
 * Every certificate/key site in a document: PEM blocks written in the text, PEM inside
 * JSON strings, and base64 PEM/DER values in YAML (Secrets, kubeconfig, webhooks). Cheap
 * when a file holds none: each kind is looked for only after a plain text check.
 * `yamlFile` shares the caller's parse of the document (the engine's `ctx.yaml()`).
 */
export function materialSites(doc: TextDoc, blocks: readonly PemBlock[] = scanPem(doc.text, doc.lines), yamlFile?: () => YamlFile): MaterialSite[] {
  const sites = pemSites(blocks, doc.lines);
  if (doc.text.includes('-----BEGIN ')) sites.push(...jsonPemSites(doc));
  sites.push(...yamlBase64Sites(doc, yamlFile));
  return sites;
}

/** The sites that belong with `site` for chains and key matching: same group, or for PEM written in a file, the file's PEM blocks. */
export function siteGroup(sites: readonly MaterialSite[], site: MaterialSite): MaterialSite[] {
  if (site.group !== undefined) return sites.filter((s) => s.group === site.group);
  return sites.filter((s) => s.group === undefined && (s.encoding === site.encoding || (s.encoding !== 'base64-pem' && s.encoding !== 'base64-der' && site.encoding !== 'base64-pem' && site.encoding !== 'base64-der')));
}

/** The certificates of one bundle: the blocks of one base64 value, of one JSON string, or the PEM blocks of a file, in order. */
export function bundleOf(sites: readonly MaterialSite[], site: MaterialSite): MaterialSite[] {
  const certs = sites.filter((s) => s.encoding === site.encoding && isCertificateSite(s) && !s.collection === !site.collection);
  const q = certs.indexOf(site);
  if (q < 0 || site.bundleIndex === undefined || site.bundleSize === undefined) return [site];
  return certs.slice(q - site.bundleIndex, q - site.bundleIndex + site.bundleSize);
}

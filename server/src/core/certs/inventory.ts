import { TextDoc } from '../document';
import { formatFromName, looksBinary } from '../formats/detect';
import type { Host } from '../host';
import { DEFAULT_POLICY, type Policy, type Thresholds } from '../policy/policy';
import { comparePositions, rangeContains, type Position, type Range } from '../text';
import { walkFiles } from '../workspace/walk';
import { decodeCertificate, isoDate, type CertificateSummary } from '../x509/certificate';
import { certificateFacts, privateKeyFacts, type CertificateFact } from '../x509/facts';
import type { PrivateKeySummary } from '../x509/keys';
import { judgeExpiry } from './judge';
import { keyMatchDescription, privateKeyOfSite } from './keys';
import { isCertificateSite, isPrivateKeySite, materialSites, siteGroup, type MaterialSite, type SiteEncoding } from './sites';

/**
 * The certificate inventory: every certificate and private key found in a set of files,
 * as plain JSON-safe records (they cross the LSP wire and are printed by `tls-lens inspect`).
 * Private keys are described by algorithm and size only; their material never leaves here.
 */

/** How a certificate stands against the policy's expiry thresholds. */
export type CertificateStatus = 'ok' | 'expiring' | 'expired' | 'not-yet-valid' | 'invalid';

/** How urgent an entry is: drives icons and the CLI's markers. */
export type InventoryLevel = 'ok' | 'warning' | 'error';

interface EntryBase {
  /** The file as the caller named it (absolute in the server, cwd-relative in the CLI). */
  file: string;
  /** The whole block or value. */
  range: Range;
  /** Where a CodeLens goes (the BEGIN line, or the YAML key). */
  anchor: Range;
  encoding: SiteEncoding;
  /** The PEM label (CERTIFICATE, PRIVATE KEY, …). */
  label: string;
  /** e.g. `Secret default/web · tls.crt`; absent for PEM written in the file itself. */
  container?: string;
  /** One line: `CN=api.example.com · 3 SANs · expires 2027-01-10 (49 d)` or `RSA 2048 private key`. */
  title: string;
  level: InventoryLevel;
}

export interface InventoryCertificate extends EntryBase {
  kind: 'certificate';
  status: CertificateStatus;
  /** Position in its bundle or container (0-based) and the bundle's size. */
  chain?: { index: number; size: number };
  /** Absent when `status` is `invalid`. */
  subject?: string;
  commonName?: string;
  issuer?: string;
  selfIssued?: boolean;
  sans?: string[];
  /** ISO 8601 timestamps. */
  notBefore?: string;
  notAfter?: string;
  /** Whole days until notAfter (negative once expired). */
  daysLeft?: number;
  sha256?: string;
  /** Why the certificate could not be read (status `invalid`). */
  error?: string;
  /** Every labelled fact (`certificateFacts`), when asked for (`withFacts`). */
  facts?: CertificateFact[];
}

export interface InventoryKey extends EntryBase {
  kind: 'key';
  /** "RSA 2048", "EC P-256", "Ed25519", "encrypted", "RSA, encrypted", "unreadable". */
  algorithm: string;
  /** `privateKeyFacts` (shape, and the certificate it matches), when asked for (`withFacts`). */
  facts?: CertificateFact[];
}

export type InventoryEntry = InventoryCertificate | InventoryKey;

export interface Inventory {
  /** Sorted: certificates by expiry (unreadable ones first), then keys; see `compareEntries`. */
  entries: InventoryEntry[];
  filesScanned: number;
  /** Paths that could not be read, with why. */
  errors: string[];
  cancelled: boolean;
}

const DAY = 86_400_000;

/** The CN of a distinguished name as @peculiar/x509 prints it ("C=US, O=Example, CN=api.example.com"). */
export function commonName(dn: string): string | undefined {
  const m = /(?:^|[,+]\s*)CN=((?:\\.|[^,+\\])*)/.exec(dn);
  return m ? m[1]!.replace(/\\(.)/g, '$1').trim() : undefined;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Status of a decoded certificate at `now`: the judgement the `cert/*` expiry rules make (`judgeExpiry`). */
export function certificateStatus(cert: Pick<CertificateSummary, 'notBefore' | 'notAfter'>, now: Date, thresholds: Thresholds): { status: CertificateStatus; level: InventoryLevel } {
  const j = judgeExpiry(cert, now, thresholds);
  return { status: j.standing, level: j.severity ?? 'ok' };
}

/** `expires 2027-01-10 (49 d)`, `expired 2025-11-01 (30 d ago)`, `not valid until 2027-01-10`. */
function expiryPhrase(cert: CertificateSummary, now: Date): string {
  if (now.getTime() < cert.notBefore.getTime()) return `not valid until ${isoDate(cert.notBefore)}`;
  const left = cert.notAfter.getTime() - now.getTime();
  if (left < 0) return `expired ${isoDate(cert.notAfter)} (${Math.floor(-left / DAY)} d ago)`;
  const days = Math.floor(left / DAY);
  return `expires ${isoDate(cert.notAfter)} (${days >= 1 ? `${days} d` : `${Math.max(1, Math.floor(left / 3_600_000))} h`})`;
}

/** The one-line title of a certificate: what the CodeLens, the tree and `inspect` show. */
export function certificateTitle(cert: CertificateSummary, now: Date): string {
  const cn = commonName(cert.subject);
  const name = cn !== undefined ? `CN=${cn}` : cert.subject || cert.sans[0]?.value || '(no subject)';
  return [name, plural(cert.sans.length, 'SAN'), expiryPhrase(cert, now)].join(' · ');
}

/** The inventory's short form of a key's shape (`x509/keys.ts`): "RSA 2048", "EC P-256", "encrypted", "unreadable". */
function keyAlgorithm(key: PrivateKeySummary | undefined): string {
  if (!key) return 'unreadable';
  if (key.encrypted) return key.algorithm === 'unknown' ? 'encrypted' : `${key.algorithm}, encrypted`;
  if (key.error) return 'unreadable';
  return [key.algorithm, key.bits ?? key.curve].filter((x) => x !== undefined).join(' ');
}

function keyTitle(algorithm: string): string {
  if (algorithm === 'encrypted') return 'encrypted private key';
  if (algorithm === 'unreadable') return 'private key (unreadable)';
  return `${algorithm} private key`;
}

/** One inventory entry for a site, or undefined for material that is neither a certificate nor a private key (CSR, CRL, public key). */
export function inventoryEntry(file: string, site: MaterialSite, now: Date, thresholds: Thresholds, withFacts = false, sites: readonly MaterialSite[] = [site]): InventoryEntry | undefined {
  // A placeholder is no material: nothing to list.
  if (site.placeholder) return undefined;
  const base = { file, range: site.range, anchor: site.anchor, encoding: site.encoding, label: site.label, ...(site.container !== undefined ? { container: site.container } : {}) };
  if (isPrivateKeySite(site)) {
    const key = site.problem ? undefined : privateKeyOfSite(site);
    const algorithm = keyAlgorithm(key);
    const facts = withFacts && key ? { facts: privateKeyFacts(key, keyMatchDescription(sites, site)) } : {};
    return { ...base, kind: 'key', algorithm, title: keyTitle(algorithm), level: 'ok', ...facts };
  }
  if (!isCertificateSite(site)) return undefined;
  const chain = site.bundleIndex !== undefined && site.bundleSize !== undefined ? { chain: { index: site.bundleIndex, size: site.bundleSize } } : {};
  const invalid = (error: string): InventoryCertificate => ({ ...base, ...chain, kind: 'certificate', status: 'invalid', level: 'error', error, title: `invalid certificate: ${error}` });
  if (site.problem) return invalid(site.problem.message);
  if (!site.der) return invalid('no certificate data');
  const decoded = decodeCertificate(site.der);
  if (!decoded.ok) return invalid(decoded.error);
  const c = decoded.cert;
  const { status, level } = certificateStatus(c, now, thresholds);
  const cn = commonName(c.subject);
  return {
    ...base,
    ...chain,
    kind: 'certificate',
    status,
    level,
    title: certificateTitle(c, now),
    subject: c.subject,
    ...(cn !== undefined ? { commonName: cn } : {}),
    issuer: c.issuer,
    selfIssued: c.selfIssued,
    sans: c.sans.map((s) => `${s.type}:${s.value}`),
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    daysLeft: Math.floor((c.notAfter.getTime() - now.getTime()) / DAY),
    sha256: c.sha256Fingerprint,
    ...(withFacts ? { facts: certificateFacts(c, now) } : {}),
  };
}

/** Every certificate and private key in one document, in document order. */
export function inventoryDocument(doc: TextDoc, now: Date, thresholds: Thresholds = DEFAULT_POLICY.thresholds, opts: { sites?: readonly MaterialSite[]; withFacts?: boolean } = {}): InventoryEntry[] {
  const entries: InventoryEntry[] = [];
  const sites = opts.sites ?? materialSites(doc);
  for (const s of sites) {
    const e = inventoryEntry(doc.file, s, now, thresholds, opts.withFacts, sites);
    if (e) entries.push(e);
  }
  return entries;
}

/**
 * Inventory order: unreadable certificates first (they need a look), then certificates by
 * expiry (soonest first), then keys; ties by file and position.
 */
export function compareEntries(a: InventoryEntry, b: InventoryEntry): number {
  const rank = (e: InventoryEntry): number => (e.kind === 'key' ? 2 : e.status === 'invalid' ? 0 : 1);
  const byRank = rank(a) - rank(b);
  if (byRank) return byRank;
  if (a.kind === 'certificate' && b.kind === 'certificate' && a.notAfter && b.notAfter && a.notAfter !== b.notAfter) return a.notAfter < b.notAfter ? -1 : 1;
  return (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || comparePositions(a.range.start, b.range.start);
}

/** Whether a file is worth looking into for certificates when a directory is walked. */
export function isInventoryCandidate(path: string): boolean {
  return formatFromName(path) !== undefined || /\.(conf|json|md|txt)$/i.test(path);
}

export interface InventoryOptions {
  now: Date;
  /**
   * The policy for a file (thresholds, size cap), or undefined to leave the file out
   * (disabled, or ignored by its policy file). Default: the built-in policy for every file.
   */
  policyFor?: (file: string) => Promise<Policy | undefined>;
  /** The name entries carry for a file (e.g. relative to the cwd). Default: the path itself. */
  display?: (file: string) => string;
  /** The text of a file when the caller has a fresher copy than the disk (an open editor). */
  text?: (file: string) => string | undefined;
  /** Stops early (cancellation); what was found so far is returned with `cancelled`. */
  isCancelled?: () => boolean;
  /** Called before each file is read, with its 0-based index and the total. */
  onFile?: (file: string, index: number, total: number) => void;
  /** Directories are walked with the same rules as `check` (`.gitignore`, `.git`, `node_modules`). */
  onError?: (path: string, message: string) => void;
  /** Attach every labelled fact to each readable certificate. */
  withFacts?: boolean;
}

/** Reads one file through the host and returns its entries, or an error message. */
export async function inventoryFile(host: Host, file: string, display: string, policy: Policy, now: Date, opts: { text?: string; withFacts?: boolean } = {}): Promise<{ entries: InventoryEntry[] } | { error: string }> {
  const text = opts.text;
  let body = text;
  if (body === undefined) {
    let bytes: Uint8Array;
    try {
      const st = await host.stat(file);
      if (!st) return { error: `${display}: no such file` };
      if (!st.isFile) return { error: `${display}: not a file` };
      // Over the size cap: left out, as `check` leaves it unlinted.
      if (st.size > policy.maxFileSizeBytes) return { entries: [] };
      bytes = await host.readFile(file);
    } catch (e) {
      return { error: `${display}: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (looksBinary(bytes)) return { entries: [] };
    body = new TextDecoder('utf-8').decode(bytes);
    if (body.charCodeAt(0) === 0xfeff) body = body.slice(1);
  } else if (body.length > policy.maxFileSizeBytes) {
    return { entries: [] };
  }
  return { entries: inventoryDocument(new TextDoc(display, body), now, policy.thresholds, { withFacts: opts.withFacts ?? false }) };
}

/**
 * The inventory of files and directories (walked like `tls-lens check`). Each file is read
 * once however often it is named; nothing is decoded twice (decodes are cached by hash).
 */
export async function inventoryPaths(host: Host, paths: readonly string[], opts: InventoryOptions): Promise<Inventory> {
  const result: Inventory = { entries: [], filesScanned: 0, errors: [], cancelled: false };
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (f: string): void => {
    if (!seen.has(f)) {
      seen.add(f);
      files.push(f);
    }
  };
  for (const p of paths) {
    if (opts.isCancelled?.()) break;
    const st = await host.stat(p).catch((e: unknown) => {
      result.errors.push(`${opts.display?.(p) ?? p}: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    });
    if (st === null) continue;
    if (!st) {
      result.errors.push(`${opts.display?.(p) ?? p}: no such file or directory`);
      continue;
    }
    if (!st.isDirectory) {
      add(p);
      continue;
    }
    for await (const f of walkFiles(host, p, {
      accept: isInventoryCandidate,
      onError: (dir, message) => {
        result.errors.push(`${opts.display?.(dir) ?? dir}: ${message}`);
        opts.onError?.(dir, message);
      },
      ...(opts.isCancelled ? { isCancelled: opts.isCancelled } : {}),
    })) {
      add(f);
    }
  }
  for (let i = 0; i < files.length; i++) {
    if (opts.isCancelled?.()) {
      result.cancelled = true;
      break;
    }
    const file = files[i]!;
    opts.onFile?.(file, i, files.length);
    const policy = opts.policyFor ? await opts.policyFor(file) : DEFAULT_POLICY;
    if (!policy) continue;
    const text = opts.text?.(file);
    const r = await inventoryFile(host, file, opts.display?.(file) ?? file, policy, opts.now, { ...(text !== undefined ? { text } : {}), withFacts: opts.withFacts ?? false });
    if ('error' in r) {
      result.errors.push(r.error);
      continue;
    }
    result.filesScanned++;
    result.entries.push(...r.entries);
  }
  result.cancelled ||= opts.isCancelled?.() ?? false;
  result.entries.sort(compareEntries);
  return result;
}

/** Everything known about one entry of a details view. */
export interface CertificateDetailsItem {
  entry: InventoryEntry;
  /** Every labelled fact: `certificateFacts` for a readable certificate, `privateKeyFacts` for a key. */
  facts: CertificateFact[];
}

export interface CertificateDetails {
  file: string;
  /** The group shown (`Secret default/web`: its tls.crt, ca.crt and tls.key), else the container; absent for a file's own PEM blocks. */
  container?: string;
  /** The certificates (and keys) of that container, in document order. */
  items: CertificateDetailsItem[];
  /** Index in `items` of the site the request pointed at. */
  focus: number;
}

/**
 * Details for the site at `position` (in its range or on its anchor line): every fact of
 * every certificate of the same bundle or container, and the keys beside them.
 */
export function certificateDetails(
  doc: TextDoc,
  position: Position,
  now: Date,
  thresholds: Thresholds = DEFAULT_POLICY.thresholds,
  opts: { sites?: readonly MaterialSite[]; bundleIndex?: number } = {},
): CertificateDetails | undefined {
  const sites = opts.sites ?? materialSites(doc);
  // Several sites can share a line (the certificates of one base64 value): `bundleIndex` picks one.
  const here = sites.filter((s) => rangeContains(s.range, position) || s.anchor.start.line === position.line);
  const at = here.find((s) => opts.bundleIndex !== undefined && s.bundleIndex === opts.bundleIndex) ?? here[0];
  if (!at) return undefined;
  // What belongs together (a Secret's tls.crt, ca.crt and tls.key; a file's PEM blocks): the group keys are matched within.
  const group = siteGroup(sites, at).filter((s) => isCertificateSite(s) || isPrivateKeySite(s));
  const items: CertificateDetailsItem[] = [];
  let focus = 0;
  for (const s of group) {
    const entry = inventoryEntry(doc.file, s, now, thresholds, true, sites);
    if (!entry) continue;
    if (s === at) focus = items.length;
    const facts = entry.facts ?? [];
    delete entry.facts;
    items.push({ entry, facts });
  }
  if (items.length === 0) return undefined;
  const details: CertificateDetails = { file: doc.file, items, focus };
  const heading = at.group ?? at.container;
  if (heading !== undefined) details.container = heading;
  return details;
}

import type { TextDoc } from '../document';
import { escapeControls } from '../escape';
import { formatFromName } from '../formats/detect';
import type { Host } from '../host';
import { DEFAULT_POLICY, type Policy, type Thresholds } from '../policy/policy';
import { comparePositions, rangeContains, type Position, type Range } from '../text';
import { walkFiles } from '../workspace/walk';
import { certificatePem, decodeCertificate, isCa, isoDate, type CertificateSummary } from '../x509/certificate';
import { certificateFacts, privateKeyFacts, type CertificateFact } from '../x509/facts';
import type { PrivateKeySummary } from '../x509/keys';
import { plural } from '../words';
import { judgeExpiry } from './judge';
import { readMaterialFile } from './material';
import type { ContainerRead } from './containers';
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
  /** Whole days until notAfter, as the title counts them (`daysLeft`): -30 for "30 d ago". */
  daysLeft?: number;
  /** A CA certificate (basicConstraints cA). */
  ca?: boolean;
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
  /** What containers could not be read in full (a PKCS#12 file's encrypted parts without a password…). */
  notes: InventoryNote[];
  cancelled: boolean;
}

const DAY = 86_400_000;

/** The CN of a distinguished name as @peculiar/x509 prints it ("C=US, O=Example, CN=api.example.com"). */
export function commonName(dn: string): string | undefined {
  const m = /(?:^|[,+]\s*)CN=((?:\\.|[^,+\\])*)/.exec(dn);
  return m ? m[1]!.replace(/\\(.)/g, '$1').trim() : undefined;
}

/** Status of a decoded certificate at `now`: the judgement the `cert/*` expiry rules make (`judgeExpiry`). */
export function certificateStatus(cert: Pick<CertificateSummary, 'notBefore' | 'notAfter'>, now: Date, thresholds: Thresholds): { status: CertificateStatus; level: InventoryLevel } {
  const j = judgeExpiry(cert, now, thresholds);
  return { status: j.standing, level: j.severity ?? 'ok' };
}

/**
 * Whole days until notAfter, counted as the hover counts them: 49 for 49.5 days left, -30
 * for "expired 30 days ago" (0 on the day it expired: `status` says expired).
 */
export function daysLeft(cert: Pick<CertificateSummary, 'notAfter'>, now: Date): number {
  const left = cert.notAfter.getTime() - now.getTime();
  return left < 0 ? -Math.floor(-left / DAY) : Math.floor(left / DAY);
}

/** `expires 2027-01-10 (49 d)`, `expired 2025-11-01 (30 d ago)`, `not valid until 2027-01-10`: the same days as `daysLeft`. */
export function expiryPhrase(cert: CertificateSummary, now: Date): string {
  if (now.getTime() < cert.notBefore.getTime()) return `not valid until ${isoDate(cert.notBefore)}`;
  const left = cert.notAfter.getTime() - now.getTime();
  const days = daysLeft(cert, now);
  if (left < 0) return `expired ${isoDate(cert.notAfter)} (${days === 0 ? 'today' : `${-days} d ago`})`;
  return `expires ${isoDate(cert.notAfter)} (${days >= 1 ? `${days} d` : `${Math.max(1, Math.floor(left / 3_600_000))} h`})`;
}

/**
 * The one-line title of a certificate: what the CodeLens, the tree and `inspect` show. A CA
 * certificate without SANs does not say "0 SANs" (CAs have none); a leaf does (`cert/no-san`).
 */
export function certificateTitle(cert: CertificateSummary, now: Date): string {
  // The decoder's CN (control characters escaped, no RFC 4514 escapes to undo).
  const cn = cert.subjectCommonName;
  const name = cn !== undefined ? `CN=${cn}` : cert.subject || cert.sans[0]?.value || '(no subject)';
  const sans = cert.sans.length === 0 && isCa(cert) ? [] : [plural(cert.sans.length, 'SAN')];
  return [name, ...sans, expiryPhrase(cert, now)].join(' · ');
}

/** The inventory's short form of a key's shape (`x509/keys.ts`): "RSA 2048", "EC P-256", "encrypted", "unreadable". */
function keyAlgorithm(key: PrivateKeySummary | undefined): string {
  if (!key) return 'unreadable';
  if (key.encrypted) return key.algorithm === 'unknown' ? 'encrypted' : `${[key.algorithm, key.bits ?? key.curve].filter((x) => x !== undefined).join(' ')}, encrypted`;
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
  // What the file says (a Secret's name, a YAML key, a path an nginx file writes) leaves the core without control characters.
  const base = { file, range: site.range, anchor: site.anchor, encoding: site.encoding, label: site.label, ...(site.container !== undefined ? { container: escapeControls(site.container) } : {}) };
  if (isPrivateKeySite(site)) {
    const key = site.problem ? undefined : privateKeyOfSite(site);
    const algorithm = keyAlgorithm(key);
    const facts = withFacts && key ? { facts: privateKeyFacts(key, keyMatchDescription(sites, site)) } : {};
    return { ...base, kind: 'key', algorithm, title: keyTitle(algorithm), level: 'ok', ...facts };
  }
  if (!isCertificateSite(site)) return undefined;
  const chain = site.bundleIndex !== undefined && site.bundleSize !== undefined ? { chain: { index: site.bundleIndex, size: site.bundleSize } } : {};
  const invalid = (why: string): InventoryCertificate => {
    const error = escapeControls(why);
    return { ...base, ...chain, kind: 'certificate', status: 'invalid', level: 'error', error, title: `invalid certificate: ${error}` };
  };
  if (site.problem) return invalid(site.problem.message);
  if (!site.der) return invalid('no certificate data');
  const decoded = decodeCertificate(site.der);
  if (!decoded.ok) return invalid(decoded.error);
  const c = decoded.cert;
  const { status, level } = certificateStatus(c, now, thresholds);
  const cn = c.subjectCommonName;
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
    daysLeft: daysLeft(c, now),
    ...(isCa(c) ? { ca: true } : {}),
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

/** What a file holds that its entries cannot say: a container's notes (encrypted parts not opened, a password that does not fit). */
export interface InventoryNote {
  file: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

/** Reads one file through the host (text, or a binary container) and returns its entries and notes, or an error message. */
export async function inventoryFile(host: Host, file: string, display: string, policy: Policy, now: Date, opts: { text?: string; withFacts?: boolean } = {}): Promise<{ entries: InventoryEntry[]; notes: InventoryNote[] } | { error: string }> {
  const read = await readMaterialFile(host, file, display, policy, opts.text);
  if ('error' in read) return read;
  if ('skipped' in read) return { entries: [], notes: [] };
  const entries = inventoryDocument(read.doc, now, policy.thresholds, { withFacts: opts.withFacts ?? false, sites: read.sites });
  const notes = (read.container?.notes ?? []).filter((n) => !n.detailsOnly).map((n) => ({ file: display, severity: n.severity, message: escapeControls(`${read.container!.title}: ${n.message}`) }));
  return { entries, notes };
}

/**
 * The inventory of files and directories (walked like `tls-lens check`). Each file is read
 * once however often it is named; nothing is decoded twice (decodes are cached by hash).
 */
export async function inventoryPaths(host: Host, paths: readonly string[], opts: InventoryOptions): Promise<Inventory> {
  const result: Inventory = { entries: [], filesScanned: 0, errors: [], notes: [], cancelled: false };
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
    result.notes.push(...r.notes);
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
  /** A readable certificate as PEM (for "Copy certificate PEM"); never set for a key. */
  pem?: string;
}

export interface CertificateDetails {
  file: string;
  /** The group shown (`Secret default/web`: its tls.crt, ca.crt and tls.key), else the container; absent for a file's own PEM blocks. */
  container?: string;
  /** The certificates (and keys) of that container, in document order. */
  items: CertificateDetailsItem[];
  /** Index in `items` of the site the request pointed at. */
  focus: number;
  /** For a binary container: what it is ("PKCS#12 keystore") and what could not be read, or was assumed. */
  notes?: Array<{ severity: 'error' | 'warning' | 'info'; message: string }>;
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
  opts: { sites?: readonly MaterialSite[]; bundleIndex?: number; container?: ContainerRead } = {},
): CertificateDetails | undefined {
  const sites = opts.sites ?? opts.container?.sites ?? materialSites(doc);
  const container = opts.container;
  // Several sites can share a line (the certificates of one base64 value): `bundleIndex` picks one.
  const here = sites.filter((s) => rangeContains(s.range, position) || s.anchor.start.line === position.line);
  const at = here.find((s) => opts.bundleIndex !== undefined && s.bundleIndex === opts.bundleIndex) ?? here[0];
  if (!at && !container) return undefined;
  // What belongs together (a Secret's tls.crt, ca.crt and tls.key; a file's PEM blocks): the group keys are matched
  // within. A binary container is shown whole (every entry of a keystore), whatever the position.
  const group = (container ? sites : siteGroup(sites, at!)).filter((s) => isCertificateSite(s) || isPrivateKeySite(s));
  const items: CertificateDetailsItem[] = [];
  let focus = 0;
  for (const s of group) {
    const entry = inventoryEntry(doc.file, s, now, thresholds, true, sites);
    if (!entry) continue;
    if (s === at) focus = items.length;
    const facts = entry.facts ?? [];
    delete entry.facts;
    const item: CertificateDetailsItem = { entry, facts };
    if (entry.kind === 'certificate' && entry.status !== 'invalid' && s.der) item.pem = certificatePem(s.der);
    items.push(item);
  }
  if (container) {
    // A keystore whose parts are all closed still has a page: what it is and why nothing shows.
    const details: CertificateDetails = { file: doc.file, container: container.title, items, focus, notes: container.notes.map((n) => ({ severity: n.severity, message: escapeControls(n.message) })) };
    return details;
  }
  if (items.length === 0 || !at) return undefined;
  const details: CertificateDetails = { file: doc.file, items, focus };
  const heading = at.group ?? at.container;
  if (heading !== undefined) details.container = escapeControls(heading);
  return details;
}

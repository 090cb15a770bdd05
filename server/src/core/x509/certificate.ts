import { createHash } from 'node:crypto';
import { asciiOrEscaped, escapeControls } from '../escape';
import { DerError, TAG, children, contents, directoryString, expect, hex, integerBits, oid, readTime, readTlv, smallInt, type Tlv } from './der';
import { CURVES, EXT, EXTENDED_KEY_USAGES, HASHES, KEY_ALGORITHMS, KEY_USAGE_BITS, NAME_ATTRIBUTES, SIGNATURES, UNDERSTOOD_EXTENSIONS, extensionName } from './oids';
import { plural } from '../words';

/**
 * Whether DER bytes are a certificate TLS Lens can read (the same decoder as every other
 * front, cached, so the malformed-PEM rule and the hover agree).
 */
export function isCertificateDer(der: Uint8Array): boolean {
  return decodeCertificate(der).ok;
}

export interface SubjectAltName {
  type: 'DNS' | 'IP' | 'URI' | 'email' | 'other';
  /** Display text: control characters and (for IA5String names) non-ASCII bytes escaped as `\xNN`. */
  value: string;
}

/**
 * Something RFC 5280 forbids that the certificate does anyway, where OpenSSL still reads it:
 * kept beside the rest of the certificate, which is shown and judged as usual.
 */
export interface CertificateProblem {
  /**
   * `malformed-extension`: a value that does not parse (kept as opaque bytes);
   * `duplicate-extension`, `signature-mismatch` (tbsCertificate.signature ≠ signatureAlgorithm),
   * `invalid-san` (not ASCII, control characters), `time` (UTCTime without seconds, fractional
   * seconds, GeneralizedTime before 2050).
   */
  kind: 'malformed-extension' | 'duplicate-extension' | 'signature-mismatch' | 'invalid-san' | 'time';
  /** One sentence naming what and why, with the RFC 5280 section. */
  message: string;
  /** How much it matters: TLS clients refuse (error), it may bite (warning), a formality (info). */
  severity: 'error' | 'warning' | 'info';
  /** The extension concerned (malformed or duplicate ones). */
  extension?: { oid: string; name: string; critical: boolean };
}

/** What TLS Lens shows and judges about a certificate. Never holds key material. */
export interface CertificateSummary {
  /** RFC 4514 text; control characters escaped (`\x1b`), as every text field of the summary. */
  subject: string;
  issuer: string;
  /** The subject's (last) common name, when it has one. */
  subjectCommonName?: string;
  /** Subject and issuer are the same name (a root, or a self-signed leaf). */
  selfIssued: boolean;
  /** X.509 version: 1, 2 or 3. */
  version: number;
  /** Hex of the serial's DER octets (two's complement; see `negativeSerial`). */
  serialNumber: string;
  /** The serial is negative (RFC 5280 §4.1.2.2 wants it positive; some old CAs issued such). */
  negativeSerial?: boolean;
  notBefore: Date;
  notAfter: Date;
  sans: SubjectAltName[];
  /** e.g. "RSA 2048 bits", "EC P-256", "Ed25519". */
  publicKey: { algorithm: string; bits?: number; curve?: string };
  /** "RSA with SHA-256", "ECDSA with SHA-384", "RSA-PSS with SHA-256", "Ed25519". */
  signatureAlgorithm: string;
  /** The hash the signature uses (SHA-256, SHA-1, MD5), when it names one. */
  signatureHash?: string;
  sha256Fingerprint: string;
  sha1Fingerprint: string;
  /** KeyUsage bit names; undefined when the extension is absent. */
  keyUsage?: string[];
  /** ExtendedKeyUsage names (serverAuth, clientAuth, …; unknown ones as OIDs); undefined when absent. */
  extendedKeyUsage?: string[];
  /** undefined when the extension is absent. */
  basicConstraints?: { ca: boolean; pathLength?: number; critical: boolean };
  /** Name Constraints (RFC 5280 §4.2.1.10) of a CA; undefined when the extension is absent. */
  nameConstraints?: NameConstraints;
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
  ocspUrls: string[];
  caIssuerUrls: string[];
  crlUrls: string[];
  /** Critical extensions TLS clients do not understand (OIDs): path validation fails on them. */
  criticalUnknownExtensions: string[];
  /** What RFC 5280 forbids but the certificate does (see `CertificateProblem`); empty for most. */
  problems: CertificateProblem[];
  /** SHA-256 of the SubjectPublicKeyInfo, hex: what a private key is matched by. */
  spkiSha256: string;
  /** Hex of the subject and issuer Name DER, for exact issuer/subject matching in chains. */
  subjectDer: string;
  issuerDer: string;
}

/** The base name of a name-constraint subtree (RFC 5280 §4.2.1.10). */
export interface NameSubtree {
  /** IP values are `address/prefix` (`address/mask` when the mask is not a prefix); DirName values RFC 4514 text. */
  type: 'DNS' | 'IP' | 'email' | 'URI' | 'DirName' | 'other';
  value: string;
}

export interface NameConstraints {
  permitted: NameSubtree[];
  excluded: NameSubtree[];
  critical: boolean;
}

export type DecodeResult = { ok: true; cert: CertificateSummary } | { ok: false; error: string };

const cache = new Map<string, DecodeResult>();
const CACHE_LIMIT = 5000;
let decodes = 0;

/** Forgets every decoded certificate (benchmarks measure cold decodes with it). */
export function clearDecodeCache(): void {
  cache.clear();
}

/** How many certificates were actually decoded (cache misses) since start: for tests of the cache. */
export function decodeCount(): number {
  return decodes;
}

export function colonHex(bytes: Uint8Array): string {
  return hex(bytes).replace(/(..)(?!$)/g, '$1:');
}

/** SHA-256 of bytes, hex: the cache key of every decode. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Decodes one DER certificate with TLS Lens's own DER reader (fast, and it never loads a
 * big module). Never throws: a malformed certificate comes back as `{ ok: false, error }`.
 * Results are cached by SHA-256 of the bytes, so a re-lint decodes nothing again.
 */
export function decodeCertificate(der: Uint8Array): DecodeResult {
  // The same bytes asked again within a lint (every rule looks at every site) cost nothing.
  const same = byIdentity.get(der);
  if (same) return same;
  const result = decodeByContent(der);
  byIdentity.set(der, result);
  return result;
}

const byIdentity = new WeakMap<Uint8Array, DecodeResult>();

function decodeByContent(der: Uint8Array): DecodeResult {
  const key = contentHash(der);
  const hit = cache.get(key);
  if (hit) {
    // Refresh its place in the LRU order.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  decodes++;
  let result: DecodeResult;
  try {
    result = { ok: true, cert: parseCertificate(der, key) };
  } catch (e) {
    const why = e instanceof DerError ? e.message : `unexpected structure (${e instanceof Error ? e.message : String(e)})`;
    result = { ok: false, error: `not a valid X.509 certificate: ${why}` };
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, result);
  return result;
}

function parseCertificate(der: Uint8Array, sha256: string): CertificateSummary {
  const outer = expect(readTlv(der, 0), TAG.SEQUENCE, 'Certificate');
  if (outer.end !== der.length) throw new DerError(`${der.length - outer.end} bytes after the certificate`);
  const [tbs, sigAlg, sigValue] = children(der, outer);
  expect(tbs, TAG.SEQUENCE, 'tbsCertificate');
  expect(sigAlg, TAG.SEQUENCE, 'signatureAlgorithm');
  expect(sigValue, TAG.BIT_STRING, 'signatureValue');
  const f = children(der, tbs!);
  let i = 0;
  let version = 1;
  if (f[0]?.tag === 0xa0) {
    const v = children(der, f[0])[0];
    version = smallInt(der, expect(v, TAG.INTEGER, 'version')) + 1;
    if (version < 1 || version > 3) throw new DerError(`version ${version} (encoded ${version - 1}) is not an X.509 version: RFC 5280 §4.1.2.1 defines v1, v2 and v3 only`);
    i = 1;
  }
  const serial = expect(f[i++], TAG.INTEGER, 'serialNumber');
  const innerSig = expect(f[i++], TAG.SEQUENCE, 'signature');
  const issuer = expect(f[i++], TAG.SEQUENCE, 'issuer');
  const validity = expect(f[i++], TAG.SEQUENCE, 'validity');
  const subject = expect(f[i++], TAG.SEQUENCE, 'subject');
  const spki = expect(f[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo');
  let extensions: Tlv | undefined;
  for (; i < f.length; i++) if (f[i]!.tag === 0xa3) extensions = f[i];

  const [t1, t2] = children(der, validity);
  if (!t1 || !t2) throw new DerError('validity needs notBefore and notAfter');
  const problems: CertificateProblem[] = [];
  const when = (t: Tlv, what: string): Date => {
    const r = readTime(der, t);
    if (!r.date) throw new DerError(`${what}: ${r.error ?? 'not a time'}`);
    if (r.note) problems.push({ kind: 'time', message: `${what}: ${r.note}`, severity: 'info' });
    // RFC 5280 §4.1.2.5: dates through 2049 as UTCTime, from 2050 as GeneralizedTime.
    if (t.tag === TAG.GeneralizedTime && r.date.getUTCFullYear() < 2050) {
      problems.push({ kind: 'time', message: `${what} ${isoDate(r.date)} is a GeneralizedTime; RFC 5280 §4.1.2.5 wants UTCTime for dates through 2049`, severity: 'info' });
    }
    return r.date;
  };
  const notBefore = when(t1, 'notBefore');
  const notAfter = when(t2, 'notAfter');

  const serialBytes = contents(der, serial);
  if (serialBytes.length === 0) throw new DerError('empty serial number');
  const negativeSerial = (serialBytes[0]! & 0x80) !== 0;
  const serialShown = serialBytes.length > 1 && serialBytes[0] === 0 ? serialBytes.subarray(1) : serialBytes;

  const subjectName = parseName(der, subject);
  const issuerName = parseName(der, issuer);
  const [sigFamily, sigHash] = signatureOf(der, sigAlg!);
  const cert: CertificateSummary = {
    subject: subjectName.text,
    issuer: issuerName.text,
    selfIssued: sameBytes(contents(der, subject), contents(der, issuer)),
    version,
    serialNumber: hex(serialShown),
    notBefore,
    notAfter,
    sans: [],
    publicKey: publicKeyOf(der, spki),
    signatureAlgorithm: sigHash ? `${sigFamily} with ${sigHash}` : sigFamily,
    sha256Fingerprint: sha256.toUpperCase().replace(/(..)(?!$)/g, '$1:'),
    sha1Fingerprint: colonHex(createHash('sha1').update(der).digest()),
    ocspUrls: [],
    caIssuerUrls: [],
    crlUrls: [],
    criticalUnknownExtensions: [],
    problems,
    spkiSha256: contentHash(der.subarray(spki.start, spki.end)),
    subjectDer: hex(contents(der, subject)),
    issuerDer: hex(contents(der, issuer)),
  };
  if (subjectName.cn !== undefined) cert.subjectCommonName = subjectName.cn;
  if (negativeSerial) cert.negativeSerial = true;
  if (sigHash) cert.signatureHash = sigHash;
  if (!sameBytes(der.subarray(innerSig.start, innerSig.end), der.subarray(sigAlg!.start, sigAlg!.end))) {
    // RFC 5280 §4.1.1.2: the same AlgorithmIdentifier inside and outside the signed part; OpenSSL refuses to verify otherwise.
    let inner: string;
    try {
      const [fam, hash] = signatureOf(der, innerSig);
      inner = hash ? `${fam} with ${hash}` : fam;
    } catch {
      inner = 'unreadable';
    }
    const same = inner === cert.signatureAlgorithm ? ' (the same algorithm, encoded differently)' : '';
    problems.push({
      kind: 'signature-mismatch',
      message: `the signature algorithm inside the signed part (tbsCertificate.signature: ${inner}) differs from the outer one (${cert.signatureAlgorithm})${same}; RFC 5280 §4.1.1.2 requires them to be identical, and OpenSSL does not verify such a certificate`,
      severity: 'error',
    });
  }
  if (extensions) readExtensions(der, expect(children(der, extensions)[0], TAG.SEQUENCE, 'extensions'), cert);
  return cert;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** RFC 4514 string of a Name, in the order the certificate encodes it (as @peculiar/x509 and OpenSSL's oneline show it). */
function parseName(der: Uint8Array, name: Tlv): { text: string; cn?: string } {
  const rdns: string[] = [];
  let cn: string | undefined;
  for (const rdn of children(der, name)) {
    const parts: string[] = [];
    for (const atv of children(der, rdn)) {
      const [type, value] = children(der, atv);
      const id = oid(der, expect(type, TAG.OID, 'attribute type'));
      if (!value) throw new DerError('attribute without a value');
      const text = directoryString(der, value);
      if (id === '2.5.4.3') cn = escapeControls(text);
      parts.push(`${NAME_ATTRIBUTES[id] ?? id}=${escapeControls(escapeDn(text))}`);
    }
    // An empty RDN (a SET with no attribute) adds nothing to the text.
    if (parts.length) rdns.push(parts.join('+'));
  }
  return cn === undefined ? { text: rdns.join(', ') } : { text: rdns.join(', '), cn };
}

function escapeDn(s: string): string {
  if (s.startsWith('#') && /^#[0-9a-f]*$/.test(s)) return s;
  return s.replace(/[,+"\\<>;]/g, (c) => '\\' + c).replace(/^[ #]|[ ]$/g, (c) => '\\' + c);
}

function signatureOf(der: Uint8Array, alg: Tlv): [string, string | undefined] {
  const [idTlv, params] = children(der, alg);
  const id = oid(der, expect(idTlv, TAG.OID, 'signature algorithm'));
  const known = SIGNATURES[id];
  if (!known) return [id, undefined];
  if (known[0] === 'RSA-PSS') {
    // RSASSA-PSS-params: [0] hashAlgorithm, default SHA-1 (RFC 4055 §3.1).
    let hash = 'SHA-1';
    if (params?.tag === TAG.SEQUENCE) {
      const h = children(der, params).find((c) => c.tag === 0xa0);
      const hAlg = h && children(der, h)[0];
      const hId = hAlg && children(der, hAlg)[0];
      if (hId) hash = HASHES[oid(der, hId)] ?? oid(der, hId);
    }
    return ['RSA-PSS', hash];
  }
  return [known[0], known[1]];
}

function publicKeyOf(der: Uint8Array, spki: Tlv): CertificateSummary['publicKey'] {
  const [alg, bits] = children(der, spki);
  const [idTlv, params] = children(der, expect(alg, TAG.SEQUENCE, 'public key algorithm'));
  const id = oid(der, expect(idTlv, TAG.OID, 'public key algorithm'));
  const name = KEY_ALGORITHMS[id] ?? id;
  expect(bits, TAG.BIT_STRING, 'subjectPublicKey');
  try {
    if (name === 'RSA' || name === 'RSA-PSS') {
      const key = readTlv(der, bits!.body + 1, bits!.end);
      const modulus = children(der, key)[0];
      return modulus ? { algorithm: name, bits: integerBits(der, modulus) } : { algorithm: name };
    }
    if (name === 'EC') {
      if (params?.tag === TAG.OID) {
        const c = oid(der, params);
        return { algorithm: 'EC', curve: CURVES[c] ?? c };
      }
      return { algorithm: 'EC', curve: 'explicit parameters' };
    }
    if (name === 'DSA' && params?.tag === TAG.SEQUENCE) {
      const p = children(der, params)[0];
      return p ? { algorithm: 'DSA', bits: integerBits(der, p) } : { algorithm: 'DSA' };
    }
  } catch {
    return { algorithm: name };
  }
  return { algorithm: name };
}

const IA5_NAMES: Readonly<Record<number, SubjectAltName['type']>> = { 0x81: 'email', 0x82: 'DNS', 0x86: 'URI' };

/** An IA5String's bytes as display text: ASCII as is, any other byte and every control escaped (`\xNN`). */
export function ia5Text(bytes: Uint8Array): string {
  return asciiOrEscaped(bytes);
}

/** Whether IA5String bytes are what an IA5String may hold in a name: printable ASCII only. */
function ia5Clean(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b < 0x20 || b >= 0x7f) return false;
  return true;
}

function generalName(der: Uint8Array, t: Tlv): SubjectAltName {
  const c = Buffer.from(contents(der, t));
  const ia5 = IA5_NAMES[t.tag];
  if (ia5) return { type: ia5, value: ia5Text(c) };
  if (t.tag === 0x87) return { type: 'IP', value: ipText(c) };
  return { type: 'other', value: `[${t.tag & 0x1f}] ${c.toString('hex')}` };
}

/** Why a SAN's IA5String is not a valid name, or undefined. */
function sanProblem(der: Uint8Array, t: Tlv, shown: SubjectAltName): string | undefined {
  if (!IA5_NAMES[t.tag]) return undefined;
  const c = contents(der, t);
  if (ia5Clean(c)) return undefined;
  const high = c.some((b) => b >= 0x80);
  return high
    ? `SAN ${shown.type}:${shown.value} is not ASCII: an IA5String holds 7-bit characters only (RFC 5280 §4.2.1.6; internationalized domain names are written as A-labels, xn--…)`
    : `SAN ${shown.type}:${shown.value} holds control characters (NUL, form feed…), which no ${shown.type === 'DNS' ? 'host name' : 'name'} has; a client comparing it as a C string sees a different name (RFC 5280 §4.2.1.6)`;
}

/** A GeneralName as a name-constraint base: iPAddress is an address and a mask (RFC 5280 §4.2.1.10). */
function subtreeName(der: Uint8Array, t: Tlv): NameSubtree {
  if (t.tag === 0x87) {
    const c = Buffer.from(contents(der, t));
    if (c.length !== 8 && c.length !== 32) return { type: 'IP', value: `(${c.length} bytes) ${c.toString('hex')}` };
    const half = c.length / 2;
    const mask = c.subarray(half);
    let prefix = 0;
    while (prefix < mask.length * 8 && mask[prefix >> 3]! & (0x80 >> (prefix & 7))) prefix++;
    let contiguous = true;
    for (let bit = prefix; bit < mask.length * 8; bit++) if (mask[bit >> 3]! & (0x80 >> (bit & 7))) contiguous = false;
    return { type: 'IP', value: `${ipText(c.subarray(0, half))}/${contiguous ? prefix : ipText(mask)}` };
  }
  if (t.tag === 0xa4) {
    const name = children(der, t)[0];
    return { type: 'DirName', value: name ? parseName(der, expect(name, TAG.SEQUENCE, 'directoryName')).text : '' };
  }
  const g = generalName(der, t);
  return { type: g.type, value: g.value };
}

function ipText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
    // Longest run of zero groups becomes "::" (RFC 5952).
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
      if (groups[i] !== '0') {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && groups[j] === '0') j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (best < 0) return groups.join(':');
    return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
  }
  return b.toString('hex');
}

/** The one TLV an extension value holds: it must fill the OCTET STRING exactly. */
function single(der: Uint8Array, value: Tlv, tag?: number, what?: string): Tlv {
  const t = readTlv(der, value.body, value.end);
  if (t.end !== value.end) throw new DerError(`${value.end - t.end} bytes after the value`);
  if (tag !== undefined && t.tag !== tag) throw new DerError(`${what ?? 'value'}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

/** Walks a value's constructed parts to their ends, so a truncation anywhere inside is found. */
function wellFormed(der: Uint8Array, t: Tlv, depth = 0): void {
  if (!(t.tag & 0x20) || depth > 12) return;
  for (const c of children(der, t)) wellFormed(der, c, depth + 1);
}

/** What one extension's value adds to the summary; throws DerError when the value does not parse. */
type ExtensionReader = (der: Uint8Array, value: Tlv, cert: CertificateSummary, critical: boolean) => void;

/** A value TLS Lens does not show but whose structure is known: checked, then left alone. */
const checkedOnly = (tag: number, what: string): ExtensionReader => (der, value) => {
  const t = single(der, value, tag, what);
  if (tag === TAG.INTEGER && t.end === t.body) throw new DerError(`${what}: an empty INTEGER`);
  if (tag === TAG.NULL && t.end !== t.body) throw new DerError(`${what}: a NULL with contents`);
  wellFormed(der, t);
};

const READERS: Readonly<Record<string, ExtensionReader>> = {
  [EXT.subjectAltName]: (der, value, cert) => {
    const inner = single(der, value, TAG.SEQUENCE, 'subjectAltName');
    const sans: SubjectAltName[] = [];
    const invalid: Array<{ san: SubjectAltName; why: string; high: boolean }> = [];
    for (const n of children(der, inner)) {
      const g = generalName(der, n);
      sans.push(g);
      const why = sanProblem(der, n, g);
      if (why) invalid.push({ san: g, why, high: contents(der, n).some((b) => b >= 0x80) });
    }
    cert.sans = sans;
    if (invalid.length === 1) cert.problems.push({ kind: 'invalid-san', message: invalid[0]!.why, severity: 'warning' });
    else if (invalid.length > 1) {
      // One problem for all (an IDN test certificate has dozens): a few named, the count said.
      const short = (s: SubjectAltName): string => `${s.type}:${s.value.length > 48 ? s.value.slice(0, 48) + '…' : s.value}`;
      const shown = invalid.slice(0, 3).map((x) => `${short(x.san)} (${x.high ? 'not ASCII' : 'control characters'})`);
      cert.problems.push({
        kind: 'invalid-san',
        message: `${invalid.length} SANs are not valid IA5Strings: ${shown.join(', ')}${invalid.length > 3 ? `, and ${invalid.length - 3} more` : ''}; an IA5String holds printable 7-bit characters only (RFC 5280 §4.2.1.6; internationalized domain names are written as A-labels, xn--…)`,
        severity: 'warning',
      });
    }
  },
  [EXT.keyUsage]: (der, value, cert) => {
    const c = contents(der, single(der, value, TAG.BIT_STRING, 'keyUsage'));
    if (c.length === 0) throw new DerError('keyUsage: a BIT STRING without its unused-bits octet');
    const out: string[] = [];
    KEY_USAGE_BITS.forEach((name, bit) => {
      const byte = c[1 + (bit >> 3)];
      if (byte !== undefined && byte & (0x80 >> (bit & 7))) out.push(name);
    });
    cert.keyUsage = out;
  },
  [EXT.extKeyUsage]: (der, value, cert) => {
    const inner = single(der, value, TAG.SEQUENCE, 'extKeyUsage');
    cert.extendedKeyUsage = children(der, inner).map((o) => {
      const s = oid(der, o);
      return EXTENDED_KEY_USAGES[s] ?? s;
    });
  },
  [EXT.basicConstraints]: (der, value, cert, critical) => {
    const c = children(der, single(der, value, TAG.SEQUENCE, 'basicConstraints'));
    let ca = false;
    let pathLength: number | undefined;
    for (const item of c) {
      if (item.tag === TAG.BOOLEAN) ca = der[item.body] !== 0;
      else if (item.tag === TAG.INTEGER) pathLength = smallInt(der, item);
      else throw new DerError(`basicConstraints: unexpected tag 0x${item.tag.toString(16)}`);
    }
    cert.basicConstraints = pathLength === undefined ? { ca, critical } : { ca, pathLength, critical };
  },
  [EXT.nameConstraints]: (der, value, cert, critical) => {
    const nc: NameConstraints = { permitted: [], excluded: [], critical };
    for (const part of children(der, single(der, value, TAG.SEQUENCE, 'nameConstraints'))) {
      // permittedSubtrees [0], excludedSubtrees [1] (IMPLICIT SEQUENCE OF GeneralSubtree).
      const into = part.tag === 0xa0 ? nc.permitted : part.tag === 0xa1 ? nc.excluded : undefined;
      if (!into) throw new DerError(`nameConstraints: unexpected tag 0x${part.tag.toString(16)}`);
      for (const subtree of children(der, part)) {
        const base = children(der, expect(subtree, TAG.SEQUENCE, 'GeneralSubtree'))[0];
        if (!base) throw new DerError('GeneralSubtree without a base name');
        into.push(subtreeName(der, base));
      }
    }
    cert.nameConstraints = nc;
  },
  [EXT.subjectKeyIdentifier]: (der, value, cert) => {
    cert.subjectKeyIdentifier = colonHex(contents(der, single(der, value, TAG.OCTET_STRING, 'subjectKeyIdentifier')));
  },
  [EXT.authorityKeyIdentifier]: (der, value, cert) => {
    const inner = single(der, value, TAG.SEQUENCE, 'authorityKeyIdentifier');
    const parts = children(der, inner);
    for (const p of parts) wellFormed(der, p);
    const kid = parts.find((c) => c.tag === 0x80);
    if (kid) cert.authorityKeyIdentifier = colonHex(contents(der, kid));
  },
  [EXT.authorityInfoAccess]: (der, value, cert) => {
    const ocsp: string[] = [];
    const issuers: string[] = [];
    for (const ad of children(der, single(der, value, TAG.SEQUENCE, 'authorityInfoAccess'))) {
      const [method, location] = children(der, expect(ad, TAG.SEQUENCE, 'AccessDescription'));
      if (!method || !location) throw new DerError('AccessDescription needs a method and a location');
      const m = oid(der, expect(method, TAG.OID, 'accessMethod'));
      if (location.tag !== 0x86) continue;
      const url = ia5Text(contents(der, location));
      if (m === '1.3.6.1.5.5.7.48.1') ocsp.push(url);
      else if (m === '1.3.6.1.5.5.7.48.2') issuers.push(url);
    }
    cert.ocspUrls = ocsp;
    cert.caIssuerUrls = issuers;
  },
  [EXT.crlDistributionPoints]: (der, value, cert) => {
    const inner = single(der, value, TAG.SEQUENCE, 'cRLDistributionPoints');
    wellFormed(der, inner);
    const urls: string[] = [];
    collectUris(der, inner, urls, 0);
    cert.crlUrls = urls;
  },
  '2.5.29.18': checkedOnly(TAG.SEQUENCE, 'issuerAltName'),
  '2.5.29.32': checkedOnly(TAG.SEQUENCE, 'certificatePolicies'),
  '2.5.29.33': checkedOnly(TAG.SEQUENCE, 'policyMappings'),
  '2.5.29.36': checkedOnly(TAG.SEQUENCE, 'policyConstraints'),
  '2.5.29.54': checkedOnly(TAG.INTEGER, 'inhibitAnyPolicy'),
  '2.5.29.9': checkedOnly(TAG.SEQUENCE, 'subjectDirectoryAttributes'),
  '1.3.6.1.5.5.7.1.24': checkedOnly(TAG.SEQUENCE, 'tlsFeature'),
  '1.3.6.1.4.1.11129.2.4.2': checkedOnly(TAG.OCTET_STRING, 'signedCertificateTimestampList'),
  '1.3.6.1.4.1.11129.2.4.3': checkedOnly(TAG.NULL, 'precertificate poison'),
};

/**
 * Reads the extensions one by one. A value that does not parse rejects nothing: it is kept as
 * opaque bytes and named in `problems` (the rest of the certificate is read as usual). Values
 * of extensions TLS Lens does not know are not parsed at all; a critical one is listed in
 * `criticalUnknownExtensions`. A second instance of an extension is reported and ignored
 * (RFC 5280 §4.2: at most one of each).
 */
function readExtensions(der: Uint8Array, list: Tlv, cert: CertificateSummary): void {
  const seen = new Set<string>();
  for (const ext of children(der, list)) {
    const parts = children(der, expect(ext, TAG.SEQUENCE, 'extension'));
    const id = oid(der, expect(parts[0], TAG.OID, 'extension id'));
    let critical = false;
    let k = 1;
    if (parts[k]?.tag === TAG.BOOLEAN) {
      critical = der[parts[k]!.body] !== 0;
      k++;
    }
    const value = expect(parts[k], TAG.OCTET_STRING, `extension ${id} value`);
    const name = extensionName(id);
    const shown = name === id ? id : `${name} (${id})`;
    if (seen.has(id)) {
      cert.problems.push({
        kind: 'duplicate-extension',
        message: `extension ${shown} appears more than once; RFC 5280 §4.2 allows one instance of each, and OpenSSL refuses to verify such a certificate (only the first is shown)`,
        severity: 'error',
        extension: { oid: id, name, critical },
      });
      continue;
    }
    seen.add(id);
    if (critical && !UNDERSTOOD_EXTENSIONS.has(id)) cert.criticalUnknownExtensions.push(id);
    const reader = READERS[id];
    if (!reader) continue;
    try {
      reader(der, value, cert, critical);
    } catch (e) {
      if (!(e instanceof DerError)) throw e;
      const bytes = value.end - value.body;
      cert.problems.push({
        kind: 'malformed-extension',
        message: `extension ${shown}${critical ? ', critical,' : ''} does not parse (${e.message}); ${bytes === 0 ? 'its value is empty' : `its value is kept as ${bytes} opaque byte${bytes === 1 ? '' : 's'}`}`,
        severity: critical ? 'error' : 'warning',
        extension: { oid: id, name, critical },
      });
    }
  }
}

/** URIs ([6] IA5String) anywhere inside a value, a few levels deep (CRL distribution points). */
function collectUris(der: Uint8Array, t: Tlv, out: string[], depth: number): void {
  if (depth > 6) return;
  if (t.tag === 0x86) {
    out.push(ia5Text(contents(der, t)));
    return;
  }
  if (!(t.tag & 0x20)) return;
  for (const c of children(der, t)) collectUris(der, c, out, depth + 1);
}

/** "expires in 23 days", "expired 4 days ago", "not valid until 2027-01-10 (in 3 days)". */
export function describeValidity(cert: Pick<CertificateSummary, 'notBefore' | 'notAfter'>, now: Date): string {
  const day = 86_400_000;
  if (now < cert.notBefore) {
    return `not valid until ${isoDate(cert.notBefore)} (${relative(cert.notBefore.getTime() - now.getTime())})`;
  }
  const left = cert.notAfter.getTime() - now.getTime();
  if (left < 0) {
    const days = Math.floor(-left / day);
    return days === 0 ? 'expired today' : `expired ${plural(days, 'day')} ago`;
  }
  const days = Math.floor(left / day);
  return days === 0 ? `expires in ${plural(Math.max(1, Math.floor(left / 3_600_000)), 'hour')}` : `expires in ${plural(days, 'day')}`;
}

function relative(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  return days >= 1 ? `in ${plural(days, 'day')}` : `in ${plural(Math.max(1, Math.floor(ms / 3_600_000)), 'hour')}`;
}

export { plural };

/** YYYY-MM-DD; years outside 0000–9999 as ISO's extended form. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, d.toISOString().indexOf('T'));
}

export function describePublicKey(k: CertificateSummary['publicKey']): string {
  if (k.bits !== undefined) return `${k.algorithm} ${k.bits} bits`;
  if (k.curve !== undefined) return `${k.algorithm} ${k.curve}`;
  return k.algorithm;
}

/** Lifetime in whole days (notAfter − notBefore), as the CA/B Forum counts validity. */
export function lifetimeDays(cert: Pick<CertificateSummary, 'notBefore' | 'notAfter'>): number {
  return (cert.notAfter.getTime() - cert.notBefore.getTime()) / 86_400_000;
}

/** RSA keys, PKCS#1 v1.5 or RSASSA-PSS: sized by their modulus. */
export function isRsaKey(k: CertificateSummary['publicKey']): boolean {
  return k.algorithm === 'RSA' || k.algorithm === 'RSA-PSS';
}

/** A certificate's DER as PEM (RFC 7468: 64 base64 characters a line). */
export function certificatePem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

/** A CA certificate (basicConstraints cA), as opposed to a leaf. */
export function isCa(cert: CertificateSummary): boolean {
  return cert.basicConstraints?.ca === true;
}

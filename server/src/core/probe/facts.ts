/**
 * What a ProbeResult says was accepted, in one shape for verdicts, the grade and reports:
 * from the raw scan when there is one, else from the one handshake node:tls negotiated.
 */
import { CIPHER_SUITES } from '../policy/ciphers/table';
import type { CipherSuite } from '../policy/ciphers/types';
import { decodeCertificate, isRsaKey, type CertificateSummary } from '../x509/certificate';
import type { ProbeResult } from './types';

export interface AcceptedSuite {
  version: string;
  code: number;
  /** IANA name, or the hex code when the table does not know it. */
  name: string;
  suite?: CipherSuite;
}

const BY_CODE = new Map<number, CipherSuite>();
const BY_IANA = new Map<string, CipherSuite>();
/** SSLv2 cipher kinds are 24-bit codes of their own (SSL_CK_NULL_WITH_MD5 is 0x000000). */
const SSL2_BY_CODE = new Map<number, CipherSuite>();
for (const s of CIPHER_SUITES) {
  if (s.protocol === 'SSLv2') {
    SSL2_BY_CODE.set(s.code, s);
    continue;
  }
  if (!BY_CODE.has(s.code)) BY_CODE.set(s.code, s);
  if (!BY_IANA.has(s.iana)) BY_IANA.set(s.iana, s);
}

export function suiteByCode(code: number): CipherSuite | undefined {
  return BY_CODE.get(code);
}

/** The suite of a version's code: SSLv2 cipher kinds and TLS suites are looked up apart. */
export function suiteOf(version: string, code: number): CipherSuite | undefined {
  return version === 'SSLv2' ? SSL2_BY_CODE.get(code) : BY_CODE.get(code);
}

export function hexCode(code: number, version?: string): string {
  return `0x${code.toString(16).toUpperCase().padStart(version === 'SSLv2' ? 6 : 4, '0')}`;
}

/** Whether versions and suites were enumerated (the raw scan ran), or only the negotiated pair is known. */
export function enumerated(r: ProbeResult): boolean {
  return r.scan !== undefined;
}

/** Accepted versions, in the order the scan lists them. */
export function acceptedVersions(r: ProbeResult): string[] {
  if (r.scan) return r.scan.versions.filter((v) => v.accepted).map((v) => v.version);
  return r.handshake ? [r.handshake.protocol] : [];
}

export function acceptedSuites(r: ProbeResult): AcceptedSuite[] {
  if (r.scan) {
    const out: AcceptedSuite[] = [];
    for (const v of r.scan.versions) {
      if (!v.accepted) continue;
      for (const code of v.suites) {
        const suite = suiteOf(v.version, code);
        out.push(suite ? { version: v.version, code, name: suite.iana, suite } : { version: v.version, code, name: hexCode(code, v.version) });
      }
    }
    return out;
  }
  const h = r.handshake;
  if (!h) return [];
  const suite = h.cipher.standardName ? BY_IANA.get(h.cipher.standardName) : undefined;
  return suite ? [{ version: h.protocol, code: suite.code, name: suite.iana, suite }] : [{ version: h.protocol, code: -1, name: h.cipher.standardName ?? h.cipher.name }];
}

export interface ChainEntry {
  der: Uint8Array;
  cert?: CertificateSummary;
  error?: string;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The live chain as the server sends it, leaf first: the raw scan's TLS ≤ 1.2 Certificate
 * message (read in clear, exactly as sent) when its leaf is the full handshake's (a server with
 * an RSA and an ECDSA certificate may send another to each); else the full handshake's
 * (without what Node adds from the local store); else the scan's.
 */
export function liveChain(r: ProbeResult): ChainEntry[] {
  const source = liveChainSource(r);
  const ders = source === 'scan' ? (r.scan?.chainDer ?? []) : source === 'handshake' ? (r.handshake?.chainDer ?? []) : [];
  return decodeChain(ders);
}

export interface ServedLeaf {
  keyType: string;
  versions: string[];
  chain: ChainEntry[];
  trusted: boolean;
  trustError?: string;
  /** The leaf the main report shows (the first handshake's, or the scan's). */
  primary: boolean;
}

function decodeChain(ders: readonly Uint8Array[]): ChainEntry[] {
  return ders.map((der) => {
    const d = decodeCertificate(der);
    return d.ok ? { der, cert: d.cert } : { der, error: d.error };
  });
}

/** Every certificate the server sent by key type (handshake.servedCertificates), decoded; `primary` for the one `liveChain` shows. */
export function servedLeaves(r: ProbeResult): ServedLeaf[] {
  const main = liveChain(r)[0]?.der;
  return (r.handshake?.servedCertificates ?? []).map((c) => {
    const out: ServedLeaf = { keyType: c.keyType, versions: c.versions, chain: decodeChain(c.chainDer), trusted: c.trusted, primary: sameBytes(c.chainDer[0], main) };
    if (c.trustError) out.trustError = c.trustError;
    return out;
  });
}

/** The served certificates other than the one the report shows first. */
export function otherLeaves(r: ProbeResult): ServedLeaf[] {
  return servedLeaves(r).filter((l) => !l.primary);
}

/** Where `liveChain` comes from: the scan's TLS ≤ 1.2 Certificate message, the full handshake, or nowhere. */
export function liveChainSource(r: ProbeResult): 'scan' | 'handshake' | undefined {
  const hs = r.handshake?.chainDer ?? [];
  const sc = r.scan?.chainDer ?? [];
  if (sc.length && (!hs.length || sameBytes(sc[0], hs[0]))) return 'scan';
  return hs.length ? 'handshake' : undefined;
}

/** The name the certificate must cover. */
export function nameToVerify(r: ProbeResult): string {
  return (r.target.sni ?? r.target.host).replace(/^\[(.*)\]$/, '$1');
}

/** RSA-equivalent strength of a certificate key (NIST SP 800-57 Part 1, Table 2) for the grade's key-exchange score. */
export function keyStrengthBits(k: CertificateSummary['publicKey']): number | undefined {
  if (isRsaKey(k) || k.algorithm === 'DSA') return k.bits;
  const curve = (k.curve ?? k.algorithm).toUpperCase();
  if (/P-256|ED25519|X25519/.test(curve)) return 3072;
  if (/P-384|ED448|X448/.test(curve)) return 7680;
  if (/P-521/.test(curve)) return 15360;
  return undefined;
}

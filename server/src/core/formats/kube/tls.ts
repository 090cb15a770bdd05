import { evaluateCipherString, type CipherSuite } from '../../policy/ciphers/evaluate';
import { CIPHER_SUITES } from '../../policy/ciphers/table';
import { PROTOCOL_ORDER, type Profile, type TlsProtocol } from '../../policy/profiles';

/**
 * Classes of weak suites, worst first (the same judgement the nginx rules make). Sources:
 * RFC 7465 (RC4 prohibited), RFC 9325 (no NULL, export or < 112-bit suites; forward secrecy
 * and AEAD recommended), SWEET32 (CVE-2016-2183) for 64-bit block ciphers, RFC 6151 for MD5.
 */
interface WeakClass {
  label: string;
  severity: 'error' | 'warning';
  test: (s: CipherSuite) => boolean;
  profileMayAllow: boolean;
}

const CLASSES: readonly WeakClass[] = [
  { label: 'no encryption (NULL)', severity: 'error', test: (s) => /^none$/i.test(s.enc) || s.bits === 0, profileMayAllow: false },
  { label: 'no authentication (anonymous)', severity: 'error', test: (s) => /^none$/i.test(s.au) || /^(ADH|AECDH)-/.test(s.openssl ?? ''), profileMayAllow: false },
  { label: 'export-grade keys', severity: 'error', test: (s) => s.export, profileMayAllow: false },
  { label: 'RC4 (RFC 7465 prohibits it)', severity: 'error', test: (s) => /RC4/i.test(s.enc), profileMayAllow: false },
  { label: '64-bit block ciphers (3DES, SWEET32)', severity: 'warning', test: (s) => /^(3DES|DES|IDEA|SEED|RC2)/i.test(s.enc), profileMayAllow: true },
  { label: 'MD5 MACs', severity: 'warning', test: (s) => /^MD5$/i.test(s.mac), profileMayAllow: false },
  { label: 'no forward secrecy (static key exchange)', severity: 'warning', test: (s) => !s.forwardSecrecy, profileMayAllow: true },
  { label: 'no AEAD (CBC mode with HMAC)', severity: 'warning', test: (s) => !s.aead, profileMayAllow: true },
];

export interface WeakSuites {
  label: string;
  severity: 'error' | 'warning';
  suites: CipherSuite[];
}

/** Groups suites into the weak classes the profile does not accept (each suite in its worst class). */
export function judgeSuites(suites: readonly CipherSuite[], profile: Profile): WeakSuites[] {
  const allowed = new Set(profile.ciphers.openssl);
  const out: WeakSuites[] = [];
  const flagged = new Set<number>();
  for (const cls of CLASSES) {
    const hits = suites.filter((s) => s.protocol !== 'TLSv1.3' && !flagged.has(s.code) && cls.test(s) && !(cls.profileMayAllow && s.openssl !== null && allowed.has(s.openssl)));
    if (!hits.length) continue;
    for (const s of hits) flagged.add(s.code);
    out.push({ label: cls.label, severity: cls.severity, suites: hits });
  }
  return out;
}

const BY_NAME = new Map<string, CipherSuite>();
for (const s of CIPHER_SUITES) {
  BY_NAME.set(s.iana.toUpperCase(), s);
  if (s.openssl) BY_NAME.set(s.openssl.toUpperCase(), s);
}

/** A suite by its OpenSSL name (Envoy/Istio) or IANA name (Traefik's Go names are IANA's). */
export function suiteByName(name: string): CipherSuite | undefined {
  return BY_NAME.get(name.trim().toUpperCase());
}

/** An OpenSSL cipher string (ingress-nginx `ssl-ciphers`), expanded as OpenSSL does. */
export function suitesOfCipherString(s: string): { suites: CipherSuite[]; valid: boolean } {
  const r = evaluateCipherString(s);
  return { suites: r.suites.filter((x) => !/PSK|SRP/.test(x.kx)), valid: r.valid };
}

export function examples(suites: readonly CipherSuite[]): string {
  const names = suites.slice(0, 3).map((s) => s.openssl ?? s.iana);
  return names.join(', ') + (suites.length > 3 ? `, … (${suites.length} in all)` : '');
}

/** Why old protocol versions are weak: RFC 6176 (SSL 2.0), RFC 7568 (SSL 3.0), RFC 8996 (TLS 1.0, 1.1). */
export const WEAK_PROTOCOLS: Partial<Record<TlsProtocol, { why: string; severity: 'error' | 'warning' }>> = {
  SSLv2: { why: 'prohibited by RFC 6176', severity: 'error' },
  SSLv3: { why: 'deprecated by RFC 7568 (POODLE)', severity: 'error' },
  TLSv1: { why: 'deprecated by RFC 8996', severity: 'warning' },
  'TLSv1.1': { why: 'deprecated by RFC 8996', severity: 'warning' },
};

const ORDER = PROTOCOL_ORDER;

/** The weak versions at or above `min` that the profile does not allow. */
export function weakFrom(min: TlsProtocol, profile: Profile): TlsProtocol[] {
  return ORDER.slice(ORDER.indexOf(min)).filter((p) => WEAK_PROTOCOLS[p] && !profile.protocols.includes(p));
}

/** The lowest version the profile allows. */
export function profileMin(profile: Profile): TlsProtocol {
  return ORDER.find((p) => profile.protocols.includes(p)) ?? 'TLSv1.2';
}

/** Whether `a` is older than `b`. */
export function olderThan(a: TlsProtocol, b: TlsProtocol): boolean {
  return ORDER.indexOf(a) < ORDER.indexOf(b);
}

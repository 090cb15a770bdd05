/**
 * The one TLS judgement every format and the probe share: which protocol versions are weak
 * and why, the classes of weak cipher suites, and how a list of suites is judged against a
 * profile. Sources: RFC 6176 (SSL 2.0 prohibited), RFC 7568 (SSL 3.0 deprecated, POODLE),
 * RFC 8996 (TLS 1.0 and 1.1 deprecated); RFC 7465 (RC4 prohibited), RFC 9325 (no NULL,
 * export or < 112-bit suites; forward secrecy and AEAD recommended), SWEET32
 * (CVE-2016-2183) for 64-bit block ciphers, RFC 6151 for MD5.
 */
import { evaluateCipherString, type CipherSuite } from './ciphers/evaluate';
import { CIPHER_SUITES } from './ciphers/table';
import type { Profile, TlsProtocol } from './profiles';

/** Why old protocol versions are weak. */
export const WEAK_PROTOCOLS: Partial<Record<TlsProtocol, { why: string; severity: 'error' | 'warning' }>> = {
  SSLv2: { why: 'prohibited by RFC 6176', severity: 'error' },
  SSLv3: { why: 'deprecated by RFC 7568 (POODLE)', severity: 'error' },
  TLSv1: { why: 'deprecated by RFC 8996', severity: 'warning' },
  'TLSv1.1': { why: 'deprecated by RFC 8996', severity: 'warning' },
};

/** Every version, oldest first. */
export const PROTOCOL_ORDER: readonly TlsProtocol[] = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** The weak versions at or above `min` (and at or below `max`) that the profile does not allow. */
export function weakFrom(min: TlsProtocol, profile: Profile, max: TlsProtocol = 'TLSv1.3'): TlsProtocol[] {
  return PROTOCOL_ORDER.slice(PROTOCOL_ORDER.indexOf(min), PROTOCOL_ORDER.indexOf(max) + 1).filter((p) => WEAK_PROTOCOLS[p] && !profile.protocols.includes(p));
}

/** The lowest version the profile allows. */
export function profileMin(profile: Profile): TlsProtocol {
  return PROTOCOL_ORDER.find((p) => profile.protocols.includes(p)) ?? 'TLSv1.2';
}

/** Whether `a` is older than `b`. */
export function olderThan(a: TlsProtocol, b: TlsProtocol): boolean {
  return PROTOCOL_ORDER.indexOf(a) < PROTOCOL_ORDER.indexOf(b);
}

/**
 * A protocol list with the weak versions taken out and the profile's versions newer than
 * every version kept put in (`TLSv1 TLSv1.2` → `TLSv1.2 TLSv1.3` under intermediate), so a
 * fix never leaves less than the profile allows.
 */
export function strongerProtocols(listed: readonly TlsProtocol[], isWeak: (p: TlsProtocol) => boolean, allowed: readonly TlsProtocol[]): TlsProtocol[] {
  const kept = listed.filter((p) => !isWeak(p));
  const newest = Math.max(...kept.map((p) => PROTOCOL_ORDER.indexOf(p)));
  return [...kept, ...allowed.filter((p) => PROTOCOL_ORDER.indexOf(p) > newest && !kept.includes(p))];
}

/** A class of weak suites, worst first. */
export interface WeakClass {
  id: string;
  label: string;
  severity: 'error' | 'warning';
  test: (s: CipherSuite) => boolean;
  /** Whether the profile's own list makes it acceptable (e.g. 3DES and static RSA in "old"). */
  profileMayAllow: boolean;
}

const SIXTY_FOUR_BIT = /^(3DES|DES|IDEA|SEED|RC2)/i;

export const WEAK_SUITE_CLASSES: readonly WeakClass[] = [
  { id: 'null', label: 'no encryption (NULL)', severity: 'error', test: (s) => /^none$/i.test(s.enc) || s.bits === 0, profileMayAllow: false },
  { id: 'anon', label: 'no authentication (anonymous)', severity: 'error', test: (s) => /^none$/i.test(s.au) || /^(ADH|AECDH)-/.test(s.openssl ?? ''), profileMayAllow: false },
  { id: 'export', label: 'export-grade keys', severity: 'error', test: (s) => s.export, profileMayAllow: false },
  { id: 'rc4', label: 'RC4 (RFC 7465 prohibits it)', severity: 'error', test: (s) => /RC4/i.test(s.enc), profileMayAllow: false },
  { id: '64bit', label: '64-bit block ciphers (3DES, SWEET32)', severity: 'warning', test: (s) => SIXTY_FOUR_BIT.test(s.enc), profileMayAllow: true },
  { id: 'md5', label: 'MD5 MACs', severity: 'warning', test: (s) => /^MD5$/i.test(s.mac), profileMayAllow: false },
  { id: 'nofs', label: 'no forward secrecy (static key exchange)', severity: 'warning', test: (s) => !s.forwardSecrecy, profileMayAllow: true },
  { id: 'cbc', label: 'no AEAD (CBC mode with HMAC)', severity: 'warning', test: (s) => !s.aead, profileMayAllow: true },
];

/** Whether a class holds a suite against the profile (a class the profile may allow spares the suites it lists). */
export function weakClassCounts(cls: WeakClass, s: CipherSuite, allowed: ReadonlySet<string>): boolean {
  return cls.test(s) && !(cls.profileMayAllow && s.openssl !== null && allowed.has(s.openssl));
}

export interface WeakSuites {
  id: string;
  label: string;
  severity: 'error' | 'warning';
  suites: CipherSuite[];
}

/** Groups TLS ≤ 1.2 suites into the weak classes the profile does not accept (each suite in its worst class). */
export function judgeSuites(suites: readonly CipherSuite[], profile: Profile): WeakSuites[] {
  const allowed = new Set(profile.ciphers.openssl);
  const out: WeakSuites[] = [];
  const flagged = new Set<number>();
  for (const cls of WEAK_SUITE_CLASSES) {
    const hits = suites.filter((s) => s.protocol !== 'TLSv1.3' && !flagged.has(s.code) && weakClassCounts(cls, s, allowed));
    if (!hits.length) continue;
    for (const s of hits) flagged.add(s.code);
    out.push({ id: cls.id, label: cls.label, severity: cls.severity, suites: hits });
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

/** PSK and SRP suites need callbacks servers do not set: they are never negotiated. */
export function negotiable(s: CipherSuite): boolean {
  return !/PSK|SRP/.test(s.kx);
}

/**
 * Evaluations by cipher string: a big configuration repeats the same few strings, and an
 * editor re-lints on every pause. Results are never mutated; bounded.
 */
const evaluations = new Map<string, ReturnType<typeof evaluateCipherString>>();

/** An OpenSSL cipher string expanded as OpenSSL does (cached). */
export function evaluatedCipherString(s: string): ReturnType<typeof evaluateCipherString> {
  let r = evaluations.get(s);
  if (!r) {
    if (evaluations.size >= 256) evaluations.delete(evaluations.keys().next().value!);
    evaluations.set(s, (r = evaluateCipherString(s)));
  }
  return r;
}

/** An OpenSSL cipher string (ingress-nginx `ssl-ciphers`, HAProxy `ciphers`), expanded as OpenSSL does, negotiable suites only. */
export function suitesOfCipherString(s: string): { suites: CipherSuite[]; valid: boolean } {
  const r = evaluatedCipherString(s);
  return { suites: r.suites.filter(negotiable), valid: r.valid };
}

/** "A, B, C, … (N in all)". */
export function examples(suites: readonly CipherSuite[]): string {
  const names = suites.slice(0, 3).map((s) => s.openssl ?? s.iana);
  return names.join(', ') + (suites.length > 3 ? `, … (${suites.length} in all)` : '');
}

/** The five TLS 1.3 suites (RFC 8446 §B.4): the only names a TLS 1.3 ciphersuites list may hold. */
export const TLS13_SUITES: readonly string[] = CIPHER_SUITES.filter((s) => s.protocol === 'TLSv1.3').map((s) => s.iana);

/**
 * A TLS 1.3 `ciphersuites` list (OpenSSL's SSL_CTX_set_ciphersuites: exact names separated by
 * colons): the names OpenSSL does not know, and the known suites the profile does not list.
 */
export function judgeCiphersuites(list: string, profile: Profile): { unknown: Array<{ name: string; offset: number }>; outside: Array<{ name: string; offset: number }>; empty: boolean } {
  const unknown: Array<{ name: string; offset: number }> = [];
  const outside: Array<{ name: string; offset: number }> = [];
  const allowed = new Set(profile.ciphersuites);
  let offset = 0;
  let named = 0;
  for (const part of list.split(':')) {
    const name = part.trim();
    const at = offset + part.indexOf(name);
    offset += part.length + 1;
    if (!name) continue;
    named++;
    if (!TLS13_SUITES.includes(name)) unknown.push({ name, offset: at });
    else if (!allowed.has(name)) outside.push({ name, offset: at });
  }
  return { unknown, outside, empty: named === 0 };
}

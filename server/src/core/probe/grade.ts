/**
 * A letter grade by the published SSL Labs rating guide (2009q, as testssl.sh 3.2 implements
 * it): score = 0.3·protocol + 0.3·key exchange + 0.4·cipher strength; A ≥ 80, B ≥ 65,
 * C ≥ 50, D ≥ 35, E ≥ 20, F below; then caps, each with its reason; T (trust) and M (name
 * mismatch) replace the letter and the letter they hide is kept. A+ needs HSTS with
 * max-age ≥ 180 days and nothing that caps or warns.
 */
import { acceptedSuites, acceptedVersions, enumerated, keyStrengthBits, liveChain, nameToVerify, otherLeaves } from './facts';
import { sansCoverHost } from '../x509/names';
import { isRsaKey } from '../x509/certificate';
import type { ProbeResult } from './types';

export type GradeLetter = 'A+' | 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'T' | 'M';

export interface GradeCap {
  letter: GradeLetter;
  reason: string;
}

export interface ProbeGrade {
  letter: GradeLetter;
  /** 0–100, the weighted score before caps. */
  score: number;
  scores: { protocol: number; keyExchange: number; cipher: number };
  /** Every cap that applied, worst first. */
  caps: GradeCap[];
  /** When the letter is T or M: the grade the trust or name problem hides. */
  ignoringTrust?: GradeLetter;
  /** What the grade could not consider (no scan, no chain). */
  notes: string[];
}

/** SSL Labs guide §"Protocol support". TLS 1.3 as TLS 1.2 (testssl.sh 3.2). */
const PROTOCOL_SCORE: Record<string, number> = { SSLv2: 0, SSLv3: 80, TLSv1: 90, 'TLSv1.1': 95, 'TLSv1.2': 100, 'TLSv1.3': 100 };

/** SSL Labs guide §"Key exchange". */
function keyExchangeScore(bits: number): number {
  if (bits < 512) return 20;
  if (bits < 1024) return 40;
  if (bits < 2048) return 80;
  if (bits < 4096) return 90;
  return 100;
}

/** SSL Labs guide §"Cipher strength". */
function cipherScore(bits: number): number {
  if (bits === 0) return 0;
  if (bits < 128) return 20;
  if (bits < 256) return 80;
  return 100;
}

/** RSA-equivalent strength of a named group (NIST SP 800-57 Part 1, Table 2). */
const GROUP_BITS: Record<string, number> = {
  x25519: 3072,
  secp256r1: 3072,
  prime256v1: 3072,
  x448: 7680,
  secp384r1: 7680,
  secp521r1: 15360,
  ffdhe2048: 2048,
  ffdhe3072: 3072,
  ffdhe4096: 4096,
  ffdhe6144: 6144,
  ffdhe8192: 8192,
  X25519MLKEM768: 3072,
};

const ORDER: GradeLetter[] = ['A+', 'A', 'B', 'C', 'D', 'E', 'F'];

function worse(a: GradeLetter, b: GradeLetter): GradeLetter {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

function letterFor(score: number): GradeLetter {
  if (score >= 80) return 'A';
  if (score >= 65) return 'B';
  if (score >= 50) return 'C';
  if (score >= 35) return 'D';
  if (score >= 20) return 'E';
  return 'F';
}

const LATER = new Set(['TLSv1.1', 'TLSv1.2', 'TLSv1.3']);

export function gradeProbe(r: ProbeResult, now: Date): ProbeGrade {
  const notes: string[] = [];
  const caps: GradeCap[] = [];
  const cap = (letter: GradeLetter, reason: string): void => {
    caps.push({ letter, reason });
  };
  if (!enumerated(r)) notes.push('versions and suites were not enumerated (no scan): only the negotiated version and suite are graded');
  const versions = acceptedVersions(r);
  const suites = acceptedSuites(r);
  const chain = liveChain(r);
  const leaf = chain[0]?.cert;
  if (!leaf) notes.push('no certificate was received: key and certificate rules are not graded');

  // Protocol: average of the best and the worst accepted.
  const pScores = versions.map((v) => PROTOCOL_SCORE[v]).filter((n): n is number => n !== undefined);
  const protocol = pScores.length ? (Math.max(...pScores) + Math.min(...pScores)) / 2 : 0;

  // Key exchange: the weakest of the certificate key, DH parameters and offered groups.
  const strengths: number[] = [];
  const leafBits = leaf ? keyStrengthBits(leaf.publicKey) : undefined;
  if (leafBits !== undefined) strengths.push(leafBits);
  const dheAccepted = suites.some((s) => s.suite?.kx === 'DH');
  if (dheAccepted && r.scan?.dhBits) strengths.push(r.scan.dhBits);
  for (const g of r.scan?.groups ?? []) if (GROUP_BITS[g] !== undefined) strengths.push(GROUP_BITS[g]);
  const anon = suites.some((s) => s.suite && /^none$/i.test(s.suite.au));
  const exportKx = suites.some((s) => s.suite?.export);
  let keyExchange = strengths.length ? keyExchangeScore(Math.min(...strengths)) : 0;
  if (exportKx) keyExchange = Math.min(keyExchange, 40);
  if (anon) keyExchange = 0;

  // Cipher: average of the strongest and the weakest accepted.
  const bits = suites.map((s) => s.suite?.bits).filter((n): n is number => n !== undefined);
  const cipher = bits.length ? (cipherScore(Math.max(...bits)) + cipherScore(Math.min(...bits))) / 2 : 0;

  const score = Math.round(0.3 * protocol + 0.3 * keyExchange + 0.4 * cipher);

  // Caps (SSL Labs guide, "Grade caps"; testssl.sh 3.2 set_grade_cap).
  const has = (v: string): boolean => versions.includes(v);
  if (has('SSLv2')) cap('F', 'SSL 2.0 is accepted');
  if (exportKx) cap('F', 'export suites are accepted');
  if (has('SSLv3')) cap('B', 'SSL 3.0 is accepted');
  if (has('TLSv1') || has('TLSv1.1')) cap('B', 'TLS 1.0 or 1.1 is accepted');
  if (versions.length && !has('TLSv1.2') && !has('TLSv1.3')) cap('C', 'neither TLS 1.2 nor TLS 1.3 is accepted');
  if (suites.length && !suites.some((s) => s.suite?.forwardSecrecy)) cap('B', 'no accepted suite has forward secrecy');
  if (suites.length && !suites.some((s) => s.suite?.aead)) cap('B', 'no accepted suite is AEAD');
  const rc4 = suites.filter((s) => s.suite && /RC4/i.test(s.suite.enc));
  if (rc4.length) {
    if (rc4.some((s) => LATER.has(s.version))) cap('C', 'RC4 is accepted with TLS 1.1 or later');
    else cap('B', 'RC4 is accepted');
  }
  if (suites.some((s) => s.suite && /^(3DES|DES|IDEA|SEED|RC2)/i.test(s.suite.enc) && LATER.has(s.version))) cap('C', '64-bit block ciphers (3DES, SWEET32) are accepted with TLS 1.1 or later');
  if (leaf && leafBits !== undefined && isRsaKey(leaf.publicKey)) {
    if (leafBits < 1024) cap('F', `the certificate key is ${leafBits} bits (< 1024)`);
    else if (leafBits < 2048) cap('B', `the certificate key is ${leafBits} bits (< 2048)`);
  }
  if (dheAccepted && r.scan?.dhBits !== undefined) {
    if (r.scan.dhBits < 1024) cap('F', `DH parameters are ${r.scan.dhBits} bits (< 1024)`);
    else if (r.scan.dhBits < 2048) cap('B', `DH parameters are ${r.scan.dhBits} bits (< 2048)`);
  }
  for (const c of chain) if (c.cert && !c.cert.selfIssued && /MD5/i.test(c.cert.signatureAlgorithm)) cap('F', `${c.cert.subject} is signed with MD5`);
  const checks = r.scan?.checks;
  if (checks?.heartbleed?.vulnerable) cap('F', 'vulnerable to Heartbleed (CVE-2014-0160)');
  if (checks?.ccsInjection?.vulnerable) cap('F', 'vulnerable to the CCS injection (CVE-2014-0224)');
  if (checks?.compression?.vulnerable) cap('C', 'TLS compression is on (CRIME, CVE-2012-4929)');
  if (r.scan?.fallbackScsv === false) cap('A', 'TLS_FALLBACK_SCSV is not honoured (RFC 7507)');
  if (r.target.starttls) notes.push('STARTTLS: a man in the middle can strip the upgrade unless the client insists on TLS (RFC 8314 prefers implicit TLS); testssl.sh 3.2 caps STARTTLS at T, SSL Labs grades HTTPS only');
  if (r.target.application && r.target.application !== 'http') notes.push('A+ needs HSTS, an HTTP header: not applicable to this protocol');

  // Trust: T replaces the letter (SSL Labs shows the hidden grade beside it).
  const trustCaps: GradeCap[] = [];
  const h = r.handshake;
  if (h && !h.trusted) trustCaps.push({ letter: 'T', reason: `the chain is not trusted (${h.trustError ?? 'no reason given'})` });
  if (leaf && leaf.selfIssued && !trustCaps.length) trustCaps.push({ letter: 'T', reason: 'the certificate is self-signed' });
  if (leaf && (now > leaf.notAfter || now < leaf.notBefore)) trustCaps.push({ letter: 'T', reason: now > leaf.notAfter ? 'the certificate has expired' : 'the certificate is not yet valid' });
  for (const c of chain) if (c.cert && !c.cert.selfIssued && /SHA-1/i.test(c.cert.signatureAlgorithm)) trustCaps.push({ letter: 'T', reason: `${c.cert.subject} is signed with SHA-1` });
  if (leaf ? !sansCoverHost(leaf.sans, nameToVerify(r)) : h ? !h.hostnameMatches : false) trustCaps.push({ letter: 'M', reason: `the certificate does not cover ${nameToVerify(r)}` });
  // The certificates of the other key types reach clients too (those offering only that type's signatures).
  for (const o of otherLeaves(r)) {
    if (!o.trusted) trustCaps.push({ letter: 'T', reason: `the ${o.keyType} certificate is not trusted (${o.trustError ?? 'no reason given'})` });
    const l = o.chain[0]?.cert;
    if (l && !sansCoverHost(l.sans, nameToVerify(r))) trustCaps.push({ letter: 'M', reason: `the ${o.keyType} certificate does not cover ${nameToVerify(r)}` });
  }

  let letter = letterFor(score);
  for (const c of caps) letter = worse(letter, c.letter);
  // A+: HSTS with max-age ≥ 180 days (SSL Labs), nothing capped, no renegotiation weakness.
  const hsts = h?.hsts;
  if (letter === 'A' && !caps.length && !trustCaps.length && hsts?.present && !hsts.invalid && (hsts.maxAge ?? 0) >= 180 * 86400 && r.scan?.secureRenegotiation !== false) {
    letter = 'A+';
  }
  const grade: ProbeGrade = {
    letter,
    score,
    scores: { protocol, keyExchange, cipher },
    caps: [...trustCaps, ...caps].sort((a, b) => rank(b.letter) - rank(a.letter)),
    notes,
  };
  if (trustCaps.length) {
    grade.ignoringTrust = letter;
    grade.letter = trustCaps.some((c) => c.letter === 'M') ? 'M' : 'T';
  }
  return grade;
}

function rank(l: GradeLetter): number {
  return l === 'M' ? 9 : l === 'T' ? 8 : ORDER.indexOf(l);
}

/** One line per cap, for text reports and the webview. */
export function explainGrade(g: ProbeGrade): string[] {
  const lines = [`${g.letter}${g.ignoringTrust ? ` (${g.ignoringTrust} if trust issues are ignored)` : ''}: score ${g.score} (protocol ${g.scores.protocol}, key exchange ${g.scores.keyExchange}, cipher ${g.scores.cipher})`];
  for (const c of g.caps) lines.push(`capped at ${c.letter}: ${c.reason}`);
  for (const n of g.notes) lines.push(`note: ${n}`);
  return lines;
}

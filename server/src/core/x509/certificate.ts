import { X509Certificate as NodeX509Certificate, createHash } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

let x509lib: typeof X509 | undefined;

/**
 * @peculiar/x509 (and the reflect-metadata it needs) is loaded on first use: it costs more
 * start-up time than the rest of the core together, and most runs decode no certificate.
 */
function x509(): typeof X509 {
  if (!x509lib) {
    /* eslint-disable @typescript-eslint/no-require-imports -- deliberate lazy load */
    require('reflect-metadata');
    x509lib = require('@peculiar/x509') as typeof X509;
    /* eslint-enable @typescript-eslint/no-require-imports */
  }
  return x509lib;
}

/**
 * Whether DER bytes are a certificate, by Node's own X.509 parser: fast, and needs no
 * extra module (the hover's full decode uses @peculiar/x509).
 */
export function isCertificateDer(der: Uint8Array): boolean {
  try {
    new NodeX509Certificate(der);
    return true;
  } catch {
    return false;
  }
}

export interface SubjectAltName {
  type: 'DNS' | 'IP' | 'URI' | 'email' | 'other';
  value: string;
}

/** What TLS Lens shows and judges about a certificate. Never holds key material. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  selfIssued: boolean;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  sans: SubjectAltName[];
  /** e.g. "RSA 2048 bits", "EC P-256", "Ed25519". */
  publicKey: { algorithm: string; bits?: number; curve?: string };
  /** e.g. "sha256WithRSAEncryption"-like names: "RSA with SHA-256", "ECDSA with SHA-384". */
  signatureAlgorithm: string;
  sha256Fingerprint: string;
}

export type DecodeResult = { ok: true; cert: CertificateSummary } | { ok: false; error: string };

const cache = new Map<string, DecodeResult>();
const CACHE_LIMIT = 2000;

function colonHex(buf: Buffer): string {
  return buf.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

const SAN_TYPES: Record<string, SubjectAltName['type']> = { dns: 'DNS', ip: 'IP', url: 'URI', email: 'email' };

function describeKey(alg: { name: string; modulusLength?: number; namedCurve?: string }): CertificateSummary['publicKey'] {
  if (alg.name === 'RSASSA-PKCS1-v1_5' || alg.name === 'RSA-PSS' || alg.name === 'RSA-OAEP') {
    return alg.modulusLength === undefined ? { algorithm: 'RSA' } : { algorithm: 'RSA', bits: alg.modulusLength };
  }
  if (alg.name === 'ECDSA' || alg.name === 'ECDH') {
    return alg.namedCurve === undefined ? { algorithm: 'EC' } : { algorithm: 'EC', curve: alg.namedCurve };
  }
  return { algorithm: alg.name };
}

function describeSignature(alg: { name: string; hash?: { name: string } }): string {
  const base =
    alg.name === 'RSASSA-PKCS1-v1_5' ? 'RSA' : alg.name === 'RSA-PSS' ? 'RSA-PSS' : alg.name === 'ECDSA' ? 'ECDSA' : alg.name;
  return alg.hash?.name ? `${base} with ${alg.hash.name}` : base;
}

/** Decodes one DER certificate. Never throws; results are cached by content hash. */
export function decodeCertificate(der: Uint8Array): DecodeResult {
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const sha256 = createHash('sha256').update(bytes).digest();
  const key = sha256.toString('hex');
  const hit = cache.get(key);
  if (hit) return hit;
  let result: DecodeResult;
  try {
    const lib = x509();
    const c = new lib.X509Certificate(bytes);
    const sanExt = c.getExtension(lib.SubjectAlternativeNameExtension);
    const sans: SubjectAltName[] = sanExt
      ? sanExt.names.toJSON().map((n) => ({ type: SAN_TYPES[n.type] ?? 'other', value: String(n.value) }))
      : [];
    let publicKey: CertificateSummary['publicKey'];
    try {
      const alg: unknown = c.publicKey.algorithm;
      publicKey = describeKey(alg as { name: string; modulusLength?: number; namedCurve?: string });
    } catch {
      publicKey = { algorithm: 'unknown' };
    }
    let signatureAlgorithm: string;
    try {
      signatureAlgorithm = describeSignature(c.signatureAlgorithm as { name: string; hash?: { name: string } });
    } catch {
      signatureAlgorithm = 'unknown';
    }
    result = {
      ok: true,
      cert: {
        subject: c.subject,
        issuer: c.issuer,
        selfIssued: c.subject === c.issuer,
        serialNumber: c.serialNumber.toUpperCase(),
        notBefore: c.notBefore,
        notAfter: c.notAfter,
        sans,
        publicKey,
        signatureAlgorithm,
        sha256Fingerprint: colonHex(sha256),
      },
    };
  } catch (e) {
    result = { ok: false, error: `not a valid X.509 certificate (${e instanceof Error ? e.message : String(e)})` };
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, result);
  return result;
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

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function describePublicKey(k: CertificateSummary['publicKey']): string {
  if (k.bits !== undefined) return `${k.algorithm} ${k.bits} bits`;
  if (k.curve !== undefined) return `${k.algorithm} ${k.curve}`;
  return k.algorithm;
}

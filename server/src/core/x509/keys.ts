import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { contentHash } from './certificate';

/**
 * What TLS Lens says about a private key: its algorithm and size, whether it is encrypted,
 * and a hash of its *public* half to match it with a certificate. Never key material.
 */
export interface PrivateKeySummary {
  /** RSA, EC, Ed25519, …; "unknown" when it cannot be read. */
  algorithm: string;
  bits?: number;
  curve?: string;
  /** Encrypted with a passphrase (PKCS#8 EncryptedPrivateKeyInfo or a legacy Proc-Type header): not opened. */
  encrypted: boolean;
  /** SHA-256 of the matching SubjectPublicKeyInfo (hex), compared with `CertificateSummary.spkiSha256`. */
  spkiSha256?: string;
  /** Why the key could not be read (never quoting it). */
  error?: string;
}

const cache = new Map<string, PrivateKeySummary>();
const CACHE_LIMIT = 500;

const CURVE_NAMES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  'P-256': 'P-256',
  'P-384': 'P-384',
  'P-521': 'P-521',
};

/** The DER type node:crypto expects for a PEM label. */
function derType(label: string): 'pkcs8' | 'pkcs1' | 'sec1' | undefined {
  if (label === 'PRIVATE KEY') return 'pkcs8';
  if (label === 'RSA PRIVATE KEY') return 'pkcs1';
  if (label === 'EC PRIVATE KEY') return 'sec1';
  return undefined;
}

/**
 * Describes a private key block by its label and decoded body. `encrypted` is what the PEM
 * headers say (a legacy `Proc-Type: 4,ENCRYPTED`); ENCRYPTED PRIVATE KEY is always encrypted.
 * Never throws; cached by content hash.
 */
export function describePrivateKey(label: string, der: Uint8Array, encrypted = false): PrivateKeySummary {
  if (label === 'ENCRYPTED PRIVATE KEY' || encrypted) return { algorithm: algorithmFromLabel(label), encrypted: true };
  const key = `${label}:${contentHash(der)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let result: PrivateKeySummary;
  const type = derType(label);
  if (!type) result = { algorithm: algorithmFromLabel(label), encrypted: false, error: `unsupported private key type "${label}"` };
  else {
    try {
      const k = createPrivateKey({ key: Buffer.from(der), format: 'der', type });
      result = { ...shape(k), encrypted: false };
      const spki = createPublicKey(k).export({ type: 'spki', format: 'der' });
      result.spkiSha256 = contentHash(spki);
    } catch (e) {
      result = { algorithm: algorithmFromLabel(label), encrypted: false, error: `the private key does not parse (${errorCode(e)})` };
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, result);
  return result;
}

/** A node:crypto error's code, never its message (which could quote input). */
function errorCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'unreadable';
}

function algorithmFromLabel(label: string): string {
  if (label.startsWith('RSA ')) return 'RSA';
  if (label.startsWith('EC ')) return 'EC';
  if (label.startsWith('DSA ')) return 'DSA';
  return 'unknown';
}

function shape(k: KeyObject): Pick<PrivateKeySummary, 'algorithm' | 'bits' | 'curve'> {
  const d = k.asymmetricKeyDetails ?? {};
  switch (k.asymmetricKeyType) {
    case 'rsa':
      return d.modulusLength === undefined ? { algorithm: 'RSA' } : { algorithm: 'RSA', bits: d.modulusLength };
    case 'rsa-pss':
      return d.modulusLength === undefined ? { algorithm: 'RSA-PSS' } : { algorithm: 'RSA-PSS', bits: d.modulusLength };
    case 'ec':
      return d.namedCurve === undefined ? { algorithm: 'EC' } : { algorithm: 'EC', curve: CURVE_NAMES[d.namedCurve] ?? d.namedCurve };
    case 'dsa':
      return d.modulusLength === undefined ? { algorithm: 'DSA' } : { algorithm: 'DSA', bits: d.modulusLength };
    case 'ed25519':
      return { algorithm: 'Ed25519' };
    case 'ed448':
      return { algorithm: 'Ed448' };
    default:
      return { algorithm: k.asymmetricKeyType ?? 'unknown' };
  }
}

/** "RSA 2048 bits", "EC P-256", "encrypted (algorithm not known without the passphrase)". */
export function describePrivateKeyShape(k: PrivateKeySummary): string {
  // A keystore's encrypted key may still be known by its certificate (algorithm and size).
  if (k.encrypted) return k.algorithm === 'unknown' ? 'encrypted (its algorithm is not known without the passphrase)' : `${[k.algorithm, k.bits !== undefined ? `${k.bits} bits` : k.curve].filter(Boolean).join(' ')}, encrypted`;
  if (k.error) return k.error;
  if (k.bits !== undefined) return `${k.algorithm} ${k.bits} bits`;
  if (k.curve !== undefined) return `${k.algorithm} ${k.curve}`;
  return k.algorithm;
}

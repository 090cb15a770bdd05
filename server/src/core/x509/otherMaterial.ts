import { createHash, createPublicKey, verify, constants, type KeyObject } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { TAG, children, expect, readTlv } from './der';
import type { CertificateFact } from './facts';

/**
 * PEM material other than certificates and private keys: certificate requests (PKCS#10,
 * RFC 2986), CRLs (RFC 5280 §5) and public keys (SubjectPublicKeyInfo, RFC 5280 §4.1.2.7).
 * Decoded with @peculiar/x509, loaded on first use: most runs never see such a block.
 */

let x509lib: typeof X509 | undefined;

function x509(): typeof X509 {
  if (!x509lib) {
    /* eslint-disable @typescript-eslint/no-require-imports -- deliberate lazy load */
    require('reflect-metadata');
    x509lib = require('@peculiar/x509') as typeof X509;
    /* eslint-enable @typescript-eslint/no-require-imports */
  }
  return x509lib;
}

/** The PEM labels described here. */
export const OTHER_MATERIAL_LABELS: ReadonlySet<string> = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST', 'X509 CRL', 'PUBLIC KEY']);

export type OtherMaterial = { ok: true; title: string; facts: CertificateFact[] } | { ok: false; error: string };

/** The parts of a WebCrypto algorithm (as @peculiar/x509 reports it) read here. */
interface Alg {
  name: string;
  hash?: { name: string };
  modulusLength?: number;
  namedCurve?: string;
  saltLength?: number;
}

/** @peculiar/x509's algorithm objects, typed by the DOM's WebCrypto types that this build does not include. */
const asAlg = (a: unknown): Alg => a as Alg;

const CURVES: Readonly<Record<string, string>> = { 'P-256': 'P-256', 'P-384': 'P-384', 'P-521': 'P-521', 'K-256': 'secp256k1' };

/** "RSA 2048 bits", "EC P-256", "Ed25519", from @peculiar/x509's algorithm of a public key. */
export function publicKeyShape(alg: Alg): string {
  const name = alg.name;
  if (/^RSA/i.test(name)) return `${name === 'RSA-PSS' ? 'RSA-PSS' : 'RSA'}${alg.modulusLength ? ` ${alg.modulusLength} bits` : ''}`;
  if (name === 'ECDSA' || name === 'ECDH') return `EC${alg.namedCurve ? ` ${CURVES[alg.namedCurve] ?? alg.namedCurve}` : ''}`;
  return name;
}

/** "sha256WithRSAEncryption"-like wording from @peculiar/x509's hashed algorithm: "RSA PKCS#1 v1.5 with SHA-256". */
function signatureName(alg: Alg): string {
  const hash = alg.hash?.name;
  const base = alg.name === 'RSASSA-PKCS1-v1_5' ? 'RSA PKCS#1 v1.5' : alg.name;
  return hash ? `${base} with ${hash}` : base;
}

/**
 * Whether a signed structure (SEQUENCE { tbs, algorithm, BIT STRING signature }) verifies
 * under `key`, read with node:crypto. The signature bytes are taken from the DER itself.
 */
function selfSignatureVerifies(der: Uint8Array, key: KeyObject, alg: Alg): boolean | undefined {
  const outer = readTlv(der, 0);
  const [tbs, , sig] = children(der, expect(outer, TAG.SEQUENCE, 'signed data'));
  if (!tbs || !sig || sig.tag !== TAG.BIT_STRING) return undefined;
  const data = der.subarray(tbs.start, tbs.end);
  const signature = der.subarray(sig.body + 1, sig.end);
  const hash = alg.hash?.name.replace('-', '').toLowerCase() ?? null;
  if (alg.name === 'RSA-PSS') return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength ?? constants.RSA_PSS_SALTLEN_AUTO }, signature);
  if (alg.name === 'RSASSA-PKCS1-v1_5' || alg.name === 'ECDSA' || alg.name === 'Ed25519' || alg.name === 'Ed448') return verify(hash, data, key, signature);
  return undefined;
}

function relativeTime(at: Date, now: Date): string {
  const ms = at.getTime() - now.getTime();
  const abs = Math.abs(ms);
  const n = abs >= 86_400_000 ? `${Math.floor(abs / 86_400_000)} d` : abs >= 3_600_000 ? `${Math.floor(abs / 3_600_000)} h` : `${Math.max(1, Math.floor(abs / 60_000))} min`;
  return ms >= 0 ? `in ${n}` : `${n} ago`;
}

function message(e: unknown): string {
  // Library messages name ASN.1 structures, never the input's bytes.
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 160 ? `${m.slice(0, 160)}…` : m;
}

/** A certificate request: subject, requested SANs, key, signature algorithm and whether its self-signature verifies. */
export function describeCertificateRequest(der: Uint8Array): OtherMaterial {
  try {
    const lib = x509();
    const csr = new lib.Pkcs10CertificateRequest(Uint8Array.from(der));
    const san = csr.getExtension('2.5.29.17');
    const names = san instanceof lib.SubjectAlternativeNameExtension ? san.names.items.map((n) => `${n.type === 'dns' ? 'DNS' : n.type === 'ip' ? 'IP' : n.type === 'url' ? 'URI' : n.type}:${n.value}`) : [];
    const key = csr.publicKey;
    let verifies: boolean | undefined;
    try {
      verifies = selfSignatureVerifies(der, createPublicKey({ key: Buffer.from(key.rawData), format: 'der', type: 'spki' }), asAlg(csr.signatureAlgorithm));
    } catch {
      verifies = false;
    }
    const facts: CertificateFact[] = [
      { label: 'Subject', value: csr.subject || '(empty)' },
      { label: 'Requested SANs', value: names.length ? names.join(', ') : '(none)', items: names },
      { label: 'Key', value: publicKeyShape(asAlg(key.algorithm)) },
      { label: 'Signature', value: signatureName(asAlg(csr.signatureAlgorithm)) },
      { label: 'Self-signature', value: verifies === undefined ? 'not checked (algorithm not supported)' : verifies ? 'verifies' : 'DOES NOT VERIFY' },
    ];
    return { ok: true, title: 'Certificate request', facts };
  } catch (e) {
    return { ok: false, error: `the certificate request does not parse (${message(e)})` };
  }
}

/** A CRL: issuer, thisUpdate/nextUpdate with relative time, number of revoked entries. */
export function describeCrl(der: Uint8Array, now: Date): OtherMaterial {
  try {
    const crl = new (x509().X509Crl)(Uint8Array.from(der));
    const next = crl.nextUpdate;
    const facts: CertificateFact[] = [
      { label: 'Issuer', value: crl.issuer || '(empty)' },
      { label: 'This update', value: `${crl.thisUpdate.toISOString()} (${relativeTime(crl.thisUpdate, now)})` },
      {
        label: 'Next update',
        value: next ? `${next.toISOString()} (${relativeTime(next, now)}${next.getTime() < now.getTime() ? ', stale' : ''})` : '(none)',
      },
      { label: 'Revoked', value: `${crl.entries.length} ${crl.entries.length === 1 ? 'certificate' : 'certificates'}` },
      { label: 'Signature', value: signatureName(asAlg(crl.signatureAlgorithm)) },
    ];
    return { ok: true, title: 'Certificate revocation list', facts };
  } catch (e) {
    return { ok: false, error: `the CRL does not parse (${message(e)})` };
  }
}

/** A public key: algorithm, size or curve, and the SHA-256 of its SubjectPublicKeyInfo (what key pinning compares). */
export function describePublicKeyBlock(der: Uint8Array): OtherMaterial {
  try {
    const key = new (x509().PublicKey)(Uint8Array.from(der));
    const facts: CertificateFact[] = [
      { label: 'Key', value: publicKeyShape(asAlg(key.algorithm)) },
      { label: 'SPKI SHA-256', value: createHash('sha256').update(Buffer.from(key.rawData)).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:'), monospace: true },
    ];
    return { ok: true, title: 'Public key', facts };
  } catch (e) {
    return { ok: false, error: `the public key does not parse (${message(e)})` };
  }
}

/** The description of a CSR, CRL or public key block; undefined for other labels. Never throws. */
export function describeOtherMaterial(label: string, der: Uint8Array, now: Date): OtherMaterial | undefined {
  if (label === 'CERTIFICATE REQUEST' || label === 'NEW CERTIFICATE REQUEST') return describeCertificateRequest(der);
  if (label === 'X509 CRL') return describeCrl(der, now);
  if (label === 'PUBLIC KEY') return describePublicKeyBlock(der);
  return undefined;
}

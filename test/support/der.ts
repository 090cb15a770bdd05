/**
 * A small DER writer for tests that need certificates no generator makes (and OpenSSL still
 * reads): malformed or duplicate extensions, a TBS signature algorithm that differs from the
 * outer one, empty RDNs, odd times, version 4. Certificates are signed for real (ECDSA P-256,
 * node:crypto), so OpenSSL can be asked about them.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

export const seq = (...parts: Uint8Array[]): Buffer => tlv(0x30, ...parts);
export const set = (...parts: Uint8Array[]): Buffer => tlv(0x31, ...parts);
export const octets = (b: Uint8Array): Buffer => tlv(0x04, b);
export const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
export const nul = (): Buffer => Buffer.from([0x05, 0x00]);
export const explicit = (n: number, inner: Uint8Array): Buffer => tlv(0xa0 + n, inner);
export const utf8 = (s: string | Uint8Array): Buffer => tlv(0x0c, typeof s === 'string' ? Buffer.from(s, 'utf8') : s);
export const printable = (s: string): Buffer => tlv(0x13, Buffer.from(s, 'latin1'));
export const utcTime = (s: string): Buffer => tlv(0x17, Buffer.from(s, 'latin1'));
export const generalizedTime = (s: string): Buffer => tlv(0x18, Buffer.from(s, 'latin1'));

export function integer(v: number | Uint8Array): Buffer {
  if (typeof v !== 'number') return tlv(0x02, v);
  const bytes: number[] = [];
  let x = v;
  do {
    bytes.unshift(x & 0xff);
    x = Math.floor(x / 256);
  } while (x > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out: number[] = [a! * 40 + b!];
  for (const n of rest) {
    const groups: number[] = [];
    let v = n;
    do {
      groups.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < groups.length - 1; i++) groups[i]! |= 0x80;
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

export const bitString = (b: Uint8Array): Buffer => tlv(0x03, Buffer.from([0]), b);

/** A Name from RDNs of [attribute OID, value TLV] pairs; an empty RDN is an empty SET. */
export function name(...rdns: Array<Array<[string, Buffer]>>): Buffer {
  return seq(...rdns.map((rdn) => set(...rdn.map(([type, value]) => seq(oid(type), value)))));
}

export function extension(id: string, critical: boolean, value: Uint8Array): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

/** A subjectAltName value from raw GeneralNames: [tag, bytes] (0x82 dNSName, 0x81 rfc822Name, 0x86 URI). */
export function sanValue(...names: Array<[number, Uint8Array | string]>): Buffer {
  return seq(...names.map(([tag, v]) => tlv(tag, typeof v === 'string' ? Buffer.from(v, 'latin1') : v)));
}

export const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
export const ECDSA_SHA384 = seq(oid('1.2.840.10045.4.3.3'));

export interface RawCertificate {
  der: Buffer;
  pem: string;
  key: KeyObject;
  subject: Buffer;
}

export interface RawSpec {
  /** X.509 version number (1–3; 4 is invalid); v1 leaves the field out. */
  version?: number;
  serial?: number;
  /** tbsCertificate.signature (default: the outer algorithm). */
  innerSignature?: Buffer;
  subject?: Buffer;
  issuer?: Buffer;
  notBefore?: Buffer;
  notAfter?: Buffer;
  extensions?: Buffer[];
  /** A SubjectPublicKeyInfo to use instead of the signing key's. */
  spki?: Buffer;
  /** Issued by this certificate (its key and subject) instead of self-signed. */
  issuedBy?: RawCertificate & { subject: Buffer };
}

/** A self-signed ECDSA P-256 / SHA-256 certificate with exactly the given fields. */
export function rawCertificate(spec: RawSpec = {}): RawCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const subject = spec.subject ?? name([['2.5.4.3', utf8('raw.example.test')]]);
  const version = spec.version ?? 3;
  const tbs = seq(
    ...(version === 1 ? [] : [explicit(0, integer(version - 1))]),
    integer(spec.serial ?? 0x1234),
    spec.innerSignature ?? ECDSA_SHA256,
    spec.issuer ?? spec.issuedBy?.subject ?? subject,
    seq(spec.notBefore ?? utcTime('260101000000Z'), spec.notAfter ?? utcTime('361231235959Z')),
    subject,
    spec.spki ?? publicKey.export({ type: 'spki', format: 'der' }),
    ...(spec.extensions?.length ? [tlv(0xa3, seq(...spec.extensions))] : []),
  );
  const signature = sign('sha256', tbs, spec.issuedBy?.key ?? privateKey);
  const der = seq(tbs, ECDSA_SHA256, bitString(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  return { der, pem, key: privateKey, subject };
}

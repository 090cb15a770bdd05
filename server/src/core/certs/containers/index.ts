import { createHash } from 'node:crypto';
import { globMatches } from '../judge';
import type { Host } from '../../host';
import type { Policy } from '../../policy/policy';
import { readBer, berChildren, type BerTlv } from '../../x509/ber';
import { decodeCertificate } from '../../x509/certificate';
import { TAG, oid } from '../../x509/der';
import { isJavaKeystore, readJks } from './jks';
import { readPkcs12 } from './pkcs12';
import { readPkcs7 } from './pkcs7';
import { CONTAINER_TITLES, containerSite, numberCertificates, type ContainerKind, type ContainerRead, type KeystorePassword } from './types';

export type { ContainerKind, ContainerNote, ContainerRead, KeystorePassword } from './types';

/**
 * Binary certificate containers read from a file's bytes (`Host.readFile`), end to end:
 * which kind a file is (`containerKind`), and what it holds (`readContainer`: sites at the
 * file's start, and notes). The engine lints them, the inventory lists them, the details
 * request and the VS Code custom editor show them.
 */

/** File names that may hold a binary container (PEM text under these names is read as text). */
const CONTAINER_NAME = /\.(der|cer|crt|p7b|p7c|p12|pfx|jks|jceks|keystore|truststore)$/i;

/** Whether a file name says it may be a binary certificate container. */
export function isContainerName(path: string): boolean {
  return CONTAINER_NAME.test(path);
}

/** Whether bytes start like text PEM (after a BOM and blank space): those go the text way. */
export function looksLikePemText(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const limit = Math.min(bytes.length, 64 * 1024);
  while (i < limit && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (i >= limit || bytes[i] === 0x30) return false;
  // Text before the first block (openssl x509 -text output, comments) is still text.
  const head = bytes.subarray(i, limit);
  return !head.includes(0) && Buffer.from(head).toString('latin1').includes('-----BEGIN ');
}

const PKCS7_TYPES = new Set(['1.2.840.113549.1.7.2']);

/**
 * What a file is, from its bytes (and its name where the bytes do not say): a Java keystore by
 * its magic number under any name; DER (a certificate, PKCS#7, PKCS#12) under a container's
 * name. PEM text is never a container. Undefined: not a container.
 */
export function containerKind(path: string, bytes: Uint8Array): ContainerKind | undefined {
  if (isJavaKeystore(bytes)) return bytes[0] === 0xce ? 'jceks' : 'jks';
  if (!isContainerName(path) || bytes.length === 0 || looksLikePemText(bytes)) return undefined;
  const byName: ContainerKind | undefined = /\.(p12|pfx)$/i.test(path) ? 'pkcs12' : /\.(p7b|p7c)$/i.test(path) ? 'pkcs7' : /\.(jks|jceks|keystore|truststore)$/i.test(path) ? 'jks' : undefined;
  if (bytes[0] !== 0x30) return byName ?? (looksText(bytes) ? undefined : 'der');
  try {
    const outer = readBer(bytes, 0);
    const [first, second] = berChildren(bytes, outer);
    if (first?.tag === TAG.INTEGER && second?.tag === TAG.SEQUENCE) {
      const t = berChildren(bytes, second)[0];
      if (t?.tag === TAG.OID && oid(bytes, t).startsWith('1.2.840.113549.1.7.')) return 'pkcs12';
    }
    if (first?.tag === TAG.OID && PKCS7_TYPES.has(oid(bytes, first))) return 'pkcs7';
    if (first?.tag === TAG.SEQUENCE && looksLikeTbs(bytes, first)) return 'der';
    // Readable DER that is none of these (a certificate request, DH parameters, a key): not a certificate container.
    return byName;
  } catch {
    // Unreadable DER: the name decides, and the reader says what is wrong.
  }
  return byName ?? 'der';
}

/**
 * Whether a SEQUENCE is a tbsCertificate (RFC 5280 §4.1): a version [0] first, or at least the
 * six fields of a v1 certificate. A CertificationRequestInfo (RFC 2986) has four.
 */
function looksLikeTbs(bytes: Uint8Array, t: BerTlv): boolean {
  try {
    const kids = berChildren(bytes, t);
    return kids[0]?.tag === 0xa0 || kids.length >= 6;
  } catch {
    // Broken inside: call it a certificate, so the decoder says what is wrong.
    return true;
  }
}

/** Bytes that are text (no NUL, valid UTF-8 in the first KiB): a `.crt` of notes, not DER. */
function looksText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 1024);
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head);
    return true;
  } catch {
    return false;
  }
}

function readDer(bytes: Uint8Array): ContainerRead {
  const read: ContainerRead = { kind: 'der', title: CONTAINER_TITLES.der, sites: [], notes: [] };
  const d = decodeCertificate(bytes);
  // One certificate, not a chain a server sends (nginx reads PEM): not judged as a chain.
  const site = containerSite('der', 'CERTIFICATE', { der: bytes, collection: true });
  if (!d.ok) site.problem = { message: d.error, range: site.range };
  read.sites.push(site);
  return read;
}

function readPkcs7File(bytes: Uint8Array): ContainerRead {
  const read: ContainerRead = { kind: 'pkcs7', title: CONTAINER_TITLES.pkcs7, sites: [], notes: [] };
  try {
    const p7 = readPkcs7(bytes);
    read.sites = p7.certificates.map((der) => containerSite('pkcs7', 'CERTIFICATE', { der, container: 'PKCS#7', collection: true }));
    numberCertificates(read.sites);
    if (p7.certificates.length === 0) read.notes.push({ severity: 'info', message: 'it holds no certificate', detailsOnly: p7.crls > 0 });
    if (p7.skipped) read.notes.push({ severity: 'info', message: `${p7.skipped} entr${p7.skipped === 1 ? 'y' : 'ies'} of its certificate set are not X.509 certificates (attribute or other certificates): not shown`, detailsOnly: true });
    if (p7.crls) read.notes.push({ severity: 'info', message: `it also holds ${p7.crls} CRL${p7.crls === 1 ? '' : 's'}, not shown`, detailsOnly: true });
  } catch (e) {
    read.notes.push({ severity: 'error', message: `not a readable PKCS#7 file: ${e instanceof Error ? e.message : String(e)}` });
  }
  return read;
}

const cache = new Map<string, ContainerRead>();
const CACHE_LIMIT = 200;

/** Forgets every container read (benchmarks and measurements time cold reads with it). */
export function clearContainerCache(): void {
  cache.clear();
}

/**
 * Reads a container. Never throws: what cannot be read is a note. Cached by the bytes' and
 * the password's SHA-256 (the password itself is not kept), so a re-lint costs a hash.
 */
export function readContainer(kind: ContainerKind, bytes: Uint8Array, password?: KeystorePassword): ContainerRead {
  const key = createHash('sha256').update(kind).update('\u0000').update(password ? createHash('sha256').update(password.value).update(password.source).digest() : Buffer.alloc(0)).update(bytes).digest('hex');
  const hit = cache.get(key);
  if (hit) return hit;
  let read: ContainerRead;
  try {
    read = kind === 'der' ? readDer(bytes) : kind === 'pkcs7' ? readPkcs7File(bytes) : kind === 'pkcs12' ? readPkcs12(bytes, password) : readJks(bytes, password);
  } catch (e) {
    read = { kind, title: CONTAINER_TITLES[kind], sites: [], notes: [{ severity: 'error', message: `could not be read: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, read);
  return read;
}

/** The environment variable any keystore's password may come from when the policy names none for it. */
export const KEYSTORE_PASSWORD_ENV = 'TLS_LENS_KEYSTORE_PASSWORD';

/**
 * The password for a keystore file: the first `keystorePasswords` entry of the policy whose
 * pattern matches (a literal, or an environment variable it names), else the environment
 * variable TLS_LENS_KEYSTORE_PASSWORD. Never prompted for; only its source is ever shown.
 */
export function keystorePassword(policy: Pick<Policy, 'keystorePasswords'>, host: Pick<Host, 'env'>, file: string): KeystorePassword | undefined {
  for (const entry of policy.keystorePasswords) {
    if (!globMatches(entry.pattern, file)) continue;
    if (entry.password !== undefined) return { value: entry.password, source: `keystorePasswords "${entry.pattern}" in the policy` };
    if (entry.env !== undefined) {
      const v = host.env(entry.env);
      if (v) return { value: v, source: `the environment variable ${entry.env}` };
    }
  }
  // An empty variable is an unset one (the empty password is tried anyway).
  const v = host.env(KEYSTORE_PASSWORD_ENV);
  return v ? { value: v, source: `the environment variable ${KEYSTORE_PASSWORD_ENV}` } : undefined;
}

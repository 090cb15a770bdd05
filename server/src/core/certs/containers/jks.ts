import { createHash, timingSafeEqual } from 'node:crypto';
import { escapeControls } from '../../escape';
import { decodeCertificate } from '../../x509/certificate';
import type { PrivateKeySummary } from '../../x509/keys';
import { CONTAINER_TITLES, containerSite, numberCertificates, type ContainerNote, type ContainerRead, type KeystorePassword } from './types';

/**
 * Java keystores: JKS (magic 0xFEEDFEED) and JCEKS (0xCECECECE), the format of Sun's
 * `sun.security.provider.JavaKeyStore` and `com.sun.crypto.provider.JceKeyStore`. Certificates
 * are stored unencrypted, so they are read without the store password; private-key entries
 * are shown by alias and by the algorithm of their certificate (the key itself stays
 * encrypted); JCEKS secret-key entries by alias. With a password, the store's integrity
 * digest (SHA-1 over the password, "Mighty Aphrodite" and the contents) is checked.
 */

class JksError extends Error {}

/** The stream of a keystore, every read bounds-checked. */
class Reader {
  p = 0;
  constructor(readonly b: Uint8Array) {}
  need(n: number, what: string): void {
    if (n < 0 || this.p + n > this.b.length) throw new JksError(`${what}: ${n} bytes needed at offset ${this.p}, ${Math.max(0, this.b.length - this.p)} left (truncated?)`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.b[this.p++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = (this.b[this.p]! << 8) | this.b[this.p + 1]!;
    this.p += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = ((this.b[this.p]! << 24) >>> 0) + (this.b[this.p + 1]! << 16) + (this.b[this.p + 2]! << 8) + this.b[this.p + 3]!;
    this.p += 4;
    return v;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.b.subarray(this.p, this.p + n);
    this.p += n;
    return out;
  }
  /** Java's modified UTF-8 with a 2-byte length (DataInput.readUTF). */
  utf(what: string): string {
    const n = this.u16(what);
    return Buffer.from(this.bytes(n, what)).toString('utf8');
  }
}

const MAGIC = { jks: 0xfeedfeed, jceks: 0xcececece } as const;

/** Skips one Java-serialized object (a JCEKS SealedObject): just enough of the stream grammar (Java Object Serialization Specification §6.4). */
function skipSerialized(r: Reader): void {
  if (r.u16('serialization magic') !== 0xaced || r.u16('serialization version') !== 5) throw new JksError('a secret-key entry that is not a Java serialization stream');
  interface Desc {
    name: string;
    flags: number;
    fields: Array<{ type: string; cls?: string }>;
    super: Desc | null;
  }
  const handles: unknown[] = [];
  let steps = 0;
  const step = (): void => {
    if (++steps > 20_000) throw new JksError('a secret-key entry too complex to skip');
  };
  const string = (tc: number): string => {
    if (tc === 0x74) {
      const s = r.utf('serialized string');
      handles.push(s);
      return s;
    }
    if (tc === 0x7c) throw new JksError('a long string in a secret-key entry');
    if (tc === 0x71) {
      const h = handles[r.u32('reference') - 0x7e0000];
      return typeof h === 'string' ? h : '';
    }
    throw new JksError(`serialized type code 0x${tc.toString(16)} where a string belongs`);
  };
  const annotation = (depth: number): void => {
    for (;;) {
      step();
      const tc = r.u8('annotation');
      if (tc === 0x78) return;
      if (tc === 0x77) r.bytes(r.u8('block size'), 'block data');
      else if (tc === 0x7a) r.bytes(r.u32('block size'), 'block data');
      else content(tc, depth + 1);
    }
  };
  const classDesc = (tc: number, depth: number): Desc | null => {
    step();
    if (tc === 0x70) return null;
    if (tc === 0x71) {
      const h = handles[r.u32('reference') - 0x7e0000];
      if (!h || typeof h !== 'object') throw new JksError('a reference to an unknown class description');
      return h as Desc;
    }
    if (tc !== 0x72) throw new JksError(`serialized type code 0x${tc.toString(16)} where a class description belongs`);
    const desc: Desc = { name: r.utf('class name'), flags: 0, fields: [], super: null };
    r.bytes(8, 'serialVersionUID');
    handles.push(desc);
    desc.flags = r.u8('class flags');
    const count = r.u16('field count');
    for (let i = 0; i < count; i++) {
      const type = String.fromCharCode(r.u8('field type'));
      r.utf('field name');
      desc.fields.push(type === '[' || type === 'L' ? { type, cls: string(r.u8('field class')) } : { type });
    }
    annotation(depth);
    desc.super = classDesc(r.u8('superclass'), depth + 1);
    return desc;
  };
  const SIZES: Readonly<Record<string, number>> = { B: 1, C: 2, D: 8, F: 4, I: 4, J: 8, S: 2, Z: 1 };
  const value = (type: string, depth: number): void => {
    const size = SIZES[type];
    if (size !== undefined) r.bytes(size, 'field value');
    else content(r.u8('field value'), depth + 1);
  };
  const content = (tc: number, depth: number): void => {
    step();
    if (depth > 16) throw new JksError('a secret-key entry nested too deeply');
    switch (tc) {
      case 0x70:
        return;
      case 0x71:
        r.u32('reference');
        return;
      case 0x74:
      case 0x7c:
        string(tc);
        return;
      case 0x75: {
        const desc = classDesc(r.u8('array class'), depth);
        handles.push({});
        const n = r.u32('array length');
        const component = desc?.name.slice(1, 2) ?? 'B';
        if (SIZES[component] !== undefined) r.bytes(n * SIZES[component], 'array');
        else for (let i = 0; i < n; i++) content(r.u8('array element'), depth + 1);
        return;
      }
      case 0x73: {
        const desc = classDesc(r.u8('object class'), depth);
        handles.push({});
        const chain: Desc[] = [];
        for (let d = desc; d; d = d.super) chain.unshift(d);
        for (const d of chain) {
          if (d.flags & 0x04) {
            if (!(d.flags & 0x08)) throw new JksError('an externalizable object in a secret-key entry');
            annotation(depth);
            continue;
          }
          for (const f of d.fields) value(f.type, depth);
          if (d.flags & 0x01) annotation(depth);
        }
        return;
      }
      case 0x7e:
        classDesc(r.u8('enum class'), depth);
        handles.push({});
        string(r.u8('enum constant'));
        return;
      case 0x76:
        classDesc(r.u8('class'), depth);
        handles.push({});
        return;
      default:
        throw new JksError(`serialized type code 0x${tc.toString(16)} in a secret-key entry`);
    }
  };
  content(r.u8('secret-key object'), 0);
}

/** The store password as Sun's keystores hash it: UTF-16BE without a terminator. */
function passwordBytes(password: string): Buffer {
  return Buffer.from(password, 'utf16le').swap16();
}

function keyFromCertificate(der: Uint8Array | undefined): PrivateKeySummary {
  const d = der ? decodeCertificate(der) : undefined;
  if (!d?.ok) return { algorithm: 'unknown', encrypted: true };
  const k = d.cert.publicKey;
  return { algorithm: k.algorithm, ...(k.bits !== undefined ? { bits: k.bits } : {}), ...(k.curve !== undefined ? { curve: k.curve } : {}), encrypted: true };
}

export function readJks(bytes: Uint8Array, given: KeystorePassword | undefined): ContainerRead {
  const r = new Reader(bytes);
  const magic = bytes.length >= 4 ? r.u32('magic') : 0;
  const kind = magic === MAGIC.jceks ? 'jceks' : 'jks';
  const name = kind === 'jceks' ? 'JCEKS' : 'JKS';
  const read: ContainerRead = { kind, title: CONTAINER_TITLES[kind], sites: [], notes: [] };
  const notes: ContainerNote[] = read.notes;
  const secretKeys: string[] = [];
  try {
    if (magic !== MAGIC.jks && magic !== MAGIC.jceks) throw new JksError('not a Java keystore (no JKS or JCEKS magic number)');
    const version = r.u32('version');
    if (version !== 1 && version !== 2) throw new JksError(`keystore version ${version} (1 and 2 exist)`);
    const count = r.u32('entry count');
    if (count > bytes.length / 12) throw new JksError(`${count} entries claimed in ${bytes.length} bytes`);
    const cert = (what: string): Uint8Array => {
      if (version === 2) {
        const type = r.utf(`${what} type`);
        if (type !== 'X.509') throw new JksError(`${what} of type ${escapeControls(type)}`);
      }
      return r.bytes(r.u32(`${what} length`), what);
    };
    for (let i = 0; i < count; i++) {
      const tag = r.u32('entry tag');
      const alias = escapeControls(r.utf('alias'));
      r.bytes(8, 'timestamp');
      if (tag === 1) {
        r.bytes(r.u32('key length'), 'protected key');
        const n = r.u32('chain length');
        if (n > 100) throw new JksError(`entry "${alias}" claims a chain of ${n} certificates`);
        const chain: Uint8Array[] = [];
        for (let k = 0; k < n; k++) chain.push(cert(`certificate ${k + 1} of entry "${alias}"`));
        const group = `${name} entry "${alias}"`;
        const certs = chain.map((der) => containerSite(kind, 'CERTIFICATE', { der, container: `${group} (private key's chain)`, group }));
        numberCertificates(certs);
        read.sites.push(containerSite(kind, 'PRIVATE KEY', { container: `${group} (private key)`, group, encrypted: true, keySummary: keyFromCertificate(chain[0]) }), ...certs);
      } else if (tag === 2) {
        read.sites.push(containerSite(kind, 'CERTIFICATE', { der: cert(`certificate of entry "${alias}"`), container: `${name} entry "${alias}" (trusted certificate)` }));
      } else if (tag === 3 && kind === 'jceks') {
        secretKeys.push(alias);
        skipSerialized(r);
      } else throw new JksError(`entry "${alias}" has the unknown tag ${tag}`);
    }
    const end = r.p;
    r.need(20, 'integrity digest');
    const digest = r.bytes(20, 'integrity digest');
    if (r.p !== bytes.length) notes.push({ severity: 'warning', message: `${bytes.length - r.p} bytes after the keystore's integrity digest` });
    if (given) {
      const h = createHash('sha1').update(passwordBytes(given.value)).update('Mighty Aphrodite', 'utf8').update(bytes.subarray(0, end)).digest();
      if (timingSafeEqual(h, Buffer.from(digest))) notes.push({ severity: 'info', message: `its integrity digest verifies with the password from ${given.source}`, detailsOnly: true });
      else notes.push({ severity: 'warning', message: `its integrity digest does not verify with the password from ${given.source} (a wrong password, or a modified file); its certificates are shown as stored` });
    } else {
      notes.push({ severity: 'info', message: `certificates are stored unencrypted and read without the store password; its integrity is not checked (no password: keystorePasswords in .tls-lens.yaml or TLS_LENS_KEYSTORE_PASSWORD)`, detailsOnly: true });
    }
  } catch (e) {
    notes.push({ severity: 'error', message: `not a readable ${name} keystore: ${e instanceof Error ? e.message : String(e)}${read.sites.length ? ' (the entries before are shown)' : ''}` });
  }
  if (secretKeys.length) notes.push({ severity: 'info', message: `secret-key entr${secretKeys.length === 1 ? 'y' : 'ies'} ${secretKeys.map((a) => `"${a}"`).join(', ')}: not shown (no certificate)`, detailsOnly: true });
  return read;
}

export function isJavaKeystore(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const m = ((bytes[0]! << 24) >>> 0) + (bytes[1]! << 16) + (bytes[2]! << 8) + bytes[3]!;
  return m === MAGIC.jks || m === MAGIC.jceks;
}

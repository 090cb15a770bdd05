import * as crypto from 'node:crypto';
import { createDecipheriv, createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { berChildren, berExpect, berOctets, type BerTlv } from '../../x509/ber';
import { DerError, TAG, oid, smallInt } from '../../x509/der';

/**
 * Password-based encryption and integrity of PKCS#12 (RFC 7292) with node:crypto: the PKCS#12
 * key derivation (Appendix B.2) for the MAC and the legacy pbeWithSHAAnd… schemes, and PBES2
 * with PBKDF2 (RFC 8018 §6.2) for what OpenSSL 3 and Java 17 write by default. The password
 * is only ever an argument here: never kept, logged or put in a message.
 */

/** An encryption scheme this Node cannot run (RC2, RC4 are in OpenSSL 3's legacy provider only). */
export class PbeUnsupported extends Error {}

/** The password does not decrypt the data (bad padding): a wrong password, or damage. */
export class PbeWrongPassword extends Error {}

/**
 * Key-derivation work one file may cost, in PBKDF2-HMAC iterations (a PKCS#12-KDF iteration,
 * a hash call from JavaScript, counts five): about a sixth of a second on one core. A file
 * asking for more is not opened further, so no file makes a lint slow. OpenSSL 3's defaults
 * (2048 iterations) cost about 1 % of it, Java 17's (10000) about 7 %.
 */
export class WorkBudget {
  constructor(private left = 1_000_000) {}
  spend(units: number, what: string): void {
    if (units > this.left) throw new PbeUnsupported(`${what} asks for ${units.toLocaleString('en-US')} iterations of key derivation, more than TLS Lens spends on one file`);
    this.left -= units;
  }
}

const HASHES: Readonly<Record<string, { name: string; u: number; v: number }>> = {
  '1.3.14.3.2.26': { name: 'sha1', u: 20, v: 64 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', u: 28, v: 64 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', u: 32, v: 64 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', u: 48, v: 128 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', u: 64, v: 128 },
  '1.2.840.113549.2.5': { name: 'md5', u: 16, v: 64 },
};

/** PBKDF2's PRFs (RFC 8018 §B.1). */
const HMACS: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

/** PBES2 encryption schemes: node:crypto name and key length. */
const CIPHERS: Readonly<Record<string, { name: string; key: number }>> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', key: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', key: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', key: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', key: 24 },
};

/** The PKCS#12 PBE schemes (RFC 7292 Appendix C): node:crypto cipher, key and IV lengths. */
const PKCS12_PBE: Readonly<Record<string, { label: string; cipher: string; key: number; iv: number }>> = {
  '1.2.840.113549.1.12.1.1': { label: 'pbeWithSHAAnd128BitRC4', cipher: 'rc4', key: 16, iv: 0 },
  '1.2.840.113549.1.12.1.2': { label: 'pbeWithSHAAnd40BitRC4', cipher: 'rc4-40', key: 5, iv: 0 },
  '1.2.840.113549.1.12.1.3': { label: 'pbeWithSHAAnd3-KeyTripleDES-CBC', cipher: 'des-ede3-cbc', key: 24, iv: 8 },
  '1.2.840.113549.1.12.1.4': { label: 'pbeWithSHAAnd2-KeyTripleDES-CBC', cipher: 'des-ede-cbc', key: 16, iv: 8 },
  '1.2.840.113549.1.12.1.5': { label: 'pbeWithSHAAnd128BitRC2-CBC', cipher: 'rc2-cbc', key: 16, iv: 8 },
  '1.2.840.113549.1.12.1.6': { label: 'pbeWithSHAAnd40BitRC2-CBC', cipher: 'rc2-40-cbc', key: 5, iv: 8 },
};

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const PBMAC1 = '1.2.840.113549.1.5.14';

/** One hash of a buffer: node:crypto's one-shot `hash` where this Node has it (about 1.5× faster in a loop), else createHash. */
const oneShot = (crypto as unknown as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash;
function digest(name: string, data: Buffer): Buffer {
  return oneShot ? oneShot(name, data, 'buffer') : createHash(name).update(data).digest();
}

/** A password as the PKCS#12 KDF takes it: BMPString (UTF-16BE) with two zero bytes; `null` is no password at all. */
export function bmpPassword(password: string | null): Buffer {
  if (password === null) return Buffer.alloc(0);
  const b = Buffer.from(password + '\u0000', 'utf16le');
  return b.swap16();
}

/** RFC 7292 Appendix B.2: `n` bytes of key (id 1), IV (2) or MAC key (3). */
export function pkcs12Kdf(hash: { name: string; u: number; v: number }, password: Buffer, salt: Uint8Array, iterations: number, id: 1 | 2 | 3, n: number): Buffer {
  const { name, u, v } = hash;
  const fill = (b: Uint8Array, len: number): Buffer => {
    const out = Buffer.alloc(len);
    for (let i = 0; i < len; i++) out[i] = b[i % b.length]!;
    return out;
  };
  const D = Buffer.alloc(v, id);
  const S = salt.length ? fill(salt, v * Math.ceil(salt.length / v)) : Buffer.alloc(0);
  const P = password.length ? fill(password, v * Math.ceil(password.length / v)) : Buffer.alloc(0);
  const I = Buffer.concat([S, P]);
  const out: Buffer[] = [];
  const blocks = Math.ceil(n / u);
  for (let i = 0; i < blocks; i++) {
    let A: Buffer = createHash(name).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = digest(name, A);
    out.push(A);
    if (i + 1 < blocks) {
      const B = fill(A, v);
      // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I.
      for (let j = 0; j < I.length; j += v) {
        let carry = 1;
        for (let k = v - 1; k >= 0; k--) {
          const sum = I[j + k]! + B[k]! + carry;
          I[j + k] = sum & 0xff;
          carry = sum >> 8;
        }
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

function algorithm(bytes: Uint8Array, alg: BerTlv): { id: string; params: BerTlv | undefined } {
  const [idTlv, params] = berChildren(bytes, berExpect(alg, TAG.SEQUENCE, 'AlgorithmIdentifier'));
  return { id: oid(bytes, berExpect(idTlv, TAG.OID, 'algorithm')), params };
}

function iterationsOf(bytes: Uint8Array, t: BerTlv | undefined, what: string): number {
  if (!t) return 1;
  const n = smallInt(bytes, t);
  if (n < 1) throw new DerError(`${what}: iteration count ${n}`);
  return n;
}

function decipher(cipher: string, key: Buffer, iv: Buffer | null, data: Uint8Array, label: string): Buffer {
  let d;
  try {
    d = createDecipheriv(cipher, key, iv);
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (/UNSUPPORTED|INVALID_CIPHER|UNKNOWN_CIPHER/i.test(code) || /Unknown cipher|unsupported/i.test(String(e))) {
      throw new PbeUnsupported(`${label} (${cipher}) is not available in this Node's crypto (OpenSSL 3 keeps RC2 and RC4 in its legacy provider)`);
    }
    throw e;
  }
  try {
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    throw new PbeWrongPassword('the password does not decrypt it');
  }
}

/** A short name of an encryption AlgorithmIdentifier, for notes ("PBES2 with AES-256-CBC", "pbeWithSHAAnd40BitRC2-CBC"). */
export function encryptionName(bytes: Uint8Array, alg: BerTlv): string {
  try {
    const { id, params } = algorithm(bytes, alg);
    if (PKCS12_PBE[id]) return PKCS12_PBE[id].label;
    if (id === PBES2 && params) {
      const [, enc] = berChildren(bytes, params);
      const encId = enc ? algorithm(bytes, enc).id : '';
      return `PBES2 with ${CIPHERS[encId]?.name.toUpperCase() ?? encId}`;
    }
    return id;
  } catch {
    return 'an unreadable algorithm';
  }
}

/**
 * Decrypts data encrypted with a password-based scheme (PBES2/PBKDF2 with AES or 3DES, or a
 * PKCS#12 pbeWithSHAAnd… scheme). Throws `PbeUnsupported` for schemes this Node cannot run,
 * `PbeWrongPassword` when the result does not unpad, `DerError` for malformed parameters.
 */
export function pbeDecrypt(bytes: Uint8Array, alg: BerTlv, data: Uint8Array, password: string | null, budget: WorkBudget): Buffer {
  const { id, params } = algorithm(bytes, alg);
  const legacy = PKCS12_PBE[id];
  if (legacy) {
    const [salt, iter] = berChildren(bytes, berExpect(params, TAG.SEQUENCE, `${legacy.label} parameters`));
    const s = berOctets(bytes, berExpect(salt, TAG.OCTET_STRING, 'salt'));
    const n = iterationsOf(bytes, iter, legacy.label);
    budget.spend(n * 5 * (legacy.iv ? 2 : 1), legacy.label);
    const hash = HASHES['1.3.14.3.2.26']!;
    const pw = bmpPassword(password);
    const key = pkcs12Kdf(hash, pw, s, n, 1, legacy.key);
    const iv = legacy.iv ? pkcs12Kdf(hash, pw, s, n, 2, legacy.iv) : null;
    return decipher(legacy.cipher, key, iv, data, legacy.label);
  }
  if (id === PBES2) {
    const [kdf, enc] = berChildren(bytes, berExpect(params, TAG.SEQUENCE, 'PBES2 parameters'));
    const k = algorithm(bytes, berExpect(kdf, TAG.SEQUENCE, 'keyDerivationFunc'));
    if (k.id !== PBKDF2) throw new PbeUnsupported(`PBES2 with the key derivation ${k.id} (only PBKDF2 is read)`);
    const e = algorithm(bytes, berExpect(enc, TAG.SEQUENCE, 'encryptionScheme'));
    const cipher = CIPHERS[e.id];
    if (!cipher) throw new PbeUnsupported(`PBES2 with the cipher ${e.id} (AES-CBC and 3DES-CBC are read)`);
    const iv = berOctets(bytes, berExpect(e.params, TAG.OCTET_STRING, 'IV'));
    const kp = berChildren(bytes, berExpect(k.params, TAG.SEQUENCE, 'PBKDF2 parameters'));
    const salt = berOctets(bytes, berExpect(kp[0], TAG.OCTET_STRING, 'PBKDF2 salt'));
    const n = iterationsOf(bytes, berExpect(kp[1], TAG.INTEGER, 'PBKDF2 iterationCount'), 'PBKDF2');
    let keyLength = cipher.key;
    let prf = 'sha1';
    for (const extra of kp.slice(2)) {
      if (extra.tag === TAG.INTEGER) keyLength = smallInt(bytes, extra);
      else if (extra.tag === TAG.SEQUENCE) {
        const p = algorithm(bytes, extra).id;
        const h = HMACS[p];
        if (!h) throw new PbeUnsupported(`PBKDF2 with the PRF ${p}`);
        prf = h;
      }
    }
    if (keyLength !== cipher.key) throw new DerError(`PBKDF2 keyLength ${keyLength} does not fit ${cipher.name}`);
    budget.spend(n, 'PBKDF2');
    const key = pbkdf2Sync(Buffer.from(password ?? '', 'utf8'), salt, n, keyLength, prf);
    return decipher(cipher.name, key, Buffer.from(iv), data, `PBES2 with ${cipher.name}`);
  }
  throw new PbeUnsupported(`the encryption scheme ${id} (PBES2 and pbeWithSHAAnd3-KeyTripleDES-CBC are read)`);
}

/** The outcome of a PKCS#12 MAC check (RFC 7292 §5.1; PBMAC1, RFC 9579, is named but not computed). */
export type MacCheck = 'ok' | 'mismatch' | { unsupported: string };

/** Checks the MacData of a PFX over the authSafe octets with one password. */
export function checkMac(bytes: Uint8Array, macData: BerTlv, authSafe: Uint8Array, password: string | null, budget: WorkBudget): MacCheck {
  const [mac, saltTlv, iterTlv] = berChildren(bytes, berExpect(macData, TAG.SEQUENCE, 'MacData'));
  const [digestAlg, digest] = berChildren(bytes, berExpect(mac, TAG.SEQUENCE, 'DigestInfo'));
  const { id } = algorithm(bytes, berExpect(digestAlg, TAG.SEQUENCE, 'digestAlgorithm'));
  if (id === PBMAC1) return { unsupported: 'PBMAC1 (RFC 9579)' };
  const hash = HASHES[id];
  if (!hash) return { unsupported: `the MAC digest ${id}` };
  const expected = berOctets(bytes, berExpect(digest, TAG.OCTET_STRING, 'MAC digest'));
  const salt = berOctets(bytes, berExpect(saltTlv, TAG.OCTET_STRING, 'macSalt'));
  const n = iterTlv ? iterationsOf(bytes, berExpect(iterTlv, TAG.INTEGER, 'MAC iterations'), 'MAC') : 1;
  budget.spend(n * 5, 'the MAC');
  const key = pkcs12Kdf(hash, bmpPassword(password), salt, n, 3, hash.u);
  const got = createHmac(hash.name, key).update(authSafe).digest();
  return got.length === expected.length && timingSafeEqual(got, expected) ? 'ok' : 'mismatch';
}

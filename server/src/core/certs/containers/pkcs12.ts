import { berChildren, berExpect, berOctets, readBer, type BerTlv } from '../../x509/ber';
import { decodeCertificate } from '../../x509/certificate';
import { DerError, TAG, hex, oid, smallInt } from '../../x509/der';
import { describePrivateKey, type PrivateKeySummary } from '../../x509/keys';
import type { MaterialSite } from '../sites';
import { PbeUnsupported, PbeWrongPassword, WorkBudget, checkMac, encryptionName, pbeDecrypt } from './pbe';
import { CONTAINER_TITLES, containerSite, numberCertificates, type ContainerNote, type ContainerRead, type KeystorePassword } from './types';

/**
 * PKCS#12 (RFC 7292): the certificate bags of a `.p12`/`.pfx`, and its private keys by shape
 * only. Unencrypted parts are always read; encrypted ones (OpenSSL 3 and Java 17 encrypt the
 * certificates too) with the password the policy or the environment gives, else the empty
 * password when the MAC says it is the one. Without a usable password, encrypted parts are a
 * note saying how to supply one. Never throws.
 */

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  crlBag: '1.2.840.113549.1.12.10.1.4',
  secretBag: '1.2.840.113549.1.12.10.1.5',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
} as const;

/** Where to say a password goes, in every note that asks for one. */
export const PASSWORD_HINT = 'set keystorePasswords for this file in .tls-lens.yaml (a literal or { env: NAME }) or the environment variable TLS_LENS_KEYSTORE_PASSWORD';

interface Bag {
  kind: 'certificate' | 'key' | 'encrypted key';
  der?: Uint8Array;
  name?: string;
  localKeyId?: string;
  /** The scheme of an encrypted key that was not opened. */
  scheme?: string;
}

interface State {
  password: string | null | undefined;
  /** The MAC verified with `password`: a failed decryption is damage, not a wrong password. */
  verified: boolean;
  budget: WorkBudget;
  bags: Bag[];
  notes: ContainerNote[];
  /** Encrypted parts left closed, by the scheme that protects them. */
  closed: { certificates: string[]; keys: string[] };
  others: { crls: number; secrets: number; other: number };
}

/** `[0] IMPLICIT OCTET STRING`, primitive or constructed (BER). */
function implicitOctets(bytes: Uint8Array, t: BerTlv): Uint8Array {
  if (!(t.tag & 0x20)) return bytes.subarray(t.body, t.contentEnd);
  return Buffer.concat(berChildren(bytes, t).map((c) => berOctets(bytes, c)));
}

function attributes(bytes: Uint8Array, set: BerTlv | undefined): { name?: string; localKeyId?: string } {
  const out: { name?: string; localKeyId?: string } = {};
  if (!set || set.tag !== TAG.SET) return out;
  for (const attr of berChildren(bytes, set)) {
    const [type, values] = berChildren(bytes, attr);
    if (!type || !values) continue;
    const id = oid(bytes, type);
    const value = berChildren(bytes, values)[0];
    if (!value) continue;
    if (id === OID.friendlyName && value.tag === 0x1e) {
      const b = Buffer.from(bytes.subarray(value.body, value.contentEnd));
      if (b.length % 2 === 0) out.name = b.swap16().toString('utf16le');
    } else if (id === OID.localKeyId && value.tag === TAG.OCTET_STRING) {
      out.localKeyId = hex(berOctets(bytes, value));
    }
  }
  return out;
}

function readSafeContents(bytes: Uint8Array, st: State, depth: number): void {
  const seq = readBer(bytes, 0);
  for (const bag of berChildren(bytes, berExpect(seq, TAG.SEQUENCE, 'SafeContents'))) {
    const [idTlv, explicit, attrs] = berChildren(bytes, berExpect(bag, TAG.SEQUENCE, 'SafeBag'));
    const id = oid(bytes, berExpect(idTlv, TAG.OID, 'bagId'));
    const value = berChildren(bytes, berExpect(explicit, 0xa0, 'bagValue'))[0];
    if (!value) throw new DerError('a SafeBag without its value');
    const meta = attributes(bytes, attrs);
    const withMeta = (b: Bag): Bag => ({ ...b, ...(meta.name !== undefined ? { name: meta.name } : {}), ...(meta.localKeyId !== undefined ? { localKeyId: meta.localKeyId } : {}) });
    switch (id) {
      case OID.certBag: {
        const [certId, certValue] = berChildren(bytes, berExpect(value, TAG.SEQUENCE, 'CertBag'));
        if (oid(bytes, berExpect(certId, TAG.OID, 'certId')) !== OID.x509Certificate) {
          st.others.other++;
          break;
        }
        const octets = berChildren(bytes, berExpect(certValue, 0xa0, 'certValue'))[0];
        st.bags.push(withMeta({ kind: 'certificate', der: berOctets(bytes, berExpect(octets, TAG.OCTET_STRING, 'certificate')) }));
        break;
      }
      case OID.keyBag:
        st.bags.push(withMeta({ kind: 'key', der: bytes.subarray(value.start, value.end) }));
        break;
      case OID.shroudedKeyBag: {
        const [alg, data] = berChildren(bytes, berExpect(value, TAG.SEQUENCE, 'EncryptedPrivateKeyInfo'));
        const scheme = encryptionName(bytes, berExpect(alg, TAG.SEQUENCE, 'encryptionAlgorithm'));
        const plain = st.password === undefined ? undefined : open(bytes, alg!, berOctets(bytes, berExpect(data, TAG.OCTET_STRING, 'encryptedData')), st, 'the private key');
        if (plain) st.bags.push(withMeta({ kind: 'key', der: plain }));
        else {
          st.bags.push(withMeta({ kind: 'encrypted key', scheme }));
          if (st.password === undefined) st.closed.keys.push(scheme);
        }
        break;
      }
      case OID.safeContentsBag:
        if (depth > 4) throw new DerError('SafeContents nested too deeply');
        readSafeContents(bytes.subarray(value.start, value.end), st, depth + 1);
        break;
      case OID.crlBag:
        st.others.crls++;
        break;
      case OID.secretBag:
        st.others.secrets++;
        break;
      default:
        st.others.other++;
    }
  }
}

/** Decrypts one part; a note instead of a throw when it cannot be. */
function open(bytes: Uint8Array, alg: BerTlv, data: Uint8Array, st: State, what: string): Uint8Array | undefined {
  try {
    return pbeDecrypt(bytes, alg, data, st.password ?? null, st.budget);
  } catch (e) {
    if (e instanceof PbeUnsupported) st.notes.push({ severity: 'info', message: `${what} is not read: ${e.message}; re-export it with a supported scheme (openssl pkcs12 -export -certpbe AES-256-CBC -keypbe AES-256-CBC)` });
    else if (e instanceof PbeWrongPassword) {
      st.notes.push(
        st.verified
          ? { severity: 'error', message: `${what} does not decrypt with the password its MAC accepts: the file is damaged` }
          : { severity: 'warning', message: `${what} does not decrypt with the password given (a wrong password?)` },
      );
    } else st.notes.push({ severity: 'error', message: `${what} does not parse: ${e instanceof Error ? e.message : String(e)}` });
    return undefined;
  }
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function readPkcs12(bytes: Uint8Array, given: KeystorePassword | undefined): ContainerRead {
  const read: ContainerRead = { kind: 'pkcs12', title: CONTAINER_TITLES.pkcs12, sites: [], notes: [] };
  let refused = false;
  const st: State = { password: undefined, verified: false, budget: new WorkBudget(), bags: [], notes: read.notes, closed: { certificates: [], keys: [] }, others: { crls: 0, secrets: 0, other: 0 } };
  try {
    const pfx = berExpect(readBer(bytes, 0), TAG.SEQUENCE, 'PFX');
    const [version, authSafe, macData] = berChildren(bytes, pfx);
    const v = smallInt(bytes, berExpect(version, TAG.INTEGER, 'version'));
    if (v !== 3) throw new DerError(`PFX version ${v} (RFC 7292 defines 3)`);
    const [type, content] = berChildren(bytes, berExpect(authSafe, TAG.SEQUENCE, 'authSafe'));
    const typeId = oid(bytes, berExpect(type, TAG.OID, 'authSafe contentType'));
    if (typeId === OID.signedData) {
      read.notes.push({ severity: 'info', message: 'its contents are signed (public-key integrity mode), which TLS Lens does not read' });
      return read;
    }
    if (typeId !== OID.data) throw new DerError(`authSafe of type ${typeId}`);
    const safe = berOctets(bytes, berExpect(berChildren(bytes, berExpect(content, 0xa0, 'authSafe content'))[0], TAG.OCTET_STRING, 'authSafe data'));

    // The password: the one given, else the empty one or none when the MAC says so (RFC 7292 §B.1; OpenSSL tries both).
    const candidates: Array<string | null> = given ? [given.value, ''] : ['', null];
    if (macData) {
      let unsupported: string | undefined;
      for (const c of candidates) {
        const r = checkMac(bytes, macData, safe, c, st.budget);
        if (r === 'ok') {
          st.password = c;
          st.verified = true;
          break;
        }
        if (r !== 'mismatch') {
          unsupported = r.unsupported;
          break;
        }
      }
      if (unsupported) {
        st.password = given?.value ?? '';
        read.notes.push({ severity: 'info', message: `its integrity (${unsupported}) is not checked by TLS Lens`, detailsOnly: true });
      } else if (!st.verified && given) {
        refused = true;
        read.notes.push({ severity: 'warning', message: `the password from ${given.source} does not open it: its MAC does not verify (a wrong password, or a damaged file), so its encrypted parts are not read` });
      } else if (st.verified) {
        const empty = st.password !== given?.value;
        read.notes.push({ severity: 'info', message: !empty ? `opened with the password from ${given!.source} (its MAC verifies)` : `opened without a password (its MAC verifies with the empty one${given ? `; the password from ${given.source} is not needed` : ''})`, detailsOnly: true });
      }
    } else {
      st.password = given?.value ?? '';
      read.notes.push({ severity: 'info', message: 'it has no MAC: its integrity cannot be checked', detailsOnly: true });
    }

    const infos = berChildren(safe, berExpect(readBer(safe, 0), TAG.SEQUENCE, 'AuthenticatedSafe'));
    infos.forEach((info, i) => {
      const what = infos.length > 1 ? `part ${i + 1} of ${infos.length}` : 'its contents';
      try {
        const [t, c] = berChildren(safe, berExpect(info, TAG.SEQUENCE, 'ContentInfo'));
        const id = oid(safe, berExpect(t, TAG.OID, 'contentType'));
        if (id === OID.data) {
          readSafeContents(berOctets(safe, berExpect(berChildren(safe, berExpect(c, 0xa0, 'content'))[0], TAG.OCTET_STRING, 'data')), st, 0);
        } else if (id === OID.encryptedData) {
          const ed = berChildren(safe, berExpect(berChildren(safe, berExpect(c, 0xa0, 'content'))[0], TAG.SEQUENCE, 'EncryptedData'));
          const [, alg, enc] = berChildren(safe, berExpect(ed[1], TAG.SEQUENCE, 'EncryptedContentInfo'));
          const scheme = encryptionName(safe, berExpect(alg, TAG.SEQUENCE, 'contentEncryptionAlgorithm'));
          if (!enc) return; // nothing encrypted in it
          if (st.password === undefined) {
            st.closed.certificates.push(scheme);
            return;
          }
          const plain = open(safe, alg!, implicitOctets(safe, enc), st, `${what} (encrypted with ${scheme})`);
          if (plain) readSafeContents(plain, st, 0);
        } else if (id === OID.envelopedData) {
          read.notes.push({ severity: 'info', message: `${what} is encrypted to a public key (envelopedData), which TLS Lens does not open` });
        } else read.notes.push({ severity: 'info', message: `${what} has the content type ${id}, which TLS Lens does not read` });
      } catch (e) {
        read.notes.push({ severity: 'error', message: `${what} does not parse: ${e instanceof Error ? e.message : String(e)}` });
      }
    });
  } catch (e) {
    read.notes.push({ severity: 'error', message: `not a readable PKCS#12 file: ${e instanceof Error ? e.message : String(e)}` });
  }
  if (st.closed.certificates.length && !refused) {
    const schemes = [...new Set(st.closed.certificates)].join(', ');
    read.notes.push({
      severity: 'info',
      message: `${plural(st.closed.certificates.length, 'encrypted part')} (${schemes}) not opened, so the certificates in ${st.closed.certificates.length === 1 ? 'it' : 'them'} are neither shown nor judged: no password; ${PASSWORD_HINT}`,
    });
  }
  if (st.closed.keys.length && !st.closed.certificates.length) {
    read.notes.push({ severity: 'info', message: `${plural(st.closed.keys.length, 'private key')} encrypted (${[...new Set(st.closed.keys)].join(', ')}): shown by the certificate beside ${st.closed.keys.length === 1 ? 'it' : 'them'} only`, detailsOnly: true });
  }
  const { crls, secrets, other } = st.others;
  if (crls + secrets + other) {
    const parts = [crls ? plural(crls, 'CRL') : '', secrets ? plural(secrets, 'secret') : '', other ? plural(other, 'other bag') : ''].filter(Boolean);
    read.notes.push({ severity: 'info', message: `it also holds ${parts.join(', ')}, not shown`, detailsOnly: true });
  }
  read.sites = bagSites(st.bags);
  return read;
}

function named(b: Bag): string {
  return b.name !== undefined ? `PKCS#12 · "${b.name}"` : 'PKCS#12';
}

function bagSites(bags: readonly Bag[]): MaterialSite[] {
  const certs = bags.filter((b) => b.kind === 'certificate');
  const sites: MaterialSite[] = certs.map((b) => containerSite('pkcs12', 'CERTIFICATE', { der: b.der!, container: named(b), collection: true }));
  numberCertificates(sites);
  for (const b of bags) {
    if (b.kind === 'certificate') continue;
    let keySummary: PrivateKeySummary;
    if (b.kind === 'key') keySummary = describePrivateKey('PRIVATE KEY', b.der!);
    else {
      // Not opened: the certificate with the same localKeyId says what key it is.
      const cert = b.localKeyId !== undefined ? certs.find((c) => c.localKeyId === b.localKeyId) : undefined;
      const decoded = cert?.der ? decodeCertificate(cert.der) : undefined;
      const k = decoded?.ok ? decoded.cert.publicKey : undefined;
      keySummary = k ? { algorithm: k.algorithm, ...(k.bits !== undefined ? { bits: k.bits } : {}), ...(k.curve !== undefined ? { curve: k.curve } : {}), encrypted: true } : { algorithm: 'unknown', encrypted: true };
    }
    sites.push(containerSite('pkcs12', 'PRIVATE KEY', { container: named(b), keySummary, ...(b.kind === 'encrypted key' ? { encrypted: true } : {}) }));
  }
  return sites;
}

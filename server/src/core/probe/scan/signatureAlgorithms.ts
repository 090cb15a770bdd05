/**
 * Signature schemes a server accepts (RFC 8446 §4.2.3; RFC 5246 §7.4.1.4.1 hash/signature
 * pairs for TLS 1.2): one ClientHello per scheme, offering it alone with every suite of the
 * version; a ServerHello means the server can sign with it (or sends no signature at all).
 * First an unassigned code point: a server that accepts that accepts anything, and the list
 * would mean nothing. The same enumeration sslscan 2 makes (`--show-sigs`).
 */

/** An unassigned SignatureScheme (0xFDFF, the last code point below the private-use range is assigned none). */
export const BOGUS_SIGNATURE_SCHEME = 0xfdff;

/** Every scheme tested, in the IANA registry's order, with its name. */
export const SIGNATURE_SCHEME_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0001, 'rsa_pkcs1_nohash'],
  [0x0002, 'dsa_nohash'],
  [0x0003, 'ecdsa_nohash'],
  [0x0101, 'rsa_pkcs1_md5'],
  [0x0102, 'dsa_md5'],
  [0x0103, 'ecdsa_md5'],
  [0x0201, 'rsa_pkcs1_sha1'],
  [0x0202, 'dsa_sha1'],
  [0x0203, 'ecdsa_sha1'],
  [0x0301, 'rsa_pkcs1_sha224'],
  [0x0302, 'dsa_sha224'],
  [0x0303, 'ecdsa_sha224'],
  [0x0401, 'rsa_pkcs1_sha256'],
  [0x0402, 'dsa_sha256'],
  [0x0403, 'ecdsa_secp256r1_sha256'],
  [0x0501, 'rsa_pkcs1_sha384'],
  [0x0502, 'dsa_sha384'],
  [0x0503, 'ecdsa_secp384r1_sha384'],
  [0x0601, 'rsa_pkcs1_sha512'],
  [0x0602, 'dsa_sha512'],
  [0x0603, 'ecdsa_secp521r1_sha512'],
  [0x0804, 'rsa_pss_rsae_sha256'],
  [0x0805, 'rsa_pss_rsae_sha384'],
  [0x0806, 'rsa_pss_rsae_sha512'],
  [0x0807, 'ed25519'],
  [0x0808, 'ed448'],
  [0x0809, 'rsa_pss_pss_sha256'],
  [0x080a, 'rsa_pss_pss_sha384'],
  [0x080b, 'rsa_pss_pss_sha512'],
  [0x081a, 'ecdsa_brainpoolP256r1tls13_sha256'],
  [0x081b, 'ecdsa_brainpoolP384r1tls13_sha384'],
  [0x081c, 'ecdsa_brainpoolP512r1tls13_sha512'],
]);

export function signatureSchemeName(code: number): string {
  return SIGNATURE_SCHEME_NAMES.get(code) ?? `0x${code.toString(16).padStart(4, '0')}`;
}

/** The key type a scheme signs with, for finding each certificate of a server that has several. */
export type KeyType = 'RSA' | 'ECDSA' | 'EdDSA' | 'DSA' | 'RSA-PSS';

export function keyTypeOf(code: number): KeyType | undefined {
  const sig = code & 0xff;
  if (code >> 8 === 0x08) {
    if (code >= 0x0804 && code <= 0x0806) return 'RSA';
    if (code === 0x0807 || code === 0x0808) return 'EdDSA';
    if (code >= 0x0809 && code <= 0x080b) return 'RSA-PSS';
    if (code >= 0x081a && code <= 0x081c) return 'ECDSA';
    return undefined;
  }
  return sig === 1 ? 'RSA' : sig === 2 ? 'DSA' : sig === 3 ? 'ECDSA' : undefined;
}

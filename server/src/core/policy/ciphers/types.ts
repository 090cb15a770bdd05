/** What the local OpenSSL (3.0, see OPENSSL_VERSION in table.ts) says about a suite it offers. */
export interface LocalCipherInfo {
  /** Position in OpenSSL's built-in preference order (ssl_create_cipher_list), 0 = first. */
  readonly rank: number;
  /** Lowest protocol the suite is usable with, as `openssl ciphers -V` prints it (SSLv3, TLSv1, TLSv1.2). */
  readonly minTls: string;
  /** Kx/Au/Enc(bits)/Mac as `openssl ciphers -V` prints them (Kx "ECDH" = ECDHE, "DH" = DHE). */
  readonly kx: string;
  readonly au: string;
  readonly enc: string;
  readonly bits: number;
  readonly mac: string;
  /** OpenSSL's strength class (the HIGH/MEDIUM/LOW aliases); NONE for eNULL suites. */
  readonly strength: 'HIGH' | 'MEDIUM' | 'LOW' | 'NONE';
  /** Member of OpenSSL's FIPS alias. */
  readonly fips: boolean;
  /** Not in COMPLEMENTOFDEFAULT (DEFAULT may still drop it for another reason, e.g. eNULL). */
  readonly inDefault: boolean;
}

/** One cipher suite: IANA facts (testssl.sh's mapping) and, if OpenSSL offers it, `local`. */
export interface CipherSuite {
  /** The 2-byte code (0xC02F), or the 3-byte code of an SSLv2 kind. */
  readonly code: number;
  /** As written in the registries: "0xC0,0x2F". */
  readonly hex: string;
  readonly iana: string;
  /** OpenSSL's name, or null if OpenSSL never had one. */
  readonly openssl: string | null;
  /** Protocol as testssl.sh lists it (SSLv2, SSLv3, TLSv1, TLSv1.2, TLSv1.3). */
  readonly protocol: string;
  /** Key exchange as testssl.sh lists it: RSA, DH, ECDH, PSK, DHEPSK, ECDHEPSK, RSAPSK, SRP, DH/RSA, ECDH/ECDSA, … */
  readonly kx: string;
  readonly au: string;
  /** Encryption algorithm (AESGCM, AES, ChaCha20, Camellia, 3DES, RC4, None, …) and key bits. */
  readonly enc: string;
  readonly bits: number;
  readonly mac: string;
  readonly forwardSecrecy: boolean;
  readonly aead: boolean;
  readonly export: boolean;
  readonly local?: LocalCipherInfo;
}

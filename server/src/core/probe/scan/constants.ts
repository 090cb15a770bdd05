/**
 * Wire constants of the TLS handshake the scanner needs (IANA TLS registries; RFC 5246,
 * RFC 8446, RFC 5746, RFC 7507, RFC 8422, RFC 7919, draft-ietf-tls-ecdhe-mlkem).
 */
import { CIPHER_SUITES } from '../../policy/ciphers/table';
import type { CipherSuite } from '../../policy/ciphers/types';
import type { ProtocolVersion } from '../types';

export const CONTENT = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23, heartbeat: 24 } as const;

export const HANDSHAKE = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  newSessionTicket: 4,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateStatus: 22,
} as const;

export const EXT = {
  serverName: 0,
  statusRequest: 5,
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  heartbeat: 15,
  padding: 21,
  encryptThenMac: 22,
  extendedMasterSecret: 23,
  sessionTicket: 35,
  supportedVersions: 43,
  pskKeyExchangeModes: 45,
  keyShare: 51,
  renegotiationInfo: 0xff01,
} as const;

/** RFC 5746 signalling suite; RFC 7507 fallback signalling suite. */
export const SCSV_RENEGOTIATION = 0x00ff;
export const SCSV_FALLBACK = 0x5600;

/** RFC 8446 §4.1.3: the ServerHello.random of a HelloRetryRequest (SHA-256 of "HelloRetryRequest"). */
export const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

/** Alert descriptions (RFC 8446 §6, RFC 7507). */
export const ALERTS: Readonly<Record<number, string>> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  22: 'record_overflow',
  40: 'handshake_failure',
  42: 'bad_certificate',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  50: 'decode_error',
  51: 'decrypt_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  116: 'certificate_required',
  120: 'no_application_protocol',
};
export const ALERT_INAPPROPRIATE_FALLBACK = 86;

/** Named groups by IANA code (TLS Supported Groups registry). */
export const GROUPS: readonly { code: number; name: string; tls13: boolean; ec: boolean }[] = [
  { code: 0x001d, name: 'x25519', tls13: true, ec: true },
  { code: 0x0017, name: 'secp256r1', tls13: true, ec: true },
  { code: 0x0018, name: 'secp384r1', tls13: true, ec: true },
  { code: 0x0019, name: 'secp521r1', tls13: true, ec: true },
  { code: 0x001e, name: 'x448', tls13: true, ec: true },
  { code: 0x11ec, name: 'X25519MLKEM768', tls13: true, ec: false },
  { code: 0x11eb, name: 'SecP256r1MLKEM768', tls13: true, ec: false },
  { code: 0x11ed, name: 'SecP384r1MLKEM1024', tls13: true, ec: false },
  { code: 0x6399, name: 'X25519Kyber768Draft00', tls13: true, ec: false },
  { code: 0x001f, name: 'brainpoolP256r1tls13', tls13: true, ec: false },
  { code: 0x0020, name: 'brainpoolP384r1tls13', tls13: true, ec: false },
  { code: 0x0021, name: 'brainpoolP512r1tls13', tls13: true, ec: false },
  { code: 0x0100, name: 'ffdhe2048', tls13: true, ec: false },
  { code: 0x0101, name: 'ffdhe3072', tls13: true, ec: false },
  { code: 0x0102, name: 'ffdhe4096', tls13: true, ec: false },
  { code: 0x0103, name: 'ffdhe6144', tls13: true, ec: false },
  { code: 0x0104, name: 'ffdhe8192', tls13: true, ec: false },
  { code: 0x001a, name: 'brainpoolP256r1', tls13: false, ec: true },
  { code: 0x001b, name: 'brainpoolP384r1', tls13: false, ec: true },
  { code: 0x001c, name: 'brainpoolP512r1', tls13: false, ec: true },
  { code: 0x0016, name: 'secp256k1', tls13: false, ec: true },
  { code: 0x0015, name: 'secp224r1', tls13: false, ec: true },
  { code: 0x0013, name: 'secp192r1', tls13: false, ec: true },
];

export function groupName(code: number): string {
  return GROUPS.find((g) => g.code === code)?.name ?? `0x${code.toString(16).padStart(4, '0')}`;
}

/** Signature schemes offered (RFC 8446 §4.2.3, RFC 5246 §7.4.1.4.1 pairs for TLS 1.2). */
export const SIGNATURE_SCHEMES: readonly number[] = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x0303,
  0x0301, 0x0302, 0x0402, 0x0502, 0x0602, 0x0203, 0x0201, 0x0202,
];

export const VERSION_NAMES: Readonly<Record<number, ProtocolVersion>> = {
  0x0300: 'SSLv3',
  0x0301: 'TLSv1',
  0x0302: 'TLSv1.1',
  0x0303: 'TLSv1.2',
  0x0304: 'TLSv1.3',
};

export function versionName(code: number): string {
  return VERSION_NAMES[code] ?? `0x${code.toString(16).padStart(4, '0')}`;
}

const BY_CODE = new Map<number, CipherSuite>();
for (const s of CIPHER_SUITES) if (s.protocol !== 'SSLv2' && !BY_CODE.has(s.code)) BY_CODE.set(s.code, s);

export function suiteByCode(code: number): CipherSuite | undefined {
  return BY_CODE.get(code);
}

/** SSLv2 cipher kinds (24-bit codes) of the cipher table, in table order. */
export const SSL2_CIPHER_KINDS: readonly number[] = CIPHER_SUITES.filter((s) => s.protocol === 'SSLv2').map((s) => s.code);

/** TLS 1.3 suites (0x13xx) from the cipher table. */
export const TLS13_SUITES: readonly number[] = CIPHER_SUITES.filter((s) => s.protocol === 'TLSv1.3').map((s) => s.code);

/**
 * Every known suite a ClientHello of this version can offer (the cipher table, without SSLv2
 * kinds, signalling values and TLS_NULL_WITH_NULL_NULL); TLS 1.2-only suites only from TLS 1.2.
 */
export function suitesFor(version: ProtocolVersion): number[] {
  if (version === 'TLSv1.3') return [...TLS13_SUITES];
  if (version === 'SSLv2') return [...SSL2_CIPHER_KINDS];
  const out: number[] = [];
  for (const s of BY_CODE.values()) {
    if (s.protocol === 'TLSv1.3' || s.code === 0 || s.code === SCSV_RENEGOTIATION || s.code === SCSV_FALLBACK) continue;
    if (s.protocol === 'TLSv1.2' && version !== 'TLSv1.2') continue;
    out.push(s.code);
  }
  return out;
}

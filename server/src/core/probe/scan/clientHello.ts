/**
 * ClientHello records for SSLv3 through TLS 1.3 (RFC 6101 §5.6.1.2, RFC 5246 §7.4.1.2,
 * RFC 8446 §4.1.2), written byte by byte so any suite, group or version can be offered
 * whatever the local TLS library supports.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { PROTOCOL_CODES, type ProtocolVersion } from '../types';
import { CONTENT, EXT, HANDSHAKE, SCSV_FALLBACK, SCSV_RENEGOTIATION, SIGNATURE_SCHEMES } from './constants';
import { concat, u16, u16List, u24, u8, vec } from './wire';

export interface ClientHelloSpec {
  /** The highest version offered (TLS 1.3 via supported_versions, legacy_version 0x0303). */
  version: ProtocolVersion;
  /** Suite codes in offer order. */
  suites: readonly number[];
  /** Host name for SNI (omitted for IP literals, RFC 6066 §3). */
  serverName?: string;
  /** Named groups offered in supported_groups, in order. */
  groups: readonly number[];
  /** TLS 1.3 key shares to send (group → public key); groups without one may draw a HelloRetryRequest. */
  keyShares?: readonly { group: number; key: Uint8Array }[];
  /** Add TLS_FALLBACK_SCSV (RFC 7507). */
  fallbackScsv?: boolean;
  /** Compression methods offered, in order (default [0], null only; 1 is DEFLATE, RFC 3749). */
  compression?: readonly number[];
  /** Offer the heartbeat extension (RFC 6520), mode peer_allowed_to_send. */
  heartbeat?: boolean;
  /** signature_algorithms offered (TLS 1.2 and 1.3; default: every scheme of SIGNATURE_SCHEMES). */
  signatureAlgorithms?: readonly number[];
}

/**
 * Some TLS terminators (F5 BIG-IP) hang on a ClientHello whose record body is 256 to 511
 * bytes long; RFC 7685's padding extension moves such a hello to 512 bytes (what OpenSSL,
 * NSS and Chrome did).
 */
export const PAD_FROM = 256;
export const PAD_TO = 512;

function ext(type: number, body: Uint8Array): Uint8Array {
  return concat([u16(type), vec(2, body)]);
}

/** The client's key material for TLS 1.3 key shares: one X25519 key (RFC 7748) per scan. */
export interface KeyShareKeys {
  x25519: Uint8Array;
}

export function makeKeyShareKeys(): KeyShareKeys {
  const { publicKey } = generateKeyPairSync('x25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { x25519: new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url')) };
}

/** Builds one ClientHello as a single TLS record. */
export function buildClientHello(spec: ClientHelloSpec): Uint8Array {
  const v = spec.version;
  if (v === 'SSLv2') throw new RangeError('an SSLv2 CLIENT-HELLO has its own format (sslv2.ts)');
  const tls13 = v === 'TLSv1.3';
  const ssl3 = v === 'SSLv3';
  const legacyVersion = tls13 ? PROTOCOL_CODES['TLSv1.2'] : PROTOCOL_CODES[v];
  const suites = [...spec.suites];
  if (ssl3) suites.push(SCSV_RENEGOTIATION);
  if (spec.fallbackScsv) suites.push(SCSV_FALLBACK);

  const exts: Uint8Array[] = [];
  if (!ssl3) {
    if (spec.serverName && !isIP(spec.serverName)) {
      const name = new TextEncoder().encode(spec.serverName);
      exts.push(ext(EXT.serverName, vec(2, u8(0), vec(2, name))));
    }
    if (spec.groups.length) exts.push(ext(EXT.supportedGroups, vec(2, u16List(spec.groups))));
    exts.push(ext(EXT.ecPointFormats, vec(1, u8(0))));
    if (v === 'TLSv1.2' || tls13) exts.push(ext(EXT.signatureAlgorithms, vec(2, u16List(spec.signatureAlgorithms ?? SIGNATURE_SCHEMES))));
    if (spec.heartbeat) exts.push(ext(EXT.heartbeat, u8(1)));
    if (!tls13) exts.push(ext(EXT.renegotiationInfo, vec(1)));
    exts.push(ext(EXT.sessionTicket, new Uint8Array(0)));
    exts.push(ext(EXT.extendedMasterSecret, new Uint8Array(0)));
    if (tls13) {
      exts.push(ext(EXT.supportedVersions, vec(1, u16(PROTOCOL_CODES['TLSv1.3']))));
      exts.push(ext(EXT.pskKeyExchangeModes, vec(1, u8(1))));
      const shares = (spec.keyShares ?? []).map((s) => concat([u16(s.group), vec(2, s.key)]));
      exts.push(ext(EXT.keyShare, vec(2, ...shares)));
    }
  }

  const head = concat([
    u16(legacyVersion),
    randomBytes(32),
    // TLS 1.3 middlebox compatibility mode sends a 32-byte legacy_session_id (RFC 8446 §D.4).
    tls13 ? vec(1, randomBytes(32)) : vec(1),
    vec(2, u16List(suites)),
    vec(1, ...(spec.compression ?? [0]).map(u8)),
  ]);
  if (exts.length) {
    // Record body = 4 (handshake header) + head + 2 (extensions length) + extensions.
    const unpadded = 4 + head.length + 2 + exts.reduce((n, e) => n + e.length, 0);
    if (unpadded >= PAD_FROM && unpadded < PAD_TO) exts.push(ext(EXT.padding, new Uint8Array(Math.max(0, PAD_TO - unpadded - 4))));
  }
  const body = concat([head, ...(exts.length ? [vec(2, ...exts)] : [])]);
  const handshake = concat([u8(HANDSHAKE.clientHello), u24(body.length), body]);
  // Record version: SSLv3 for an SSLv3 hello, TLS 1.0 otherwise (what most clients send, RFC 8446 §5.1).
  const recordVersion = ssl3 ? PROTOCOL_CODES.SSLv3 : PROTOCOL_CODES.TLSv1;
  return concat([u8(CONTENT.handshake), u16(recordVersion), vec(2, handshake)]);
}

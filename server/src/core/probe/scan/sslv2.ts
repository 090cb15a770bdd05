/**
 * SSL 2.0 (the 1995 Netscape "SSL 0.2" specification; prohibited by RFC 6176): a
 * CLIENT-HELLO in the two-byte-header record format with 3-byte cipher kinds, and the
 * reading of the answer — a SERVER-HELLO (certificate and the cipher kinds both sides
 * share), an SSLv2 ERROR, or a TLS record (a server without SSLv2 usually answers with a
 * TLS alert, RFC 5246 §7.2). Every length is checked; malformed input raises a WireError.
 */
import { randomBytes } from 'node:crypto';
import { ALERTS, SSL2_CIPHER_KINDS } from './constants';
import { Reader, WireError, concat, u16, u8 } from './wire';

export const SSL2_VERSION = 0x0002;
const MSG_ERROR = 0;
const MSG_CLIENT_HELLO = 1;
const MSG_SERVER_HELLO = 4;
/** A two-byte header carries at most 2^15 − 1 bytes. */
const MAX_SSL2_RECORD = 0x7fff;

const SSL2_ERRORS: Readonly<Record<number, string>> = { 1: 'NO-CIPHER-ERROR', 2: 'NO-CERTIFICATE-ERROR', 4: 'BAD-CERTIFICATE-ERROR', 6: 'UNSUPPORTED-CERTIFICATE-TYPE-ERROR' };

/** A CLIENT-HELLO offering `kinds`, with a 16-byte challenge and no session id. */
export function buildSsl2ClientHello(kinds: readonly number[] = SSL2_CIPHER_KINDS, challenge: Uint8Array = randomBytes(16)): Uint8Array {
  const specs = concat(kinds.map((k) => Uint8Array.of((k >> 16) & 0xff, (k >> 8) & 0xff, k & 0xff)));
  const body = concat([u8(MSG_CLIENT_HELLO), u16(SSL2_VERSION), u16(specs.length), u16(0), u16(challenge.length), specs, challenge]);
  if (body.length > MAX_SSL2_RECORD) throw new WireError(`SSLv2 CLIENT-HELLO of ${body.length} bytes exceeds ${MAX_SSL2_RECORD}`);
  return concat([Uint8Array.of(0x80 | (body.length >> 8), body.length & 0xff), body]);
}

export interface Ssl2ServerHello {
  sessionIdHit: boolean;
  certificateType: number;
  version: number;
  /** The server's certificate (DER) as sent; may be empty on a session hit. */
  certificate: Uint8Array;
  /** The cipher kinds the server shares with the offer, in its order. */
  cipherKinds: number[];
}

/** What the server answered an SSLv2 CLIENT-HELLO with. */
export type Ssl2Answer =
  | { kind: 'server-hello'; hello: Ssl2ServerHello }
  | { kind: 'ssl2-error'; code: number; name: string }
  | { kind: 'tls-alert'; name: string }
  | { kind: 'tls'; contentType: number };

/** Parses one SSLv2 SERVER-HELLO message body (from MSG-SERVER-HELLO on). */
export function parseSsl2ServerHello(body: Uint8Array): Ssl2ServerHello {
  const r = new Reader(body, 'SSLv2 SERVER-HELLO');
  if (r.u8() !== MSG_SERVER_HELLO) throw new WireError('SSLv2 SERVER-HELLO: wrong message type');
  const sessionIdHit = r.u8();
  const certificateType = r.u8();
  const version = r.u16();
  const certLength = r.u16();
  const specsLength = r.u16();
  const connIdLength = r.u16();
  if (version !== SSL2_VERSION) throw new WireError(`SSLv2 SERVER-HELLO: version 0x${version.toString(16).padStart(4, '0')}`);
  if (specsLength % 3 !== 0) throw new WireError(`SSLv2 SERVER-HELLO: cipher specs of ${specsLength} bytes (not a multiple of 3)`);
  if (connIdLength < 1 || connIdLength > 32) throw new WireError(`SSLv2 SERVER-HELLO: connection id of ${connIdLength} bytes (1 to 32)`);
  if (sessionIdHit > 1) throw new WireError(`SSLv2 SERVER-HELLO: SESSION-ID-HIT ${sessionIdHit}`);
  const certificate = new Uint8Array(r.bytes(certLength));
  const specs = r.bytes(specsLength);
  r.bytes(connIdLength);
  r.end();
  const cipherKinds: number[] = [];
  for (let i = 0; i < specs.length; i += 3) cipherKinds.push((specs[i]! << 16) | (specs[i + 1]! << 8) | specs[i + 2]!);
  return { sessionIdHit: sessionIdHit === 1, certificateType, version, certificate, cipherKinds };
}

/**
 * Reads the answer to an SSLv2 CLIENT-HELLO as bytes arrive: `push` returns the answer once
 * complete, undefined while more bytes are needed; it throws a WireError on anything else.
 */
export class Ssl2Reader {
  private buf: Uint8Array = new Uint8Array(0);
  received = 0;

  push(chunk: Uint8Array): Ssl2Answer | undefined {
    this.received += chunk.length;
    const next = new Uint8Array(this.buf.length + chunk.length);
    next.set(this.buf, 0);
    next.set(chunk, this.buf.length);
    this.buf = next;
    return parseSsl2Answer(this.buf);
  }
}

/** The answer in `buf`, undefined when incomplete; throws a WireError when it is neither SSLv2 nor TLS. */
export function parseSsl2Answer(buf: Uint8Array): Ssl2Answer | undefined {
  if (buf.length < 2) return undefined;
  const b0 = buf[0]!;
  const b1 = buf[1]!;
  // A TLS record (RFC 5246 §6.2.1): content type 20–23, major version 3.
  if (b0 >= 20 && b0 <= 23 && b1 === 3) {
    if (b0 !== 21) return { kind: 'tls', contentType: b0 };
    if (buf.length < 7) return undefined;
    const length = (buf[3]! << 8) | buf[4]!;
    if (length < 2) throw new WireError(`a TLS alert record of ${length} bytes`);
    const description = buf[6]!;
    return { kind: 'tls-alert', name: ALERTS[description] ?? `alert ${description}` };
  }
  let headerLength: number;
  let length: number;
  let padding = 0;
  if (b0 & 0x80) {
    headerLength = 2;
    length = ((b0 & 0x7f) << 8) | b1;
  } else {
    // Three-byte header: the third byte is the padding length (block ciphers only; a hello has none).
    if (buf.length < 3) return undefined;
    headerLength = 3;
    length = ((b0 & 0x3f) << 8) | b1;
    padding = buf[2]!;
    if (padding !== 0) throw new WireError(`not an SSLv2 record (three-byte header with ${padding} byte(s) of padding before the handshake)`);
  }
  if (length < 3) throw new WireError(`not an SSLv2 record (${length} byte(s))`);
  // Decide on the message type as soon as it arrives: a text or garbage answer fails fast.
  if (buf.length > headerLength) {
    const type = buf[headerLength]!;
    if (type !== MSG_SERVER_HELLO && type !== MSG_ERROR) throw new WireError(`not an SSLv2 answer (message type ${type})`);
  }
  if (buf.length < headerLength + length) return undefined;
  const body = buf.subarray(headerLength, headerLength + length);
  if (body[0] === MSG_ERROR) {
    const r = new Reader(body, 'SSLv2 ERROR');
    r.u8();
    const code = r.u16();
    r.end();
    return { kind: 'ssl2-error', code, name: SSL2_ERRORS[code] ?? `error ${code}` };
  }
  return { kind: 'server-hello', hello: parseSsl2ServerHello(body) };
}

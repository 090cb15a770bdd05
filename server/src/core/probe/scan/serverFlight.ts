/**
 * Reads the server's first flight, incrementally, as bytes arrive: records (RFC 5246 §6.2.1),
 * handshake messages reassembled across records, and from them the ServerHello or
 * HelloRetryRequest, an alert, and for TLS ≤ 1.2 the Certificate and ServerKeyExchange.
 * Every length is checked; anything that is not TLS or breaks the format raises a WireError
 * (kind 'not-tls' or 'protocol'), never anything else.
 */
import { suiteByCode, ALERTS, CONTENT, EXT, HANDSHAKE, HRR_RANDOM } from './constants';
import { Reader, WireError, hex } from './wire';

/** RFC 8446 §5.1: a record may carry at most 2^14 bytes plus expansion (2^14 + 2048 for TLS ≤ 1.2 ciphertext). */
const MAX_RECORD = (1 << 14) + 2048;
/** The largest handshake message accepted (a certificate chain; anything larger is refused). */
const MAX_HANDSHAKE = 1 << 20;

export class FlightError extends WireError {
  constructor(
    readonly kind: 'not-tls' | 'protocol',
    message: string,
  ) {
    super(message);
  }
}

export interface ServerHello {
  /** Negotiated version: supported_versions if present, else legacy_version. */
  version: number;
  legacyVersion: number;
  suite: number;
  compression: number;
  helloRetry: boolean;
  /** Extension types present, in order. */
  extensions: number[];
  renegotiationInfo: boolean;
  /** key_share group (TLS 1.3 ServerHello) or selected_group (HelloRetryRequest). */
  keyShareGroup?: number;
}

export interface KeyExchange {
  /** DH prime size in bits (DHE suites). */
  dhBits?: number;
  /** ECDHE named curve (RFC 8422 §5.4, curve_type named_curve). */
  namedCurve?: number;
}

export interface Flight {
  hello?: ServerHello;
  alert?: { level: number; description: number; name: string };
  /** Certificate chain (TLS ≤ 1.2, DER, leaf first). */
  certificates?: Uint8Array[];
  keyExchange?: KeyExchange;
  /** ServerHelloDone (or the TLS 1.3 ServerHello / HelloRetryRequest) seen: nothing more to read. */
  done: boolean;
}

function parseExtensions(r: Reader, what: string): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  if (r.remaining === 0) return out;
  const all = new Reader(r.vec(2), `${what} extensions`);
  while (all.remaining > 0) {
    const type = all.u16();
    const data = all.vec(2);
    if (out.has(type)) throw new WireError(`${what}: extension ${type} appears twice`);
    out.set(type, data);
  }
  r.end();
  return out;
}

export function parseServerHello(body: Uint8Array): ServerHello {
  const r = new Reader(body, 'ServerHello');
  const legacyVersion = r.u16();
  if (legacyVersion >> 8 !== 3) throw new WireError(`ServerHello: version 0x${legacyVersion.toString(16)} is not SSL 3 / TLS`);
  const random = r.bytes(32);
  const sessionId = r.vec(1);
  if (sessionId.length > 32) throw new WireError(`ServerHello: session id of ${sessionId.length} bytes (at most 32)`);
  const suite = r.u16();
  const compression = r.u8();
  const exts = parseExtensions(r, 'ServerHello');
  const helloRetry = hex(random) === HRR_RANDOM;
  let version = legacyVersion;
  const sv = exts.get(EXT.supportedVersions);
  if (sv) {
    const s = new Reader(sv, 'supported_versions');
    version = s.u16();
    s.end();
  }
  let keyShareGroup: number | undefined;
  const ks = exts.get(EXT.keyShare);
  if (ks) {
    const k = new Reader(ks, 'key_share');
    keyShareGroup = k.u16();
    if (!helloRetry) k.vec(2);
    k.end();
  }
  return {
    version,
    legacyVersion,
    suite,
    compression,
    helloRetry,
    extensions: [...exts.keys()],
    renegotiationInfo: exts.has(EXT.renegotiationInfo),
    keyShareGroup,
  };
}

export function parseCertificateMessage(body: Uint8Array): Uint8Array[] {
  const r = new Reader(body, 'Certificate');
  const list = new Reader(r.vec(3), 'Certificate list');
  r.end();
  const out: Uint8Array[] = [];
  while (list.remaining > 0) {
    const der = list.vec(3);
    if (der.length === 0) throw new WireError('Certificate: empty certificate entry');
    out.push(new Uint8Array(der));
  }
  return out;
}

function bitLength(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

/** The parts of a ServerKeyExchange the scan needs, by the chosen suite's key exchange. */
export function parseServerKeyExchange(body: Uint8Array, suite: number): KeyExchange {
  const kx = suiteByCode(suite)?.kx;
  const r = new Reader(body, 'ServerKeyExchange');
  if (kx === 'DH' || kx === 'DHEPSK') {
    if (kx === 'DHEPSK') r.vec(2); // psk_identity_hint
    const p = r.vec(2);
    r.vec(2); // g
    r.vec(2); // Ys
    return { dhBits: bitLength(p) };
  }
  if (kx === 'ECDH' || kx === 'ECDHEPSK') {
    if (kx === 'ECDHEPSK') r.vec(2);
    const curveType = r.u8();
    if (curveType !== 3) return {};
    const namedCurve = r.u16();
    r.vec(1); // public point
    return { namedCurve };
  }
  return {};
}

/** Accumulates bytes from the server and parses its first flight. */
export class FlightReader {
  private buf: Uint8Array = new Uint8Array(0);
  private handshake: Uint8Array = new Uint8Array(0);
  private sawAny = false;
  readonly flight: Flight = { done: false };
  /** Bytes received so far. */
  received = 0;

  /**
   * @param stopAtHello stop after the ServerHello (TLS 1.3 scans do; ≤ 1.2 reads to ServerHelloDone).
   */
  constructor(private readonly stopAtHello = false) {}

  /** Feeds bytes; returns true when the flight is complete (or an alert ended it). */
  push(chunk: Uint8Array): boolean {
    this.received += chunk.length;
    this.buf = this.buf.length ? concatTwo(this.buf, chunk) : new Uint8Array(chunk);
    if (!this.sawAny && this.buf.length > 0) this.checkLooksLikeTls();
    while (!this.flight.done && this.buf.length >= 5) {
      const type = this.buf[0]!;
      const major = this.buf[1]!;
      const length = (this.buf[3]! << 8) | this.buf[4]!;
      if (type < 20 || type > 23 || major !== 3) throw new FlightError(this.sawAny ? 'protocol' : 'not-tls', this.sawAny ? `a record of content type ${type} version ${major}.x in the handshake` : describeNonTls(this.buf));
      if (length > MAX_RECORD) throw new FlightError('protocol', `a record of ${length} bytes (at most ${MAX_RECORD})`);
      if (length === 0 && type !== CONTENT.applicationData) throw new FlightError('protocol', `an empty record of content type ${type}`);
      if (this.buf.length < 5 + length) break;
      const fragment = this.buf.subarray(5, 5 + length);
      this.buf = this.buf.subarray(5 + length);
      this.sawAny = true;
      try {
        this.record(type, fragment);
      } catch (e) {
        if (e instanceof FlightError) throw e;
        throw new FlightError('protocol', (e as Error).message);
      }
    }
    return this.flight.done;
  }

  /** Bytes received past the end of the flight (records the server sent after ServerHelloDone). */
  rest(): Uint8Array {
    return new Uint8Array(this.buf);
  }

  private checkLooksLikeTls(): void {
    const b0 = this.buf[0]!;
    if (b0 < 20 || b0 > 23) throw new FlightError('not-tls', describeNonTls(this.buf));
    if (this.buf.length >= 2 && this.buf[1] !== 3) throw new FlightError('not-tls', describeNonTls(this.buf));
  }

  private record(type: number, fragment: Uint8Array): void {
    if (type === CONTENT.alert) {
      const r = new Reader(fragment, 'Alert');
      const level = r.u8();
      const description = r.u8();
      this.flight.alert = { level, description, name: ALERTS[description] ?? `alert ${description}` };
      this.flight.done = true;
      return;
    }
    if (type === CONTENT.changeCipherSpec) {
      if (!this.flight.hello) throw new FlightError('protocol', 'ChangeCipherSpec before ServerHello');
      return;
    }
    if (type === CONTENT.applicationData) {
      throw new FlightError('protocol', 'application data before the handshake finished');
    }
    this.handshake = this.handshake.length ? concatTwo(this.handshake, fragment) : new Uint8Array(fragment);
    while (!this.flight.done && this.handshake.length >= 4) {
      const msgType = this.handshake[0]!;
      const len = (this.handshake[1]! << 16) | (this.handshake[2]! << 8) | this.handshake[3]!;
      if (len > MAX_HANDSHAKE) throw new FlightError('protocol', `a handshake message of ${len} bytes (at most ${MAX_HANDSHAKE})`);
      if (this.handshake.length < 4 + len) break;
      const body = this.handshake.subarray(4, 4 + len);
      this.handshake = this.handshake.subarray(4 + len);
      this.message(msgType, body);
    }
  }

  private message(type: number, body: Uint8Array): void {
    const f = this.flight;
    if (!f.hello) {
      if (type === HANDSHAKE.helloRequest && body.length === 0) return;
      if (type !== HANDSHAKE.serverHello) throw new FlightError('protocol', `handshake message ${type} where a ServerHello was expected`);
      try {
        f.hello = parseServerHello(body);
      } catch (e) {
        throw new FlightError('protocol', (e as Error).message);
      }
      if (this.stopAtHello || f.hello.helloRetry || f.hello.version >= 0x0304) f.done = true;
      return;
    }
    try {
      switch (type) {
        case HANDSHAKE.certificate:
          f.certificates = parseCertificateMessage(body);
          return;
        case HANDSHAKE.serverKeyExchange:
          f.keyExchange = parseServerKeyExchange(body, f.hello.suite);
          return;
        case HANDSHAKE.serverHelloDone:
          if (body.length !== 0) throw new WireError('ServerHelloDone with a body');
          f.done = true;
          return;
        case HANDSHAKE.serverHello:
          throw new WireError('a second ServerHello');
        default:
          // CertificateStatus, CertificateRequest and others: not needed for the scan.
          return;
      }
    } catch (e) {
      throw new FlightError('protocol', (e as Error).message);
    }
  }
}

function concatTwo(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function describeNonTls(buf: Uint8Array): string {
  const head = buf.subarray(0, 64);
  const printable = Array.from(head).every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127));
  if (printable) {
    const text = (new TextDecoder().decode(head).split(/\r?\n/)[0] ?? '').trim();
    if (/^HTTP\/\d/.test(text)) return `the server answered in HTTP ("${text}"), not TLS`;
    return `the server answered with text ("${text}"), not TLS`;
  }
  return `the server answered with bytes that are not a TLS record (${hex(buf.subarray(0, 8))}…)`;
}

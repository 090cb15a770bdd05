/**
 * Small fake TLS servers in Node for what OpenSSL 3 cannot serve (SSLv3, 3DES, RC4, export
 * suites, X25519MLKEM768) and for faults. They answer a ClientHello with a canned first
 * flight (ServerHello, Certificate, ServerKeyExchange, ServerHelloDone, or a TLS 1.3
 * ServerHello / HelloRetryRequest) and never finish a handshake. The ClientHello parser here is
 * written separately from the scanner's builder, so a test compares two readings of RFC 5246 / 8446.
 */
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';

export type Fault =
  /** Accepts and never answers. */
  | 'silent'
  /** Answers an HTTP 400 page. */
  | 'http'
  /** Answers random bytes. */
  | 'garbage'
  /** Reads the hello, then resets the connection (RST). */
  | 'reset'
  /** Sends the first half of its flight, then resets the connection. */
  | 'reset-mid-flight'
  /** Sends a valid flight one byte a second (the first at once). */
  | 'drip'
  /** Sends the ServerHello, then closes. */
  | 'close-after-server-hello';

export interface FakeTlsSpec {
  /** Versions served (wire codes: 0x0300 SSLv3 … 0x0304 TLS 1.3). */
  versions: number[];
  /** TLS ≤ 1.2 suites the server accepts, in its preference order. */
  suites: number[];
  /** TLS 1.3 suites (default 0x1301, 0x1302). */
  suites13?: number[];
  /** Choose by the server's order (default: the client's). */
  serverOrder?: boolean;
  /** TLS 1.3 groups, in preference order (default x25519). */
  groups13?: number[];
  /** Certificates sent in TLS ≤ 1.2 (DER). */
  chainDer?: Uint8Array[];
  /** Answer renegotiation_info (RFC 5746). Default true. */
  renegotiationInfo?: boolean;
  /** Answer TLS_FALLBACK_SCSV with inappropriate_fallback (RFC 7507). Default true. */
  fallbackScsv?: boolean;
  /** DH prime size in the ServerKeyExchange of DHE suites (default 2048). */
  dhBits?: number;
  fault?: Fault;
  /** Serve SSLv2: answer an SSLv2 CLIENT-HELLO with a SERVER-HELLO listing these cipher kinds (24-bit) the client offered, and this certificate. */
  ssl2?: { kinds: number[]; certificate?: Uint8Array };
  /** Without `ssl2`: how an SSLv2 CLIENT-HELLO is answered (default: a TLS protocol_version alert, as OpenSSL 3 does). */
  ssl2Refusal?: 'alert' | 'close' | 'reset' | 'ssl2-error' | 'text' | 'silent';
  /** Reset the connection on a ClientHello offering more suites than this (old servers and middleboxes). */
  maxSuites?: number;
  /** Never answer a ClientHello whose record body length is in [min, max] (the F5 terminator bug: 256–511). */
  hangOnHelloLength?: [number, number];
  /** Close the connection instead of a handshake_failure alert when no offered suite is acceptable (old IIS). */
  closeWhenNothingAcceptable?: boolean;
  /** Close the connection (no alert) when it would pick one of these suites (a server broken on them: dovecot's DHE without DH parameters). */
  breakOnSuites?: number[];
  /** Negotiate the heartbeat extension (RFC 6520) when offered: 'patched' discards a request longer than its payload, 'vulnerable' answers it as OpenSSL 1.0.1–1.0.1f did (Heartbleed). */
  heartbeat?: 'patched' | 'vulnerable';
  /** Choose DEFLATE when the client offers it (CRIME). */
  compression?: boolean;
  /** Take a ChangeCipherSpec before the key exchange and fail on the next record with bad_record_mac (CVE-2014-0224); otherwise refuse it with unexpected_message. */
  ccsInjection?: boolean;
  /** Never answer a ClientHello offering this highest version (wire code; TLS 1.3 by supported_versions). */
  silentOnVersions?: number[];
}

export interface ParsedSsl2ClientHello {
  version: number;
  kinds: number[];
  challenge: Buffer;
}

/** Parses an SSLv2 CLIENT-HELLO (two-byte header); undefined while incomplete, throws when it is not one. */
export function parseSsl2ClientHello(buf: Buffer): ParsedSsl2ClientHello | undefined {
  if (buf.length < 2) return undefined;
  if (!(buf[0]! & 0x80)) throw new Error('not an SSLv2 two-byte header');
  const len = ((buf[0]! & 0x7f) << 8) | buf[1]!;
  if (buf.length < 2 + len) return undefined;
  const b = buf.subarray(2, 2 + len);
  if (b[0] !== 1) throw new Error('not a CLIENT-HELLO');
  const version = b.readUInt16BE(1);
  const csLen = b.readUInt16BE(3);
  const sidLen = b.readUInt16BE(5);
  const chLen = b.readUInt16BE(7);
  if (9 + csLen + sidLen + chLen !== b.length || csLen % 3) throw new Error('bad CLIENT-HELLO lengths');
  const kinds: number[] = [];
  for (let i = 0; i < csLen; i += 3) kinds.push(b.readUIntBE(9 + i, 3));
  return { version, kinds, challenge: b.subarray(9 + csLen + sidLen) };
}

/** The SSLv2 SERVER-HELLO for `hello` (cipher kinds both sides have, in the server's order). */
export function ssl2ServerHello(kinds: number[], certificate: Uint8Array, hello: ParsedSsl2ClientHello): Buffer {
  const shared = kinds.filter((k) => hello.kinds.includes(k));
  const specs = Buffer.concat(shared.map((k) => Buffer.from([(k >> 16) & 0xff, (k >> 8) & 0xff, k & 0xff])));
  const connId = randomBytes(16);
  const body = Buffer.concat([Buffer.from([4, 0, 1]), u16(0x0002), u16(certificate.length), u16(specs.length), u16(connId.length), Buffer.from(certificate), specs, connId]);
  return Buffer.concat([Buffer.from([0x80 | (body.length >> 8), body.length & 0xff]), body]);
}

export interface ParsedClientHello {
  recordVersion: number;
  clientVersion: number;
  suites: number[];
  serverName?: string;
  groups: number[];
  keyShareGroups: number[];
  supportedVersions: number[];
  renegotiationInfo: boolean;
  compression: number[];
  heartbeat: boolean;
}

/** Parses a ClientHello record (throws on anything malformed). */
export function parseClientHello(buf: Buffer): ParsedClientHello | undefined {
  if (buf.length < 5) return undefined;
  if (buf[0] !== 22) throw new Error(`not a handshake record (${buf[0]})`);
  const recLen = buf.readUInt16BE(3);
  if (buf.length < 5 + recLen) return undefined;
  const hs = buf.subarray(5, 5 + recLen);
  if (hs[0] !== 1) throw new Error('not a ClientHello');
  const len = hs.readUIntBE(1, 3);
  const b = hs.subarray(4, 4 + len);
  let p = 0;
  const clientVersion = b.readUInt16BE(p);
  p += 2 + 32;
  p += 1 + b[p]!;
  const suitesLen = b.readUInt16BE(p);
  p += 2;
  const suites: number[] = [];
  for (let i = 0; i < suitesLen; i += 2) suites.push(b.readUInt16BE(p + i));
  p += suitesLen;
  const compression = [...b.subarray(p + 1, p + 1 + b[p]!)];
  p += 1 + b[p]!;
  const out: ParsedClientHello = { recordVersion: buf.readUInt16BE(1), clientVersion, suites, groups: [], keyShareGroups: [], supportedVersions: [], renegotiationInfo: false, compression, heartbeat: false };
  if (p >= b.length) return out;
  const extEnd = p + 2 + b.readUInt16BE(p);
  p += 2;
  while (p < extEnd) {
    const type = b.readUInt16BE(p);
    const elen = b.readUInt16BE(p + 2);
    const e = b.subarray(p + 4, p + 4 + elen);
    p += 4 + elen;
    if (type === 0) out.serverName = e.subarray(5).toString('latin1');
    if (type === 10) for (let i = 2; i < e.length; i += 2) out.groups.push(e.readUInt16BE(i));
    if (type === 43) for (let i = 1; i < e.length; i += 2) out.supportedVersions.push(e.readUInt16BE(i));
    if (type === 51) {
      let q = 2;
      while (q < e.length) {
        out.keyShareGroups.push(e.readUInt16BE(q));
        q += 4 + e.readUInt16BE(q + 2);
      }
    }
    if (type === 0xff01) out.renegotiationInfo = true;
    if (type === 15) out.heartbeat = true;
  }
  return out;
}

const u16 = (v: number): Buffer => Buffer.from([(v >> 8) & 0xff, v & 0xff]);
const u24 = (v: number): Buffer => Buffer.from([(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
const record = (type: number, version: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type]), u16(version), u16(body.length), body]);
const handshake = (type: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type]), u24(body.length), body]);
const alert = (version: number, description: number): Buffer => record(21, version, Buffer.from([2, description]));
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

function serverHello(version: number, suite: number, exts: Buffer[], sessionId: Buffer, random = randomBytes(32), compression = 0): Buffer {
  const extBlock = Buffer.concat(exts);
  return handshake(2, Buffer.concat([u16(version), random, Buffer.from([sessionId.length]), sessionId, u16(suite), Buffer.from([compression]), ...(exts.length ? [u16(extBlock.length), extBlock] : [])]));
}

/** The flight the fake answers a ClientHello with. */
export function answer(spec: FakeTlsSpec, hello: ParsedClientHello): Buffer {
  const tls13 = hello.supportedVersions.includes(0x0304) && spec.versions.includes(0x0304);
  const sid = randomBytes(32);
  if (tls13) {
    const suites13 = spec.suites13 ?? [0x1301, 0x1302];
    const suite = pick(spec, suites13, hello.suites);
    if (suite === undefined) return alert(0x0303, 40);
    const groups13 = spec.groups13 ?? [0x001d];
    const group = groups13.find((g) => hello.groups.includes(g));
    if (group === undefined) return alert(0x0303, 40);
    const sv = Buffer.concat([u16(43), u16(2), u16(0x0304)]);
    if (!hello.keyShareGroups.includes(group)) {
      const ks = Buffer.concat([u16(51), u16(2), u16(group)]);
      return record(22, 0x0303, serverHello(0x0303, suite, [sv, ks], sid, HRR_RANDOM));
    }
    const key = randomBytes(32);
    const ks = Buffer.concat([u16(51), u16(4 + key.length), u16(group), u16(key.length), key]);
    return Buffer.concat([record(22, 0x0303, serverHello(0x0303, suite, [sv, ks], sid)), record(20, 0x0303, Buffer.from([1])), record(23, 0x0303, randomBytes(40))]);
  }
  const legacy = spec.versions.filter((v) => v <= 0x0303);
  const max = Math.max(...legacy);
  const version = Math.min(hello.clientVersion, max);
  const recVersion = Math.min(version, 0x0303);
  if (!legacy.includes(version)) return alert(Math.max(0x0300, Math.min(hello.clientVersion, 0x0303)), 70);
  if (hello.suites.includes(0x5600) && hello.clientVersion < Math.max(...spec.versions) && (spec.fallbackScsv ?? true)) return alert(recVersion, 86);
  const suite = pick(spec, spec.suites, hello.suites);
  if (suite === undefined) return spec.closeWhenNothingAcceptable ? Buffer.alloc(0) : alert(recVersion, 40);
  if (spec.breakOnSuites?.includes(suite)) return Buffer.alloc(0);
  const exts: Buffer[] = [];
  if ((spec.renegotiationInfo ?? true) && (hello.renegotiationInfo || hello.suites.includes(0x00ff))) exts.push(Buffer.concat([u16(0xff01), u16(1), Buffer.from([0])]));
  if (spec.heartbeat && hello.heartbeat) exts.push(Buffer.concat([u16(15), u16(1), Buffer.from([1])]));
  const deflate = spec.compression && hello.compression.includes(1);
  const msgs = [serverHello(version, suite, exts, sid, randomBytes(32), deflate ? 1 : 0)];
  const chain = spec.chainDer ?? [randomBytes(300)];
  const list = Buffer.concat(chain.map((c) => Buffer.concat([u24(c.length), Buffer.from(c)])));
  msgs.push(handshake(11, Buffer.concat([u24(list.length), list])));
  if (DHE.has(suite)) {
    const bytes = Math.ceil((spec.dhBits ?? 2048) / 8);
    const prime = randomBytes(bytes);
    prime[0] = prime[0]! | 0x80;
    msgs.push(handshake(12, Buffer.concat([u16(bytes), prime, u16(1), Buffer.from([2]), u16(bytes), randomBytes(bytes), u16(0x0401), u16(256), randomBytes(256)])));
  } else if (ECDHE.has(suite)) {
    const group = [0x001d, 0x0017].find((g) => hello.groups.includes(g)) ?? 0x0017;
    msgs.push(handshake(12, Buffer.concat([Buffer.from([3]), u16(group), Buffer.from([32]), randomBytes(32), u16(0x0401), u16(256), randomBytes(256)])));
  }
  msgs.push(handshake(14, Buffer.alloc(0)));
  return record(22, recVersion, Buffer.concat(msgs));
}

/** DHE and ECDHE suites the fakes know (enough for the fixtures that use them). */
const DHE = new Set([0x0016, 0x0033, 0x0039, 0x009e, 0x009f, 0x0014, 0x0011]);
const ECDHE = new Set([0xc012, 0xc013, 0xc014, 0xc02f, 0xc030, 0xc011]);

function pick(spec: FakeTlsSpec, serverSuites: number[], clientSuites: number[]): number | undefined {
  return spec.serverOrder ? serverSuites.find((s) => clientSuites.includes(s)) : clientSuites.find((s) => serverSuites.includes(s));
}

export interface FakeTlsServer {
  port: number;
  /** ClientHellos received so far (parsed). */
  hellos: ParsedClientHello[];
  /** Record body lengths of the TLS ClientHellos received, in order. */
  helloLengths: number[];
  /** SSLv2 CLIENT-HELLOs received so far. */
  ssl2Hellos: ParsedSsl2ClientHello[];
  /** Connections accepted so far. */
  connections: number;
  /** Sockets still open (a well-behaved scanner leaves none). */
  openSockets(): number;
  /** The most connections open at the same time. */
  maxOpen: number;
  close(): Promise<void>;
}

/** Starts a fake TLS server on 127.0.0.1 (or `host`), on a port picked by the system. */
export async function startFakeTls(spec: FakeTlsSpec, host = '127.0.0.1'): Promise<FakeTlsServer> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const hellos: ParsedClientHello[] = [];
  const helloLengths: number[] = [];
  const ssl2Hellos: ParsedSsl2ClientHello[] = [];
  let connections = 0;
  let maxOpen = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    maxOpen = Math.max(maxOpen, sockets.size);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let answered = false;
    /** After the flight: the records the client sends (heartbeats, early ChangeCipherSpecs, alerts). */
    let after = Buffer.alloc(0);
    let ccsTaken = false;
    let recordVersion = 0x0303;
    const followUp = (chunk: Buffer): void => {
      after = Buffer.concat([after, chunk]);
      while (after.length >= 5) {
        const type = after[0]!;
        const len = after.readUInt16BE(3);
        if (after.length < 5 + len) return;
        const body = after.subarray(5, 5 + len);
        after = after.subarray(5 + len);
        if (type === 24 && body[0] === 1 && spec.heartbeat === 'vulnerable') {
          // What OpenSSL 1.0.1f did: echo payload_length bytes, read past the request (random bytes here), plus 16 of padding.
          const claimed = body.readUInt16BE(1);
          socket.write(record(24, recordVersion, Buffer.concat([Buffer.from([2]), u16(claimed), randomBytes(claimed + 16)])));
        } else if (type === 20) {
          if (!spec.ccsInjection) {
            socket.end(alert(recordVersion, 10));
            return;
          }
          if (ccsTaken) {
            socket.end(alert(recordVersion, 20));
            return;
          }
          ccsTaken = true;
        } else if (type === 21) {
          socket.end();
          return;
        }
      }
    };
    socket.on('data', (chunk) => {
      if (answered) {
        followUp(chunk);
        return;
      }
      buf = Buffer.concat([buf, chunk]);
      if (spec.fault === 'silent') return;
      if (spec.fault === 'http') {
        answered = true;
        socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      if (spec.fault === 'garbage') {
        answered = true;
        socket.end(Buffer.concat([Buffer.from([0x99, 0x42]), randomBytes(64)]));
        return;
      }
      if (buf[0]! & 0x80) {
        let v2: ParsedSsl2ClientHello | undefined;
        try {
          v2 = parseSsl2ClientHello(buf);
        } catch {
          answered = true;
          socket.destroy();
          return;
        }
        if (!v2) return;
        answered = true;
        ssl2Hellos.push(v2);
        if (spec.ssl2) {
          socket.end(ssl2ServerHello(spec.ssl2.kinds, spec.ssl2.certificate ?? randomBytes(300), v2));
          return;
        }
        const refusal = spec.ssl2Refusal ?? 'alert';
        if (refusal === 'silent') return;
        if (refusal === 'reset') socket.resetAndDestroy();
        else if (refusal === 'close') socket.end();
        else if (refusal === 'text') socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
        // SSLv2 ERROR message, NO-CIPHER-ERROR (0x0001).
        else if (refusal === 'ssl2-error') socket.end(Buffer.from([0x80, 3, 0, 0, 1]));
        else socket.end(alert(0x0303, 70));
        return;
      }
      let hello: ParsedClientHello | undefined;
      try {
        hello = parseClientHello(buf);
      } catch {
        answered = true;
        socket.destroy();
        return;
      }
      if (!hello) return;
      answered = true;
      hellos.push(hello);
      const recordLength = buf.readUInt16BE(3);
      helloLengths.push(recordLength);
      if (spec.maxSuites !== undefined && hello.suites.length > spec.maxSuites) {
        socket.resetAndDestroy();
        return;
      }
      if (spec.hangOnHelloLength && recordLength >= spec.hangOnHelloLength[0] && recordLength <= spec.hangOnHelloLength[1]) return;
      if (spec.silentOnVersions?.includes(hello.supportedVersions.length ? Math.max(...hello.supportedVersions) : hello.clientVersion)) return;
      if (spec.fault === 'reset') {
        socket.resetAndDestroy();
        return;
      }
      const flight = answer(spec, hello);
      recordVersion = flight.length >= 3 ? flight.readUInt16BE(1) : 0x0303;
      if (flight.length === 0) {
        socket.end();
        return;
      }
      if (spec.fault === 'reset-mid-flight') {
        socket.write(flight.subarray(0, flight.length >> 1), () => setTimeout(() => socket.resetAndDestroy(), 50));
        return;
      }
      if (spec.fault === 'close-after-server-hello' && flight[0] === 22) {
        // The record header and the ServerHello message only.
        const shLen = 4 + flight.readUIntBE(6, 3);
        const sh = Buffer.concat([Buffer.from([22]), flight.subarray(1, 3), u16(shLen), flight.subarray(5, 5 + shLen)]);
        socket.end(sh);
        return;
      }
      if (spec.fault === 'drip') {
        socket.write(flight.subarray(0, 1));
        let i = 1;
        const t = setInterval(() => {
          if (socket.destroyed || i >= flight.length) {
            clearInterval(t);
            timers.delete(t);
            return;
          }
          socket.write(flight.subarray(i, ++i));
        }, 1000);
        timers.add(t);
        return;
      }
      socket.write(flight);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const addr = server.address() as net.AddressInfo;
  return {
    port: addr.port,
    hellos,
    helloLengths,
    ssl2Hellos,
    get connections() {
      return connections;
    },
    get maxOpen() {
      return maxOpen;
    },
    openSockets: () => sockets.size,
    async close() {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

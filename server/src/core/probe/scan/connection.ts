/**
 * One ClientHello over one plain TCP socket: connect, write the hello, read the server's
 * first flight, destroy the socket. Whatever happens (timeout, reset, garbage, cancel) the
 * socket is destroyed and the promise settles exactly once.
 */
import * as net from 'node:net';
import { upgradeSocket, type Upgrading } from '../starttls';
import { ProbeError, type StarttlsProtocol } from '../types';
import { FlightError, FlightReader, type Flight } from './serverFlight';
import { Ssl2Reader, type Ssl2Answer } from './sslv2';

export interface Endpoint {
  /** Address to connect to (IP literal or host name). */
  address: string;
  port: number;
  family?: 4 | 6;
}

export type Exchange =
  /** The server answered with a ServerHello (and, for TLS ≤ 1.2, the rest of its flight) or an alert. */
  | { kind: 'flight'; flight: Flight }
  /** The server closed (FIN) or reset the connection without sending a byte. */
  | { kind: 'closed'; reset: boolean };

export interface ExchangeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Stop reading after the ServerHello (TLS 1.3 and suite elimination need nothing more). */
  stopAtHello?: boolean;
  /** Speak this protocol's upgrade (STARTTLS) after the connect, before the hello; the timeout covers it. */
  upgrade?: { protocol: StarttlsProtocol; serverName?: string };
}

function describeEndpoint(e: Endpoint): string {
  return net.isIPv6(e.address) ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

function errorFor(e: Endpoint, err: NodeJS.ErrnoException, received: number): ProbeError {
  const where = describeEndpoint(e);
  switch (err.code) {
    case 'ECONNREFUSED':
      return new ProbeError('refused', `connection refused by ${where}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NODATA':
    case 'EAI_FAIL':
      return new ProbeError('dns', `cannot resolve ${e.address} (${err.code})`);
    case 'ETIMEDOUT':
      return new ProbeError('timeout', `connecting to ${where} timed out`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new ProbeError('refused', `${where} is unreachable (${err.code})`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new ProbeError('reset', `${where} reset the connection${received ? ` after ${received} byte(s) of its answer` : ''}`);
    default:
      return new ProbeError('reset', `connection to ${where} failed: ${err.message}`);
  }
}

/** What reads the server's bytes: an answer once complete, undefined while more are needed. */
interface AnswerReader<T> {
  /** Bytes from the server; `write` sends more (a follow-up after the first flight). */
  push(chunk: Uint8Array, write: (bytes: Uint8Array) => void): T | undefined;
  readonly received: number;
  /** Why a close after part of an answer is a protocol error. */
  incomplete(): string;
  /** A close, reset or timeout that is an answer in itself (after a follow-up); undefined: the usual handling. */
  onEnd?(how: 'closed' | 'reset' | 'timeout'): T | undefined;
}

/**
 * Sends `hello` and reads the answer. Resolves with the flight or a close without answer;
 * rejects only with a ProbeError: refused, dns, timeout (connect + answer within
 * `timeoutMs`), reset (after part of an answer), not-tls, protocol, cancelled.
 */
export function exchange(endpoint: Endpoint, hello: Uint8Array, options: ExchangeOptions): Promise<Exchange> {
  const reader = new FlightReader(options.stopAtHello ?? false);
  return exchangeWith<Extract<Exchange, { kind: 'flight' }>>(endpoint, hello, options, {
    push: (chunk) => (reader.push(chunk) ? { kind: 'flight', flight: reader.flight } : undefined),
    get received() {
      return reader.received;
    },
    incomplete: () => (reader.flight.hello ? 'after its ServerHello, before ServerHelloDone' : `after ${reader.received} byte(s), in the middle of a record`),
  });
}

export type Ssl2Exchange = { kind: 'answer'; answer: Ssl2Answer } | { kind: 'closed'; reset: boolean };

/** Sends an SSLv2 CLIENT-HELLO and reads the answer (sslv2.ts), with the same guarantees as `exchange`. */
export function exchangeSsl2(endpoint: Endpoint, hello: Uint8Array, options: ExchangeOptions): Promise<Ssl2Exchange> {
  const reader = new Ssl2Reader();
  return exchangeWith<Ssl2Exchange>(endpoint, hello, options, {
    push: (chunk) => {
      const a = reader.push(chunk);
      return a ? { kind: 'answer', answer: a } : undefined;
    },
    get received() {
      return reader.received;
    },
    incomplete: () => `after ${reader.received} byte(s), in the middle of an SSLv2 record`,
  });
}

function exchangeWith<T>(endpoint: Endpoint, hello: Uint8Array, options: ExchangeOptions, reader: AnswerReader<T>): Promise<T | { kind: 'closed'; reset: boolean }> {
  return new Promise<T | { kind: 'closed'; reset: boolean }>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new ProbeError('cancelled', 'the probe was cancelled'));
      return;
    }
    let settled = false;
    const socket = net.connect({ host: endpoint.address, port: endpoint.port, family: endpoint.family });
    const finish = (outcome: { ok: T | { kind: 'closed'; reset: boolean } } | { err: ProbeError }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if ('ok' in outcome) resolve(outcome.ok);
      else reject(outcome.err);
    };
    const onAbort = (): void => finish({ err: new ProbeError('cancelled', 'the probe was cancelled') });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    /** The upgrade in progress (STARTTLS): the socket's events are its own until it is done. */
    let upgrading: Upgrading | undefined;
    const timer = setTimeout(() => {
      const ended = reader.onEnd?.('timeout');
      if (ended !== undefined) {
        finish({ ok: ended });
        return;
      }
      const what = upgrading
        ? `did not finish ${upgrading.describe()}`
        : reader.received
          ? `answered only ${reader.received} byte(s)`
          : socket.connecting
            ? 'did not accept the connection'
            : 'did not answer the ClientHello';
      finish({ err: new ProbeError('timeout', `${describeEndpoint(endpoint)} ${what} within ${options.timeoutMs} ms`) });
    }, options.timeoutMs);
    socket.setNoDelay(true);
    const push = (chunk: Uint8Array): void => {
      if (settled) return;
      try {
        const done = reader.push(chunk, (b) => socket.write(b));
        if (done !== undefined) finish({ ok: done });
      } catch (e) {
        const kind = e instanceof FlightError ? e.kind : 'protocol';
        finish({ err: new ProbeError(kind, `${describeEndpoint(endpoint)}: ${(e as Error).message}`) });
      }
    };
    socket.once('connect', () => {
      const up = options.upgrade;
      if (!up) {
        socket.write(hello);
        return;
      }
      const u = upgradeSocket(socket, up.protocol, { serverName: up.serverName });
      upgrading = u;
      u.done.then(
        (rest) => {
          upgrading = undefined;
          if (settled) return;
          socket.write(hello);
          if (rest.length) push(rest);
        },
        (e: unknown) => finish({ err: e instanceof ProbeError ? e : new ProbeError('starttls', String(e)) }),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      if (!upgrading) push(chunk);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (settled || upgrading) return;
      const ended = err.code === 'ECONNRESET' || err.code === 'EPIPE' ? reader.onEnd?.('reset') : undefined;
      if (ended !== undefined) {
        finish({ ok: ended });
        return;
      }
      if (reader.received === 0 && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
        finish({ ok: { kind: 'closed', reset: true } });
        return;
      }
      finish({ err: errorFor(endpoint, err, reader.received) });
    });
    socket.on('close', () => {
      if (settled || upgrading) return;
      const ended = reader.onEnd?.('closed');
      if (ended !== undefined) {
        finish({ ok: ended });
        return;
      }
      if (reader.received === 0) {
        finish({ ok: { kind: 'closed', reset: false } });
        return;
      }
      finish({ err: new ProbeError('protocol', `${describeEndpoint(endpoint)} closed the connection ${reader.incomplete()}`) });
    });
  });
}

/** A record the server sent after the client's follow-up. */
export interface AfterRecord {
  type: number;
  length: number;
  /** The alert description when `type` is 21 (only when the record is readable: a plaintext alert). */
  alert?: number;
}

/** What followed the client's follow-up: the server's records, and how the connection ended. */
export interface After {
  records: AfterRecord[];
  /** 'answered': `until` was met; otherwise how the wait ended. */
  end: 'answered' | 'closed' | 'reset' | 'timeout';
}

export type Conversation = Exchange | { kind: 'after'; flight: Flight; after: After };

/**
 * A hello, the server's first flight, then what `next` sends after it (a heartbeat request,
 * an early ChangeCipherSpec …), and the server's records until `until` says enough, or it
 * closes, resets or the timeout ends the wait — each an answer, never an error. `next`
 * returning undefined ends the conversation at the flight, as `exchange` does. Only record
 * headers (and plaintext alerts) are kept: nothing the server sends back is stored.
 */
export function converse(
  endpoint: Endpoint,
  hello: Uint8Array,
  options: ExchangeOptions,
  next: (flight: Flight) => Uint8Array | undefined,
  until: (record: AfterRecord) => boolean,
): Promise<Conversation> {
  const reader = new FlightReader(false);
  let flight: Flight | undefined;
  let buf: Uint8Array = new Uint8Array(0);
  const records: AfterRecord[] = [];
  let followed = false;
  const readRecords = (): Conversation | undefined => {
    while (buf.length >= 5) {
      const type = buf[0]!;
      const length = (buf[3]! << 8) | buf[4]!;
      if (buf.length < 5 + length) break;
      const rec: AfterRecord = { type, length };
      if (type === 21 && length === 2) rec.alert = buf[6]!;
      buf = buf.subarray(5 + length);
      records.push(rec);
      if (until(rec)) return { kind: 'after', flight: flight!, after: { records, end: 'answered' } };
    }
    return undefined;
  };
  return exchangeWith<Conversation>(endpoint, hello, options, {
    push: (chunk, write) => {
      if (flight) {
        buf = concatBytes(buf, chunk);
        return readRecords();
      }
      if (!reader.push(chunk)) return undefined;
      flight = reader.flight;
      const more = flight.alert || !flight.hello ? undefined : next(flight);
      if (!more) return { kind: 'flight', flight };
      buf = reader.rest();
      followed = true;
      write(more);
      return readRecords();
    },
    get received() {
      return reader.received;
    },
    incomplete: () => (reader.flight.hello ? 'after its ServerHello, before ServerHelloDone' : `after ${reader.received} byte(s), in the middle of a record`),
    onEnd: (how) => (followed && flight ? { kind: 'after', flight, after: { records, end: how } } : undefined),
  });
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * The conversation on a plain socket before TLS starts (STARTTLS and the like): reads lines
 * or bytes as they arrive, writes commands, and fails with a ProbeError that says what the
 * server last said when it closes, resets or says too much. The caller owns the socket and its
 * timeout; destroying the socket ends a pending read with an error the caller has settled past.
 */
import type * as net from 'node:net';
import { ProbeError } from '../types';

/** A server that sends more than this before TLS is not speaking the protocol. */
const MAX_DIALOGUE_BYTES = 64 * 1024;
/** The longest line read (SMTP allows 512, IMAP greetings with capabilities run longer). */
const MAX_LINE = 8192;

export interface UpgradeContext {
  /** The server name (SNI) when there is one: XMPP's stream `to`. */
  serverName?: string;
  /** The socket's own address: SMTP's EHLO address literal. */
  localAddress?: string;
}

export class Dialogue {
  private buf: Buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private failure: ProbeError | undefined;
  private total = 0;
  /** The server's last line (or what was read last), for messages. */
  last = '';
  /** What the dialogue is waiting for, for a timeout's message ("the EHLO answer"). */
  waitingFor = 'the greeting';

  constructor(
    private readonly socket: net.Socket,
    /** The protocol's display name (SMTP, PostgreSQL …). */
    readonly protocol: string,
  ) {
    socket.on('data', this.onData);
    socket.once('end', this.onEnd);
    socket.once('close', this.onEnd);
    socket.on('error', this.onError);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.total += chunk.length;
    if (this.total > MAX_DIALOGUE_BYTES) {
      this.fail(this.refuse(`the server sent more than ${MAX_DIALOGUE_BYTES} bytes before TLS`, 'protocol'));
      return;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    this.wake?.();
  };

  private readonly onEnd = (): void => {
    this.fail(this.refuse(`the server closed the connection while TLS Lens waited for ${this.waitingFor}${this.lastSaid()}`));
  };

  private readonly onError = (err: NodeJS.ErrnoException): void => {
    const reset = err.code === 'ECONNRESET' || err.code === 'EPIPE';
    this.fail(new ProbeError('reset', `${this.protocol}: ${reset ? 'the server reset the connection' : `the connection failed (${err.code ?? err.message})`} while TLS Lens waited for ${this.waitingFor}${this.lastSaid()}`));
  };

  private lastSaid(): string {
    return this.last ? ` (its last words: "${this.last}")` : '';
  }

  private fail(e: ProbeError): void {
    this.failure ??= e;
    this.wake?.();
  }

  /** A ProbeError about this protocol's dialogue ('starttls' unless told). */
  refuse(message: string, code: 'starttls' | 'protocol' | 'not-tls' = 'starttls'): ProbeError {
    return new ProbeError(code, `${this.protocol}: ${message}`);
  }

  /** Waits until `take` finds what it needs in the buffer; it returns the value and the bytes it used. */
  private async read<T>(take: (buf: Buffer) => { value: T; used: number } | undefined): Promise<T> {
    for (;;) {
      const r = take(this.buf);
      if (r) {
        this.buf = this.buf.subarray(r.used);
        return r.value;
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /** One line without its CRLF (a bare LF is accepted too). */
  line(what = this.waitingFor): Promise<string> {
    this.waitingFor = what;
    return this.read((buf) => {
      const i = buf.indexOf(0x0a);
      if (i < 0) {
        if (buf.length > MAX_LINE) throw this.refuse(`a line longer than ${MAX_LINE} bytes`, 'protocol');
        return undefined;
      }
      const text = buf.subarray(0, i).toString('latin1').replace(/\r$/, '');
      this.last = printable(text);
      return { value: text, used: i + 1 };
    });
  }

  /** Exactly `n` bytes. */
  bytes(n: number, what = this.waitingFor): Promise<Buffer> {
    this.waitingFor = what;
    return this.read((buf) => (buf.length >= n ? { value: Buffer.from(buf.subarray(0, n)), used: n } : undefined));
  }

  /** Text up to and including the first match of `end` (XML streams). */
  until(end: RegExp, what = this.waitingFor): Promise<string> {
    this.waitingFor = what;
    return this.read((buf) => {
      const text = buf.toString('latin1');
      const m = end.exec(text);
      if (!m) return undefined;
      const used = m.index + m[0].length;
      this.last = printable(text.slice(Math.max(0, used - 200), used));
      return { value: text.slice(0, used), used: Buffer.byteLength(text.slice(0, used), 'latin1') };
    });
  }

  /**
   * A numeric reply (RFC 5321 §4.2, RFC 959 §4.2): `ddd-text` lines continue it, the first
   * `ddd text` line with the same code ends it. FTP's inner lines need not carry the code.
   */
  async reply(what = this.waitingFor): Promise<{ code: number; lines: string[] }> {
    const first = await this.line(what);
    const m = /^(\d{3})([ -]?)(.*)$/.exec(first);
    if (!m) throw this.refuse(`expected a numeric reply, got "${printable(first)}"`, 'protocol');
    const code = Number(m[1]);
    const lines = [m[3]!];
    if (m[2] === '-') {
      for (;;) {
        const l = await this.line(what);
        const n = /^(\d{3})([ -]?)(.*)$/.exec(l);
        lines.push(n ? n[3]! : l);
        if (n && n[1] === m[1] && n[2] !== '-') break;
      }
    }
    return { code, lines };
  }

  write(data: string | Uint8Array): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Ends the dialogue: stops listening and hands back whatever the server sent past the go-ahead. */
  release(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    return rest;
  }
}

/** A server's text as it may be quoted in a message: printable ASCII, at most 160 characters. */
export function printable(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 160 ? `${clean.slice(0, 157)}…` : clean;
}

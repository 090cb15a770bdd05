/**
 * Bytes on the wire: a bounds-checked reader and writers for TLS vectors (RFC 8446 §3).
 * Every read checks its length; a short or inconsistent message raises a WireError, which
 * the connection turns into a ProbeError('protocol').
 */

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export class Reader {
  private pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (n > this.remaining) throw new WireError(`${this.what}: needs ${n} more byte(s), ${this.remaining} left`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  u24(): number {
    this.need(3);
    const v = (this.buf[this.pos]! << 16) | (this.buf[this.pos + 1]! << 8) | this.buf[this.pos + 2]!;
    this.pos += 3;
    return v;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** A vector with a 1-, 2- or 3-byte length prefix. */
  vec(lengthBytes: 1 | 2 | 3): Uint8Array {
    const n = lengthBytes === 1 ? this.u8() : lengthBytes === 2 ? this.u16() : this.u24();
    return this.bytes(n);
  }
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }
  /** Fails unless every byte was consumed. */
  end(): void {
    if (this.remaining !== 0) throw new WireError(`${this.what}: ${this.remaining} unexpected trailing byte(s)`);
  }
}

export function u8(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff);
}
export function u16(v: number): Uint8Array {
  return Uint8Array.of((v >> 8) & 0xff, v & 0xff);
}
export function u24(v: number): Uint8Array {
  return Uint8Array.of((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
}
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
/** A vector: length prefix of `lengthBytes` bytes, then the concatenated parts. */
export function vec(lengthBytes: 1 | 2 | 3, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(parts);
  const max = lengthBytes === 1 ? 0xff : lengthBytes === 2 ? 0xffff : 0xffffff;
  if (body.length > max) throw new WireError(`vector of ${body.length} bytes exceeds ${max}`);
  const len = lengthBytes === 1 ? u8(body.length) : lengthBytes === 2 ? u16(body.length) : u24(body.length);
  return concat([len, body]);
}
export function u16List(values: readonly number[]): Uint8Array {
  return concat(values.map(u16));
}
export function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

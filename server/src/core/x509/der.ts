/**
 * A small, strict DER reader (ITU-T X.690): enough to walk X.509 certificates, keys and
 * DH parameters. Every read is bounds-checked; malformed input throws `DerError`, which
 * callers turn into a located message. No recursion depth depends on the input beyond
 * what a caller asks for.
 */
export class DerError extends Error {}

export interface Tlv {
  /** The identifier octet (class, constructed bit and low tag number), e.g. 0x30 for SEQUENCE. */
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the contents. */
  body: number;
  /** Offset just past the contents. */
  end: number;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8String: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
} as const;

/**
 * The identifier and length octets at `offset` (X.690 §8.1.2–8.1.3): the tag, where the
 * contents start, and where they end — undefined for an indefinite length, which BER allows
 * (`ber.ts`) and DER does not. A definite length must end at or before `limit`.
 */
export function readHeader(bytes: Uint8Array, offset: number, limit: number): { tag: number; body: number; end: number | undefined } {
  if (offset >= limit) throw new DerError('unexpected end of data');
  const tag = bytes[offset]!;
  let p = offset + 1;
  if ((tag & 0x1f) === 0x1f) {
    // High tag number: skip its base-128 octets (never needed by X.509 itself).
    let n = 0;
    while (p < limit && bytes[p]! & 0x80) {
      p++;
      if (++n > 4) throw new DerError('tag number too long');
    }
    p++;
  }
  if (p >= limit) throw new DerError('unexpected end of data (length)');
  let len = bytes[p++]!;
  if (len === 0x80) return { tag, body: p, end: undefined };
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4) throw new DerError('length too large');
    if (p + n > limit) throw new DerError('unexpected end of data (length)');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[p++]!;
  }
  const end = p + len;
  if (end > limit) throw new DerError(`a value claims ${len} byte${len === 1 ? '' : 's'} but only ${limit - p} remain${limit - p === 1 ? 's' : ''} (truncated?)`);
  return { tag, body: p, end };
}

/** Reads one TLV at `offset`, which must end at or before `limit`. */
export function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv {
  const h = readHeader(bytes, offset, limit);
  if (h.end === undefined) throw new DerError('indefinite length is not DER');
  return { tag: h.tag, start: offset, body: h.body, end: h.end };
}

/** The TLVs directly inside a constructed value. */
export function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let p = parent.body;
  while (p < parent.end) {
    const t = readTlv(bytes, p, parent.end);
    out.push(t);
    p = t.end;
  }
  return out;
}

export function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t) throw new DerError(`${what} is missing`);
  if (t.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

export function contents(bytes: Uint8Array, t: Tlv): Uint8Array {
  return bytes.subarray(t.body, t.end);
}

export function oid(bytes: Uint8Array, t: Tlv): string {
  if (t.tag !== TAG.OID || t.end === t.body) throw new DerError('expected an object identifier');
  const parts: number[] = [];
  let v = 0;
  for (let i = t.body; i < t.end; i++) {
    const b = bytes[i]!;
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/** An INTEGER's value as a small number (path lengths, versions); throws when too large. */
export function smallInt(bytes: Uint8Array, t: Tlv): number {
  if (t.tag !== TAG.INTEGER || t.end === t.body) throw new DerError('expected an integer');
  if (t.end - t.body > 6) throw new DerError('integer too large');
  let v = bytes[t.body]! & 0x80 ? -1 : 0;
  for (let i = t.body; i < t.end; i++) v = v * 256 + bytes[i]!;
  return v;
}

/** The bit length of an unsigned INTEGER (an RSA modulus, a DH prime). */
export function integerBits(bytes: Uint8Array, t: Tlv): number {
  let i = t.body;
  while (i < t.end && bytes[i] === 0) i++;
  if (i === t.end) return 0;
  return (t.end - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/** UTCTime (years 1950–2049, RFC 5280 §4.1.2.5.1) or GeneralizedTime; undefined when malformed. */
export function time(bytes: Uint8Array, t: Tlv): Date | undefined {
  return readTime(bytes, t).date;
}

/**
 * A time with why it is refused or what it bends. RFC 5280 §4.1.2.5 is strict: UTCTime and
 * GeneralizedTime are in Zulu time (`Z`) and include seconds, GeneralizedTime without
 * fractions. A time-zone offset or GeneralizedTime without seconds is refused (`error`);
 * UTCTime without seconds and fractional seconds are read, with a `note` saying what the RFC
 * wants.
 */
export function readTime(bytes: Uint8Array, t: Tlv): { date?: Date; error?: string; note?: string } {
  const s = Buffer.from(contents(bytes, t)).toString('latin1');
  let year: number;
  let rest: string;
  let note: string | undefined;
  const shown = JSON.stringify(s).replace(/[^\x20-\x7e]/g, '?');
  if (t.tag === TAG.UTCTime) {
    const m = /^(\d\d)(\d{8})(\d\d)?(Z|[+-]\d{4})$/.exec(s);
    if (!m) return { error: `UTCTime ${shown} is not YYMMDDHHMMSSZ` };
    if (m[4] !== 'Z') return { error: `UTCTime ${shown} has a time-zone offset (${m[4]}); RFC 5280 §4.1.2.5.1 requires Zulu time ("Z")` };
    if (m[3] === undefined) note = `UTCTime ${shown} has no seconds (RFC 5280 §4.1.2.5.1 requires them)`;
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = m[2]! + (m[3] ?? '00');
  } else if (t.tag === TAG.GeneralizedTime) {
    const m = /^(\d{4})(\d{8})(\d\d)?(\.\d+)?(Z|[+-]\d{4})?$/.exec(s);
    if (!m) return { error: `GeneralizedTime ${shown} is not YYYYMMDDHHMMSSZ` };
    if (m[3] === undefined) return { error: `GeneralizedTime ${shown} has no seconds; RFC 5280 §4.1.2.5.2 requires YYYYMMDDHHMMSSZ` };
    if (m[5] !== 'Z') return { error: `GeneralizedTime ${shown} is ${m[5] ? `offset (${m[5]})` : 'local time'}; RFC 5280 §4.1.2.5.2 requires Zulu time ("Z")` };
    if (m[4] !== undefined) note = `GeneralizedTime ${shown} has fractional seconds (RFC 5280 §4.1.2.5.2 forbids them)`;
    year = Number(m[1]);
    rest = m[2]! + m[3];
  } else return { error: `expected UTCTime or GeneralizedTime, found tag 0x${t.tag.toString(16)}` };
  const n = (i: number): number => Number(rest.slice(i, i + 2));
  const month = n(0);
  const day = n(2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || n(4) > 23 || n(6) > 59 || n(8) > 60) return { error: `${shown} is not a calendar date and time` };
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(n(4), n(6), n(8), 0);
  return note ? { date: d, note } : { date: d };
}

/** A directory string (UTF8String, PrintableString, IA5String, BMPString, …) as text. */
export function directoryString(bytes: Uint8Array, t: Tlv): string {
  const c = Buffer.from(contents(bytes, t));
  switch (t.tag) {
    case 0x1e: {
      // BMPString: UTF-16BE.
      const swapped = Buffer.from(c);
      if (swapped.length % 2 === 0) swapped.swap16();
      return swapped.toString('utf16le');
    }
    case 0x1c: {
      // UniversalString: UTF-32BE.
      let s = '';
      for (let i = 0; i + 3 < c.length; i += 4) {
        const cp = c.readUInt32BE(i);
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
    case 0x14: // TeletexString: treated as Latin-1, as OpenSSL shows it.
      return c.toString('latin1');
    case 0x0c:
    case 0x13:
    case 0x16:
    case 0x12:
    case 0x1a:
      return c.toString('utf8');
    default:
      return '#' + c.toString('hex');
  }
}

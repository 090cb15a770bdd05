import { DerError, readHeader, type Tlv } from './der';

/**
 * A BER reader (ITU-T X.690 §8) for the containers other tools write loosely: PKCS#12 and
 * PKCS#7 files from Windows and Java may use indefinite lengths and constructed OCTET STRINGs,
 * which DER forbids. Certificates inside them are still DER and go to the DER decoder.
 * Bounds-checked like `der.ts`; nesting is limited, so no input makes it recurse deeply.
 */
export interface BerTlv extends Tlv {
  /** End of the contents: before the end-of-contents octets when the length is indefinite, else `end`. */
  contentEnd: number;
}

const MAX_DEPTH = 32;

export function readBer(bytes: Uint8Array, offset: number, limit = bytes.length, depth = 0): BerTlv {
  if (depth > MAX_DEPTH) throw new DerError('nested too deeply');
  const { tag, body, end } = readHeader(bytes, offset, limit);
  if (end !== undefined) return { tag, start: offset, body, contentEnd: end, end };
  if (!(tag & 0x20)) throw new DerError('indefinite length on a primitive value');
  // Indefinite length: the contents run to the end-of-contents octets (00 00) at this level.
  for (let p = body; ; ) {
    if (p + 1 < limit && bytes[p] === 0 && bytes[p + 1] === 0) return { tag, start: offset, body, contentEnd: p, end: p + 2 };
    p = readBer(bytes, p, limit, depth + 1).end;
  }
}

/** The values directly inside a constructed BER value. */
export function berChildren(bytes: Uint8Array, parent: BerTlv, depth = 0): BerTlv[] {
  const out: BerTlv[] = [];
  let p = parent.body;
  while (p < parent.contentEnd) {
    const t = readBer(bytes, p, parent.contentEnd, depth + 1);
    out.push(t);
    p = t.end;
  }
  return out;
}

/** The octets of an OCTET STRING, joined from its segments when it is constructed (BER). */
export function berOctets(bytes: Uint8Array, t: BerTlv, depth = 0): Uint8Array {
  if ((t.tag & 0x1f) !== 0x04) throw new DerError(`expected an OCTET STRING, found tag 0x${t.tag.toString(16)}`);
  if (!(t.tag & 0x20)) return bytes.subarray(t.body, t.contentEnd);
  if (depth > MAX_DEPTH) throw new DerError('nested too deeply');
  const parts = berChildren(bytes, t).map((c) => berOctets(bytes, c, depth + 1));
  return Buffer.concat(parts);
}

export function berExpect(t: BerTlv | undefined, tag: number, what: string): BerTlv {
  if (!t) throw new DerError(`${what} is missing`);
  if (t.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

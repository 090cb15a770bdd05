import type { LineIndex, Range } from '../../text';

export interface PemBlock {
  /** The label between BEGIN and the dashes, e.g. CERTIFICATE or PRIVATE KEY. */
  label: string;
  /** From the start of the BEGIN marker to the end of the END marker (or of the input). */
  range: Range;
  /** The BEGIN line's marker, where CodeLens and squiggles for the whole block go. */
  beginRange: Range;
  /** The decoded body, when the block is well formed. */
  der?: Uint8Array;
  /** Why the block is malformed, located on the offending line. */
  problem?: { message: string; range: Range };
}

const BEGIN = /^([ \t]*)-----BEGIN ([A-Z0-9][A-Z0-9 ]*[A-Z0-9])-----[ \t]*$/;
const END = /^[ \t]*-----END ([A-Z0-9][A-Z0-9 ]*[A-Z0-9])-----[ \t]*$/;
const HEADER = /^[ \t]*[A-Za-z][A-Za-z0-9-]*:/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Labels of blocks holding one X.509 certificate (RFC 7468 §5; OpenSSL's TRUSTED CERTIFICATE; the legacy X509 CERTIFICATE). */
export const CERTIFICATE_LABELS: ReadonlySet<string> = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

/** Labels whose body is private key material: never decoded into anything shown. */
export function isPrivateKeyLabel(label: string): boolean {
  return /PRIVATE KEY$/.test(label);
}

/**
 * Finds PEM blocks (RFC 7468) line by line, also when indented (YAML block scalars).
 * Malformed blocks are returned with a located problem instead of being dropped.
 */
export function scanPem(text: string, lines: LineIndex): PemBlock[] {
  if (!text.includes('-----BEGIN ')) return [];
  const blocks: PemBlock[] = [];
  const n = lines.lineCount;
  for (let i = 0; i < n; i++) {
    const line = lines.lineText(i);
    const m = BEGIN.exec(line);
    if (!m) continue;
    const indent = m[1]!.length;
    const label = m[2]!;
    // OpenPGP armour (RFC 4880) looks alike but is not PEM: its checksum line is not base64.
    if (label.startsWith('PGP ')) continue;
    const beginRange: Range = { start: { line: i, character: indent }, end: { line: i, character: line.trimEnd().length } };
    const block: PemBlock = { label, beginRange, range: beginRange };
    let body = '';
    let inHeaders = true;
    let j = i + 1;
    let closed = false;
    for (; j < n; j++) {
      const l = lines.lineText(j);
      const end = END.exec(l);
      if (end) {
        if (end[1] !== label && !block.problem) {
          block.problem = {
            message: `PEM block "BEGIN ${label}" ends with "END ${end[1]}"`,
            range: { start: { line: j, character: 0 }, end: { line: j, character: l.length } },
          };
        }
        block.range = { start: beginRange.start, end: { line: j, character: l.trimEnd().length } };
        closed = true;
        break;
      }
      if (BEGIN.test(l)) break;
      const trimmed = l.trim();
      if (inHeaders && HEADER.test(l) && !BASE64_LINE.test(trimmed)) continue;
      if (trimmed === '') continue;
      inHeaders = false;
      if (!BASE64_LINE.test(trimmed) && !block.problem) {
        const col = l.length - l.trimStart().length;
        block.problem = {
          message: `invalid base64 in PEM block "${label}"`,
          range: { start: { line: j, character: col }, end: { line: j, character: l.trimEnd().length } },
        };
      }
      body += trimmed;
    }
    if (!closed) {
      const last = Math.max(i, j - 1);
      block.range = { start: beginRange.start, end: { line: last, character: lines.lineText(last).length } };
      block.problem ??= { message: `PEM block "${label}" has no "-----END ${label}-----" line`, range: beginRange };
    }
    if (!block.problem) {
      if (body.length === 0 || body.length % 4 !== 0) {
        block.problem = { message: `PEM block "${label}" has a truncated base64 body (${body.length} characters)`, range: beginRange };
      } else {
        block.der = Uint8Array.from(Buffer.from(body, 'base64'));
      }
    }
    blocks.push(block);
    i = closed ? j : j - 1;
  }
  return blocks;
}

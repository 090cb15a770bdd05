/**
 * PostgreSQL SSLRequest (PostgreSQL protocol docs, "SSL Session Encryption"): the 8-byte
 * request, answered by one byte, `S` (go ahead with TLS) or `N` (no TLS). An ErrorResponse
 * instead means a server too old to know the request, or one refusing the client outright.
 */
import { printable, type Dialogue } from './dialogue';

/** Int32 length 8, Int32 80877103 (1234 << 16 | 5679). */
export const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** The 'M' (message) field of an ErrorResponse body (RFC-style field list of type byte + C string). */
export function errorMessage(body: Buffer): string | undefined {
  let p = 0;
  while (p < body.length && body[p] !== 0) {
    const type = String.fromCharCode(body[p]!);
    const end = body.indexOf(0, p + 1);
    if (end < 0) return undefined;
    if (type === 'M') return body.subarray(p + 1, end).toString('utf8');
    p = end + 1;
  }
  return undefined;
}

export async function postgres(d: Dialogue): Promise<void> {
  d.write(SSL_REQUEST);
  const answer = (await d.bytes(1, 'the answer to SSLRequest'))[0]!;
  if (answer === 0x53) return;
  if (answer === 0x4e) throw d.refuse('the server does not accept TLS (it answered SSLRequest with "N": ssl = off?)');
  if (answer === 0x45) {
    const len = (await d.bytes(4)).readUInt32BE(0);
    const msg = len >= 4 && len <= 8192 ? errorMessage(await d.bytes(len - 4)) : undefined;
    throw d.refuse(`the server answered SSLRequest with an error${msg ? `: "${printable(msg)}"` : ''}`);
  }
  throw d.refuse(`the server answered SSLRequest with byte 0x${answer.toString(16).padStart(2, '0')}, not "S" or "N"`, 'not-tls');
}

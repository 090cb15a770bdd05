/**
 * LDAP StartTLS (RFC 4511 §4.14): an ExtendedRequest with the StartTLS OID, answered by an
 * ExtendedResponse whose resultCode is success (0). BER is read with the DER reader's TLV
 * walk (long-form lengths as OpenLDAP writes them are accepted).
 */
import { DerError, children, contents, readTlv, type Tlv } from '../../x509/der';
import { printable, type Dialogue } from './dialogue';

export const STARTTLS_OID = '1.3.6.1.4.1.1466.20037';
/** RFC 4511 §4.4.1: the unsolicited Notice of Disconnection. */
const NOTICE_OF_DISCONNECTION = '1.3.6.1.4.1.1466.20036';
const MAX_MESSAGE = 64 * 1024;

/** RFC 4511 Appendix A result codes a StartTLS answer may carry. */
const RESULT_CODES: Readonly<Record<number, string>> = {
  0: 'success',
  1: 'operationsError',
  2: 'protocolError',
  7: 'authMethodNotSupported',
  8: 'strongerAuthRequired',
  12: 'unavailableCriticalExtension',
  13: 'confidentialityRequired',
  51: 'busy',
  52: 'unavailable',
  53: 'unwillingToPerform',
  80: 'other',
};

function ber(tag: number, body: Uint8Array): Buffer {
  if (body.length > 127) throw new RangeError('short form only');
  return Buffer.concat([Buffer.from([tag, body.length]), body]);
}

/** LDAPMessage { messageID 1, [APPLICATION 23] ExtendedRequest { [0] requestName } }. */
export function startTlsRequest(messageId = 1): Buffer {
  const ext = ber(0x77, ber(0x80, Buffer.from(STARTTLS_OID, 'latin1')));
  return ber(0x30, Buffer.concat([ber(0x02, Buffer.from([messageId])), ext]));
}

export interface ExtendedResponse {
  messageId: number;
  resultCode: number;
  diagnostic: string;
  responseName?: string;
}

/** An INTEGER or ENUMERATED of at most four octets. */
function small(bytes: Uint8Array, t: Tlv): number {
  if (t.end === t.body || t.end - t.body > 4) throw new DerError('a small integer was expected');
  let v = 0;
  for (let i = t.body; i < t.end; i++) v = v * 256 + bytes[i]!;
  return v;
}

/** Parses an LDAPMessage carrying an ExtendedResponse ([APPLICATION 24]); throws DerError otherwise. */
export function parseExtendedResponse(msg: Uint8Array): ExtendedResponse {
  const top = readTlv(msg, 0);
  if (top.tag !== 0x30) throw new DerError(`an LDAPMessage starts with a SEQUENCE, not tag 0x${top.tag.toString(16)}`);
  const [id, op] = children(msg, top);
  if (!id || id.tag !== 0x02 || !op) throw new DerError('an LDAPMessage needs a messageID and an operation');
  if (op.tag !== 0x78) throw new DerError(`the answer is LDAP operation 0x${op.tag.toString(16)}, not an ExtendedResponse`);
  const parts = children(msg, op);
  const code = parts[0];
  if (!code || code.tag !== 0x0a) throw new DerError('an ExtendedResponse starts with its resultCode');
  const diag = parts[2];
  const name = parts.find((p) => p.tag === 0x8a);
  const out: ExtendedResponse = {
    messageId: small(msg, id),
    resultCode: small(msg, code),
    diagnostic: diag && diag.tag === 0x04 ? Buffer.from(contents(msg, diag)).toString('utf8') : '',
  };
  if (name) out.responseName = Buffer.from(contents(msg, name)).toString('latin1');
  return out;
}

/** One BER element off the wire: the identifier, the length (short or long form), the body. */
async function readMessage(d: Dialogue): Promise<Buffer> {
  const head = await d.bytes(2, 'the answer to the StartTLS extended request');
  let len = head[1]!;
  let lenBytes: Buffer = Buffer.alloc(0);
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw d.refuse(`the answer is not an LDAP message (length octet 0x${len.toString(16)})`, 'protocol');
    lenBytes = await d.bytes(n);
    len = lenBytes.reduce((a, b) => a * 256 + b, 0);
  }
  if (len > MAX_MESSAGE) throw d.refuse(`an LDAP message of ${len} bytes`, 'protocol');
  const body = await d.bytes(len);
  return Buffer.concat([head, lenBytes, body]);
}

export async function ldap(d: Dialogue): Promise<void> {
  d.write(startTlsRequest());
  const msg = await readMessage(d);
  if (msg[0] !== 0x30) throw d.refuse(`the server answered with bytes that are not an LDAP message (${msg.subarray(0, 8).toString('hex')})`, 'not-tls');
  let r: ExtendedResponse;
  try {
    r = parseExtendedResponse(msg);
  } catch (e) {
    throw d.refuse(`the answer to StartTLS does not parse: ${(e as Error).message}`, 'protocol');
  }
  const code = `${r.resultCode} (${RESULT_CODES[r.resultCode] ?? 'unknown'})`;
  const diag = r.diagnostic ? `: "${printable(r.diagnostic)}"` : '';
  if (r.responseName === NOTICE_OF_DISCONNECTION || r.messageId === 0) throw d.refuse(`the server disconnected with a Notice of Disconnection, resultCode ${code}${diag}`);
  if (r.resultCode !== 0) throw d.refuse(`StartTLS was refused with resultCode ${code}${diag} (is TLS configured on the server?)`);
}

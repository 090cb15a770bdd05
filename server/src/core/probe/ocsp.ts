/**
 * Reads a stapled OCSP response (RFC 6960 §4.2.1) far enough to report what a person wants
 * to know: the responder's status, the certificate status of the response that names the
 * leaf's serial, and thisUpdate/nextUpdate. The response's signature is not verified here:
 * the report says "stapled, status good", not "proved good".
 */
import { DerError, children, expect, generalizedTime, integerHex, oidString, readTlv } from './der';

export interface OcspStaple {
  stapled: true;
  status?: 'good' | 'revoked' | 'unknown';
  thisUpdate?: string;
  nextUpdate?: string;
  /** Why the staple does not count: an error status, a response for another certificate, unparsable bytes. */
  problem?: string;
}

const RESPONSE_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', '(unused)', 'sigRequired', 'unauthorized'];
const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

/** Serial numbers in hex, however zero-padded (an INTEGER's octets vs. a printed number). */
function sameSerial(a: string, b: string): boolean {
  const n = (s: string): string => s.replace(/[^0-9a-f]/gi, '').replace(/^0+(?=.)/, '').toUpperCase();
  return n(a) === n(b);
}

/** Parses the staple; `leafSerialHex` (upper-case hex, as decodeCertificate shows it) picks the matching SingleResponse. */
export function parseOcspStaple(der: Uint8Array, leafSerialHex?: string): OcspStaple {
  try {
    const top = children(expect(readTlv(der, 0), 0x30, 'OCSPResponse SEQUENCE').value);
    const status = expect(top[0], 0x0a, 'responseStatus').value[0] ?? 255;
    if (status !== 0) return { stapled: true, problem: `the responder answered ${RESPONSE_STATUS[status] ?? `status ${status}`}, not a certificate status` };
    const responseBytes = children(expect(top[1], 0xa0, 'responseBytes').value);
    const rb = children(expect(responseBytes[0], 0x30, 'ResponseBytes').value);
    const type = oidString(expect(rb[0], 0x06, 'responseType').value);
    if (type !== ID_PKIX_OCSP_BASIC) return { stapled: true, problem: `unknown response type ${type}` };
    const basic = children(expect(readTlv(expect(rb[1], 0x04, 'response').value, 0), 0x30, 'BasicOCSPResponse').value);
    const tbs = children(expect(basic[0], 0x30, 'ResponseData').value);
    let i = 0;
    if (tbs[i]?.tag === 0xa0) i++; // version
    i++; // responderID [1] or [2]
    expect(tbs[i++], 0x18, 'producedAt');
    const responses = children(expect(tbs[i], 0x30, 'responses').value);
    if (responses.length === 0) return { stapled: true, problem: 'the response holds no certificate status' };
    let chosen: ReturnType<typeof children> | undefined;
    for (const r of responses) {
      const single = children(expect(r, 0x30, 'SingleResponse').value);
      const certId = children(expect(single[0], 0x30, 'CertID').value);
      const serial = integerHex(expect(certId[3], 0x02, 'serialNumber').value);
      if (leafSerialHex === undefined || sameSerial(serial, leafSerialHex)) {
        chosen = single;
        break;
      }
    }
    if (!chosen) return { stapled: true, problem: 'the stapled response is for another certificate (no serial number matches the leaf)' };
    const certStatus = chosen[1];
    const kind = certStatus ? certStatus.tag & 0x1f : -1;
    const s: OcspStaple['status'] = kind === 0 ? 'good' : kind === 1 ? 'revoked' : kind === 2 ? 'unknown' : undefined;
    if (!s) throw new DerError('unknown certStatus');
    const out: OcspStaple = { stapled: true, status: s, thisUpdate: generalizedTime(expect(chosen[2], 0x18, 'thisUpdate').value).toISOString() };
    const next = chosen[3];
    if (next?.tag === 0xa0) out.nextUpdate = generalizedTime(expect(readTlv(next.value, 0), 0x18, 'nextUpdate').value).toISOString();
    return out;
  } catch (e) {
    if (e instanceof DerError) return { stapled: true, problem: `the stapled response does not parse (${e.message})` };
    throw e;
  }
}

/**
 * Reads a stapled OCSP response (RFC 6960 §4.2.1) far enough to report what a person wants
 * to know: the responder's status, the certificate status of the response that names the
 * leaf's serial, and thisUpdate/nextUpdate. The response's signature is not verified here:
 * the report says "stapled, status good", not "proved good".
 */
import { DerError, TAG, children, contents, expect, hex, oid, readTlv, time, type Tlv } from '../x509/der';

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
  const generalizedTime = (t: Tlv | undefined, what: string): Date => {
    const d = time(der, expect(t, TAG.GeneralizedTime, what));
    if (!d) throw new DerError(`${what} is not a GeneralizedTime`);
    return d;
  };
  try {
    const top = children(der, expect(readTlv(der, 0), TAG.SEQUENCE, 'OCSPResponse SEQUENCE'));
    const status = contents(der, expect(top[0], 0x0a, 'responseStatus'))[0] ?? 255;
    if (status !== 0) return { stapled: true, problem: `the responder answered ${RESPONSE_STATUS[status] ?? `status ${status}`}, not a certificate status` };
    const responseBytes = children(der, expect(top[1], 0xa0, 'responseBytes'));
    const rb = children(der, expect(responseBytes[0], TAG.SEQUENCE, 'ResponseBytes'));
    const type = oid(der, expect(rb[0], TAG.OID, 'responseType'));
    if (type !== ID_PKIX_OCSP_BASIC) return { stapled: true, problem: `unknown response type ${type}` };
    const octets = expect(rb[1], TAG.OCTET_STRING, 'response');
    const basic = children(der, expect(readTlv(der, octets.body, octets.end), TAG.SEQUENCE, 'BasicOCSPResponse'));
    const tbs = children(der, expect(basic[0], TAG.SEQUENCE, 'ResponseData'));
    let i = 0;
    if (tbs[i]?.tag === 0xa0) i++; // version
    i++; // responderID [1] or [2]
    expect(tbs[i++], TAG.GeneralizedTime, 'producedAt');
    const responses = children(der, expect(tbs[i], TAG.SEQUENCE, 'responses'));
    if (responses.length === 0) return { stapled: true, problem: 'the response holds no certificate status' };
    let chosen: Tlv[] | undefined;
    for (const r of responses) {
      const single = children(der, expect(r, TAG.SEQUENCE, 'SingleResponse'));
      const certId = children(der, expect(single[0], TAG.SEQUENCE, 'CertID'));
      const serial = hex(contents(der, expect(certId[3], TAG.INTEGER, 'serialNumber')));
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
    const out: OcspStaple = { stapled: true, status: s, thisUpdate: generalizedTime(chosen[2], 'thisUpdate').toISOString() };
    const next = chosen[3];
    if (next?.tag === 0xa0) out.nextUpdate = generalizedTime(readTlv(der, next.body, next.end), 'nextUpdate').toISOString();
    return out;
  } catch (e) {
    if (e instanceof DerError) return { stapled: true, problem: `the stapled response does not parse (${e.message})` };
    throw e;
  }
}

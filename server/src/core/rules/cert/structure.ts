import { CERTIFICATE_FORMATS, reportCertificateProblems } from '../../certs/judge';
import type { Rule } from '../rule';

/**
 * Structure RFC 5280 forbids that OpenSSL still reads: an extension twice (§4.2), a signature
 * algorithm inside the signed part that differs from the outer one (§4.1.1.2), a SAN whose
 * IA5String is not ASCII or holds control characters (§4.2.1.6), and times written against
 * §4.1.2.5 (UTCTime without seconds, fractional seconds, GeneralizedTime before 2050). The
 * first two make OpenSSL refuse to verify the certificate: errors.
 */
export const certStructure: Rule = {
  id: 'cert/structure',
  title: 'Certificate structure RFC 5280 forbids',
  defaultSeverity: 'warning',
  formats: CERTIFICATE_FORMATS,
  check(ctx) {
    reportCertificateProblems(ctx, (kind) => kind !== 'malformed-extension');
  },
};

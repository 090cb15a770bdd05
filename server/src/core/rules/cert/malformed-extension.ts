import { CERTIFICATE_FORMATS, reportCertificateProblems } from '../../certs/judge';
import type { Rule } from '../rule';

/**
 * A certificate extension whose value does not parse (a truncated INTEGER, a length past the
 * end). The certificate is still read and judged; the value is kept as opaque bytes. Critical:
 * an error, since a relying party that cannot read a critical extension must reject the
 * certificate (RFC 5280 §4.2).
 */
export const certMalformedExtension: Rule = {
  id: 'cert/malformed-extension',
  title: 'Certificate extension that does not parse',
  defaultSeverity: 'warning',
  formats: CERTIFICATE_FORMATS,
  check(ctx) {
    reportCertificateProblems(ctx, (kind) => kind === 'malformed-extension');
  },
};

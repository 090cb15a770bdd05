import { CERTIFICATE_FORMATS, judgedCertificates } from '../../certs/judge';
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
    for (const c of judgedCertificates(ctx)) {
      for (const p of c.cert.problems) {
        if (p.kind !== 'malformed-extension') continue;
        ctx.report({ range: c.range, message: `${c.name}: ${p.message}`, severity: p.severity === 'error' ? 'error' : undefined });
      }
    }
  },
};

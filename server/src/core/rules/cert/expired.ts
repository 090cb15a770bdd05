import { CERTIFICATE_FORMATS, judgedCertificates } from '../../certs/judge';
import { describeValidity, isoDate } from '../../x509/certificate';
import type { Rule } from '../rule';

/** A certificate whose notAfter has passed. */
export const certExpired: Rule = {
  id: 'cert/expired',
  title: 'Expired certificate',
  defaultSeverity: 'error',
  formats: CERTIFICATE_FORMATS,
  check(ctx) {
    for (const c of judgedCertificates(ctx)) {
      if (c.cert.notAfter.getTime() >= ctx.now.getTime()) continue;
      ctx.report({ range: c.range, message: `${c.name} ${describeValidity(c.cert, ctx.now)} (notAfter ${isoDate(c.cert.notAfter)})` });
    }
  },
};

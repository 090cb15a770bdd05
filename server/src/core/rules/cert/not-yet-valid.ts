import { CERTIFICATE_FORMATS, judgedCertificates } from '../../certs/judge';
import { describeValidity } from '../../x509/certificate';
import type { Rule } from '../rule';

/** A certificate whose notBefore is still ahead. */
export const certNotYetValid: Rule = {
  id: 'cert/not-yet-valid',
  title: 'Certificate not yet valid',
  defaultSeverity: 'error',
  formats: CERTIFICATE_FORMATS,
  check(ctx) {
    for (const c of judgedCertificates(ctx)) {
      if (c.cert.notBefore.getTime() <= ctx.now.getTime()) continue;
      ctx.report({ range: c.range, message: `${c.name} is ${describeValidity(c.cert, ctx.now)}` });
    }
  },
};

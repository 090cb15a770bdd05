import { CERTIFICATE_FORMATS, judgedCertificates, judgeExpiry } from '../../certs/judge';
import { describeValidity } from '../../x509/certificate';
import type { Rule } from '../rule';

/** A valid certificate that expires within the policy's thresholds (relative to lifetime for short-lived ones: `judgeExpiry`). */
export const certExpiring: Rule = {
  id: 'cert/expiring',
  title: 'Certificate expiring soon',
  defaultSeverity: 'warning',
  formats: CERTIFICATE_FORMATS,
  check(ctx) {
    for (const c of judgedCertificates(ctx)) {
      const j = judgeExpiry(c.cert, ctx.now, ctx.policy.thresholds);
      if (j.standing !== 'expiring') continue;
      ctx.report({ range: c.range, message: `${c.name} ${describeValidity(c.cert, ctx.now)}`, ...(j.severity ? { severity: j.severity } : {}) });
    }
  },
};

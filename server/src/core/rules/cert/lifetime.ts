import { CERTIFICATE_FORMATS, cabForumMaxDays, judgedCertificates, looksPubliclyTrusted } from '../../certs/judge';
import { isCa, isoDate, lifetimeDays } from '../../x509/certificate';
import type { Rule } from '../rule';

/**
 * A leaf valid for longer than allowed: the CA/Browser Forum maximum for its issuance date
 * when it looks publicly trusted, the policy's maximum (the profile's) otherwise.
 */
export const certLifetime: Rule = {
  id: 'cert/lifetime',
  title: 'Certificate lifetime above the maximum',
  defaultSeverity: 'warning',
  formats: CERTIFICATE_FORMATS,
  check(ctx) {
    for (const c of judgedCertificates(ctx)) {
      if (isCa(c.cert)) continue;
      const days = lifetimeDays(c.cert);
      const publicLeaf = looksPubliclyTrusted(c.cert);
      const max = publicLeaf ? cabForumMaxDays(c.cert.notBefore) : ctx.policy.thresholds.certificateMaxLifetimeDays;
      if (days <= max) continue;
      const why = publicLeaf
        ? `the CA/Browser Forum maximum for a publicly trusted certificate issued ${isoDate(c.cert.notBefore)} is ${max} days`
        : `the policy's maximum is ${max} days (thresholds.certificateMaxLifetimeDays)`;
      ctx.report({ range: c.range, message: `${c.name} is valid for ${Math.round(days)} days; ${why}` });
    }
  },
};

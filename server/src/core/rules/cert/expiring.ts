import { judgedCertificates } from '../../certs/judge';
import { describeValidity } from '../../x509/certificate';
import type { Policy } from '../../policy/policy';
import type { CertificateSummary } from '../../x509/certificate';
import type { Rule } from '../rule';

const DAY = 86_400_000;

/**
 * The warning and error thresholds (ms before notAfter) for one certificate: the policy's
 * days, but for short-lived certificates a share of their lifetime, so a 24-hour mesh leaf
 * that rotates at half-life is not always "expiring".
 */
export function expiryThresholds(cert: Pick<CertificateSummary, 'notBefore' | 'notAfter'>, policy: Policy): { warning: number; error: number } {
  const t = policy.thresholds;
  const lifetime = Math.max(0, cert.notAfter.getTime() - cert.notBefore.getTime());
  return {
    warning: Math.min(t.certificateExpiryWarningDays * DAY, (lifetime * t.certificateExpiryWarningLifetimePercent) / 100),
    error: Math.min(t.certificateExpiryErrorDays * DAY, (lifetime * t.certificateExpiryErrorLifetimePercent) / 100),
  };
}

/** A valid certificate that expires within the policy's thresholds. */
export const certExpiring: Rule = {
  id: 'cert/expiring',
  title: 'Certificate expiring soon',
  defaultSeverity: 'warning',
  formats: ['pem', 'nginx', 'yaml', 'kubernetes', 'text'],
  check(ctx) {
    const now = ctx.now.getTime();
    for (const c of judgedCertificates(ctx)) {
      const left = c.cert.notAfter.getTime() - now;
      if (left < 0 || c.cert.notBefore.getTime() > now) continue;
      const { warning, error } = expiryThresholds(c.cert, ctx.policy);
      if (left >= warning) continue;
      ctx.report({
        range: c.range,
        message: `${c.name} ${describeValidity(c.cert, ctx.now)}`,
        severity: left < error ? 'error' : 'warning',
      });
    }
  },
};

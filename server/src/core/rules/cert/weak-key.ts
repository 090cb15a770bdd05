import { CERTIFICATE_FORMATS, judgedCertificates } from '../../certs/judge';
import { describePublicKey, isRsaKey } from '../../x509/certificate';
import type { Rule } from '../rule';

/** Curves the CA/Browser Forum allows (Baseline Requirements §6.1.5). */
const ACCEPTED_CURVES = new Set(['P-256', 'P-384', 'P-521']);

/** RSA keys below 2048 bits (or the profile's size), DSA, and EC keys on other curves. */
export const certWeakKey: Rule = {
  id: 'cert/weak-key',
  title: 'Weak certificate key',
  defaultSeverity: 'error',
  formats: CERTIFICATE_FORMATS,
  check(ctx) {
    const minRsa = Math.max(2048, ctx.policy.profile.rsaKeySize ?? 2048);
    for (const c of judgedCertificates(ctx)) {
      const k = c.cert.publicKey;
      let why: string | undefined;
      if ((isRsaKey(k) || k.algorithm === 'DSA') && k.bits !== undefined && k.bits < minRsa) why = `fewer than ${minRsa} bits`;
      else if (k.algorithm === 'DSA') why = 'DSA is not accepted for TLS certificates';
      else if (k.algorithm === 'EC' && k.curve !== undefined && !ACCEPTED_CURVES.has(k.curve)) why = 'only P-256, P-384 and P-521 are accepted';
      if (why) ctx.report({ range: c.range, message: `${c.name} has a weak key: ${describePublicKey(k)} (${why})` });
    }
  },
};

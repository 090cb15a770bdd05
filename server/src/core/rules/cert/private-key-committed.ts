import { CERTIFICATE_FORMATS, globMatches } from '../../certs/judge';
import { isPrivateKeySite } from '../../certs/sites';
import type { Rule } from '../rule';

/**
 * A private key stored in the workspace outside the paths where the policy expects keys
 * (`privateKeyAllowedPaths`; by default test data and examples). Keys in repositories leak.
 */
export const certPrivateKeyCommitted: Rule = {
  id: 'cert/private-key-committed',
  title: 'Private key in the workspace',
  defaultSeverity: 'warning',
  formats: CERTIFICATE_FORMATS,
  check(ctx) {
    if (ctx.format === 'text' && !/\.json$/i.test(ctx.doc.file)) return;
    const sites = ctx.materialSites().filter((s) => isPrivateKeySite(s) && !s.problem);
    if (sites.length === 0) return;
    if (ctx.policy.privateKeyAllowedPaths.some((p) => globMatches(p, ctx.doc.file))) return;
    for (const s of sites) {
      ctx.report({
        range: s.anchor,
        message: `${s.encrypted ? 'an encrypted' : 'a'} private key is stored here${s.container ? ` (${s.container})` : ''}; keep keys out of the repository (a secret store, sealed or external secrets), or allow this path with privateKeyAllowedPaths`,
        severity: s.encrypted ? 'info' : undefined,
      });
    }
  },
};

import { LE_PRODUCTION_DIRECTORY, LE_STAGING } from '../../formats/kube/certManager';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../../formats/kube/report';
import type { Rule } from '../rule';
import { setScalarFix } from '../../formats/kube/edits';

/**
 * An ACME Issuer/ClusterIssuer pointing at Let's Encrypt's staging directory
 * (`https://acme-staging-v02.api.letsencrypt.org/directory`) issues certificates no browser
 * trusts: right for testing, wrong for production.
 */
export const stagingIssuer: Rule = {
  id: 'certmanager/staging-issuer',
  title: "Issuer uses Let's Encrypt staging (untrusted certificates)",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (resourceKindKey(r) !== K.issuer && resourceKindKey(r) !== K.clusterIssuer) continue;
      const n = r.spec.get('acme', 'server');
      if (!n.str()?.includes(LE_STAGING)) continue;
      // Not preferred: staging is right for a test cluster, and production has lower rate limits.
      const fixes = setScalarFix("Use Let's Encrypt production", n, LE_PRODUCTION_DIRECTORY);
      reportResource(ctx, r, { range: n.at, message: `Let's Encrypt staging issues certificates browsers do not trust; use ${LE_PRODUCTION_DIRECTORY} in production`, fixes });
    }
  },
};

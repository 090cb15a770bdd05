import { LE_STAGING } from '../../formats/kube/certManager';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../../formats/kube/report';
import type { Rule } from '../rule';

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
      reportResource(ctx, r, { range: n.at, message: "Let's Encrypt staging issues certificates browsers do not trust; use https://acme-v02.api.letsencrypt.org/directory in production" });
    }
  },
};

import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';
import { setScalarFix } from '../../formats/kube/edits';

/**
 * `privateKey.rotationPolicy: Never` keeps the same private key across renewals
 * (cert-manager's default was Never before v1.18, Always since): a leaked key stays valid
 * in every renewed certificate.
 */
export const rotationNever: Rule = {
  id: 'certmanager/rotation-never',
  title: 'Certificate keeps its private key across renewals (rotationPolicy: Never)',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.certificate],
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (resourceKindKey(r) !== K.certificate) continue;
      const n = r.spec.get('privateKey', 'rotationPolicy');
      if (n.str() !== 'Never') continue;
      reportResource(ctx, r, { range: n.at, message: 'rotationPolicy Never reuses the private key at every renewal: a leaked key outlives the certificate; use Always', fixes: setScalarFix('Set rotationPolicy Always', n, 'Always', { preferred: true }) });
    }
  },
};

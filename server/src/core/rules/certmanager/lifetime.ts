import { goDurationHours } from '../../formats/kube/certManager';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * A cert-manager Certificate's `duration` (default 2160h, 90 days) and `renewBefore`
 * (default a third of the lifetime): a duration longer than the profile's maximum
 * certificate lifespan (a CA certificate, `isCA: true`, is no leaf and exempt); `renewBefore`
 * not shorter than the duration (the certificate would renew for ever); `renewBefore` shorter
 * than TLS Lens's own expiry-warning threshold (TLS Lens reports every certificate as expiring
 * before it renews).
 */
export const lifetime: Rule = {
  id: 'certmanager/lifetime',
  title: 'Certificate duration or renewBefore out of line with the policy',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.certificate],
  check(ctx) {
    const maxDays = ctx.policy.profile.maximumCertificateLifespanDays;
    for (const r of ctx.kube().resources) {
      if (resourceKindKey(r) !== K.certificate) continue;
      const dNode = r.spec.get('duration');
      const rbNode = r.spec.get('renewBefore');
      const d = dNode.str() !== undefined ? goDurationHours(dNode.str()!) : 2160;
      const rb = rbNode.str() !== undefined ? goDurationHours(rbNode.str()!) : undefined;
      // A CA certificate (isCA: true) is not a leaf: the profile's leaf maximum does not apply.
      if (d !== undefined && dNode.exists && d / 24 > maxDays && r.spec.get('isCA').bool() !== true) {
        reportResource(ctx, r, { range: dNode.at, message: `duration ${dNode.str()} is ${Math.round(d / 24)} days, longer than the ${ctx.policy.profile.name} profile's ${maxDays}-day maximum` });
      }
      if (rb === undefined) continue;
      if (d !== undefined && rb >= d) {
        reportResource(ctx, r, { range: rbNode.at, severity: 'error', message: `renewBefore ${rbNode.str()} is not shorter than the duration (${dNode.str() ?? '2160h, the default'}): cert-manager would renew continuously` });
      } else if (rb / 24 < ctx.policy.thresholds.certificateExpiryWarningDays) {
        reportResource(ctx, r, {
          range: rbNode.at,
          severity: 'info',
          message: `renewBefore ${rbNode.str()} renews later than TLS Lens's own expiry warning (${ctx.policy.thresholds.certificateExpiryWarningDays} days, the policy's thresholds.certificateExpiryWarningDays): TLS Lens will report the certificate as expiring before each renewal; nothing is wrong for cert-manager — lower the threshold or renew earlier`,
        });
      }
    }
  },
};

import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';
import { setScalarFix } from '../../formats/kube/edits';

/**
 * A cert-manager Certificate's `privateKey`: RSA (the default algorithm) needs at least 2048
 * bits (cert-manager rejects less; CA/B Forum BR 6.1.5), ECDSA only P-256, P-384 or P-521.
 */
export const weakKey: Rule = {
  id: 'certmanager/weak-key',
  title: 'Certificate asks for a weak or invalid private key',
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  kinds: [K.certificate],
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (resourceKindKey(r) !== K.certificate) continue;
      const pk = r.spec.get('privateKey');
      const algorithm = (pk.get('algorithm').str() ?? 'RSA').toUpperCase();
      const sizeNode = pk.get('size');
      const size = sizeNode.num();
      if (size === undefined) continue;
      if (algorithm === 'RSA' && size < 2048) {
        reportResource(ctx, r, { range: sizeNode.at, message: `RSA ${size}-bit key: cert-manager rejects keys under 2048 bits and CAs must not issue for them (CA/B Forum BR 6.1.5)`, fixes: setScalarFix('Set size 2048', sizeNode, '2048', { preferred: true, raw: true }) });
      } else if (algorithm === 'ECDSA' && ![256, 384, 521].includes(size)) {
        reportResource(ctx, r, { range: sizeNode.at, message: `ECDSA size ${size}: only 256, 384 and 521 (P-256, P-384, P-521) are valid`, fixes: setScalarFix('Set size 256 (P-256)', sizeNode, '256', { preferred: true, raw: true }) });
      }
    }
  },
};

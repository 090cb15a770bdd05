import { INGRESS_KINDS, isIngress, nginxAnnotation } from '../../formats/kube/ingress';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

const PLAINTEXT = new Set(['HTTP', 'AUTO_HTTP', 'GRPC', 'FCGI']);

/**
 * ingress-nginx talks to backends over plain HTTP unless `backend-protocol` is HTTPS or
 * GRPCS (default HTTP; ingress-nginx annotations docs). Reported when the policy asks for
 * end-to-end encryption (`require.endToEndEncryption: true`).
 */
export const plaintextBackend: Rule = {
  id: 'ingress/plaintext-backend',
  title: 'The Ingress forwards to its backends unencrypted',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: INGRESS_KINDS,
  check(ctx) {
    if (!ctx.policy.require.endToEndEncryption) return;
    for (const r of ctx.kube().resources) {
      if (!isIngress(r) || nginxAnnotation(r, 'ssl-passthrough')?.value === 'true') continue;
      const a = nginxAnnotation(r, 'backend-protocol');
      const proto = a?.value.toUpperCase() ?? 'HTTP';
      if (!PLAINTEXT.has(proto)) continue;
      reportResource(ctx, r, {
        range: a ? a.node.at : r.nameRange,
        message: `${a ? `backend-protocol ${a.value}` : 'no backend-protocol annotation (default HTTP)'}: the hop to the backends is unencrypted, and the policy requires end-to-end encryption`,
      });
    }
  },
};

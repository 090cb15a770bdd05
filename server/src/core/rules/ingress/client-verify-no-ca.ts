import { INGRESS_KINDS, isIngress, nginxAnnotation } from '../../formats/kube/ingress';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * `auth-tls-verify-client: optional_no_ca` requests a client certificate but verifies it
 * against no CA (nginx's `ssl_verify_client optional_no_ca`): any self-made certificate passes.
 */
export const clientVerifyNoCa: Rule = {
  id: 'ingress/client-verify-no-ca',
  title: 'auth-tls-verify-client optional_no_ca does not verify client certificates',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: INGRESS_KINDS,
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (!isIngress(r)) continue;
      const a = nginxAnnotation(r, 'auth-tls-verify-client');
      if (a?.value.toLowerCase() !== 'optional_no_ca') continue;
      reportResource(ctx, r, {
        range: a.node.at,
        message: 'auth-tls-verify-client optional_no_ca accepts any client certificate, verified against no CA; use "on" (or "optional") with auth-tls-secret',
      });
    }
  },
};

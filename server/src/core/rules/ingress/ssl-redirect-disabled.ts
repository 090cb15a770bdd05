import { INGRESS_KINDS, ingressTls, isIngress, nginxAnnotation } from '../../formats/kube/ingress';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';
import { setScalarFix } from '../../formats/kube/edits';

/**
 * ingress-nginx redirects HTTP to HTTPS (308) for an Ingress with TLS unless
 * `nginx.ingress.kubernetes.io/ssl-redirect: "false"` (ingress-nginx annotations docs).
 * Reported when the policy requires redirects (`require.httpsRedirect`, the default).
 */
export const sslRedirectDisabled: Rule = {
  id: 'ingress/ssl-redirect-disabled',
  title: 'ssl-redirect "false" serves a TLS host over plain HTTP too',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: INGRESS_KINDS,
  check(ctx) {
    if (!ctx.policy.require.httpsRedirect) return;
    for (const r of ctx.kube().resources) {
      if (!isIngress(r)) continue;
      const a = nginxAnnotation(r, 'ssl-redirect');
      if (a?.value !== 'false' || nginxAnnotation(r, 'force-ssl-redirect')?.value === 'true') continue;
      if (ingressTls(r).length === 0) continue;
      reportResource(ctx, r, {
        range: a.node.at,
        message: 'ssl-redirect "false": the TLS hosts answer plain HTTP without redirecting to HTTPS',
        fixes: setScalarFix('Redirect to HTTPS (ssl-redirect "true")', a.node, 'true', { preferred: true }),
      });
    }
  },
};

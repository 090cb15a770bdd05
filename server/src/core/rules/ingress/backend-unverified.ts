import { INGRESS_KINDS, isIngress, nginxAnnotation } from '../../formats/kube/ingress';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * With `backend-protocol: HTTPS`/`GRPCS`, ingress-nginx encrypts to the backend but does
 * not verify its certificate unless `proxy-ssl-verify: "on"` with `proxy-ssl-secret`
 * holding the CA (default off; ingress-nginx annotations docs, "Backend Certificate
 * Authentication"): anyone on the path can impersonate the backend.
 */
export const backendUnverified: Rule = {
  id: 'ingress/backend-unverified',
  title: "HTTPS to the backend without verifying the backend's certificate",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: INGRESS_KINDS,
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (!isIngress(r)) continue;
      const a = nginxAnnotation(r, 'backend-protocol');
      if (!a || !['HTTPS', 'GRPCS'].includes(a.value.toUpperCase())) continue;
      const verify = nginxAnnotation(r, 'proxy-ssl-verify');
      if (verify?.value.toLowerCase() === 'on') {
        if (nginxAnnotation(r, 'proxy-ssl-secret')) continue;
        reportResource(ctx, r, { range: verify.node.at, message: 'proxy-ssl-verify "on" without proxy-ssl-secret: there is no CA to verify the backend against' });
        continue;
      }
      reportResource(ctx, r, {
        range: verify ? verify.node.at : a.node.at,
        message: `backend-protocol ${a.value} encrypts to the backend but ${verify ? `proxy-ssl-verify "${verify.value}"` : 'without proxy-ssl-verify (default off)'} authenticates nothing: set proxy-ssl-verify "on" and proxy-ssl-secret (the backend's CA)`,
      });
    }
  },
};

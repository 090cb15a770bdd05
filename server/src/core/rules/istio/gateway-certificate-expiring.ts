import { isSecretResolution, resolveServerCredentials } from '../../formats/kube/istio';
import { named, relatedAt, reportResource, validityProblem } from '../kubeReport';
import type { Rule } from '../rule';
import { K } from '../../formats/kube/refs';

/**
 * The certificate behind a Gateway's credentialName is still valid but expires within the
 * policy's thresholds (`certificateExpiryWarningDays`, `certificateExpiryErrorDays`).
 * Expired and not-yet-valid certificates are `istio/gateway-credential-invalid` (IST0161).
 */
export const gatewayCertificateExpiring: Rule = {
  id: 'istio/gateway-certificate-expiring',
  title: "A Gateway's certificate expires soon",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.istioGateway],
  check(ctx) {
    const view = ctx.kube();
    for (const { gateway, node, name, resolution: res } of resolveServerCredentials(view, isSecretResolution, true)) {
      const leaf = res.tls.certs[0];
      if (leaf && ctx.now >= leaf.notBefore && ctx.now <= leaf.notAfter) {
        const p = validityProblem(leaf, ctx.now, ctx.policy);
        if (p) reportResource(ctx, gateway, { range: node.at, severity: p.severity, message: `credentialName ${name}: the certificate in ${named(view, res.secret)} ${p.text}`, related: [relatedAt(res.secret, res.tls.certNode, named(view, res.secret))], ...(res.assumptions ? { assumptions: res.assumptions } : {}) });
      }
    }
  },
};

import { credentialNamespaces, gatewayServers, isSecretResolution, resolveCredential } from '../../formats/kube/istio';
import { isTemplated } from '../../formats/kube/node';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { named, relatedAt, reportResource, validityProblem } from '../../formats/kube/report';
import type { Rule } from '../rule';

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
  check(ctx) {
    const view = ctx.kube();
    for (const gw of view.resources) {
      if (resourceKindKey(gw) !== K.istioGateway) continue;
      const { namespaces } = credentialNamespaces(view, gw);
      for (const s of gatewayServers(gw)) {
        const node = s.tls.get('credentialName');
        const cn = node.str();
        if (!cn || isTemplated(cn)) continue;
        const res = resolveCredential(view, namespaces, cn, isSecretResolution);
        const leaf = res?.tls.certs[0];
        if (res && leaf && ctx.now >= leaf.notBefore && ctx.now <= leaf.notAfter) {
          const p = validityProblem(leaf, ctx.now, ctx.policy);
          if (p) reportResource(ctx, gw, { range: node.at, severity: p.severity, message: `credentialName ${cn}: the certificate in ${named(view, res.secret)} ${p.text}`, related: [relatedAt(res.secret, res.tls.certNode, named(view, res.secret))] });
        }
      }
    }
  },
};

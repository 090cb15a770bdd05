import { credentialNamespaces, gatewayServers, isSecretResolution, resolveCredential } from '../../formats/kube/istio';
import { isTemplated } from '../../formats/kube/node';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { named, relatedAt, reportResource } from '../../formats/kube/report';
import { describeValidity } from '../../x509/certificate';
import type { Rule } from '../rule';

/**
 * istioctl IST0161 (InvalidGatewayCredential): the Secret a Gateway's credentialName
 * names lacks the keys Istio reads (`tls.crt` and `tls.key`, or `cert` and `key`), its
 * certificate does not parse, or a certificate of the chain is expired or not yet valid.
 */
export const gatewayCredentialInvalid: Rule = {
  id: 'istio/gateway-credential-invalid',
  title: 'Gateway credential Secret is invalid or expired (IST0161)',
  defaultSeverity: 'error',
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
        if (!res || res.secret.templated) continue;
        const tls = res.tls;
        let why: string | undefined;
        if (!tls.certKey || !tls.hasKey) why = `lacks the keys Istio reads (tls.crt and tls.key, or cert and key)`;
        else if (tls.problem) why = tls.problem;
        else {
          const bad = tls.certs.find((c) => ctx.now < c.notBefore || ctx.now > c.notAfter);
          if (bad) why = `holds a certificate (${bad.subject}) that ${describeValidity(bad, ctx.now)}`;
        }
        if (why) {
          reportResource(ctx, gw, {
            range: node.at,
            message: `credentialName ${cn}: ${named(view, res.secret)} ${why} (istioctl IST0161)`,
            related: [relatedAt(res.secret, tls.certNode ?? res.secret.root.get('data'), named(view, res.secret))],
          });
        }
      }
    }
  },
};

import { isSecretResolution, resolveServerCredentials } from '../../formats/kube/istio';
import { named, relatedAt, reportResource } from '../kubeReport';
import { describeValidity } from '../../x509/certificate';
import type { Rule } from '../rule';
import { K } from '../../formats/kube/refs';

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
  kinds: [K.istioGateway],
  check(ctx) {
    const view = ctx.kube();
    for (const { gateway, node, name, resolution: res } of resolveServerCredentials(view, isSecretResolution, true)) {
      if (res.secret.templated || res.tls.placeholder) continue;
      const tls = res.tls;
      let why: string | undefined;
      if (!tls.certKey || !tls.hasKey) why = `lacks the keys Istio reads (tls.crt and tls.key, or cert and key)`;
      else if (tls.problem) why = tls.problem;
      else {
        const bad = tls.certs.find((c) => ctx.now < c.notBefore || ctx.now > c.notAfter);
        if (bad) why = `holds a certificate (${bad.subject}) that ${describeValidity(bad, ctx.now)}`;
      }
      if (why) {
        reportResource(ctx, gateway, {
          range: node.at,
          message: `credentialName ${name}: ${named(view, res.secret)} ${why} (istioctl IST0161)`,
          related: [relatedAt(res.secret, tls.certNode ?? res.secret.root.get('data'), named(view, res.secret))],
          ...(res.assumptions ? { assumptions: res.assumptions } : {}),
        });
      }
    }
  },
};

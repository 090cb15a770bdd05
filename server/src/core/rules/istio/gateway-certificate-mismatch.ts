import { hostPart, resolveServerCredentials } from '../../formats/kube/istio';
import { isTemplated } from '../../formats/kube/node';
import type { SecretResolution } from '../../formats/kube/refs';
import { named, relatedAt, reportResource } from '../kubeReport';
import { covers, listNames } from '../../formats/kube/secrets';
import type { Rule } from '../rule';
import { K } from '../../formats/kube/refs';

/**
 * The certificate of a Gateway server's credentialName must cover the server's hosts
 * (RFC 6125 §6.4, as `ingress/certificate-mismatch`); `*` and `ns/*` hosts are not judged.
 */
export const gatewayCertificateMismatch: Rule = {
  id: 'istio/gateway-certificate-mismatch',
  title: "A Gateway server's certificate does not cover its hosts",
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  kinds: [K.istioGateway],
  check(ctx) {
    const view = ctx.kube();
    // The first Secret with a certificate, or a cert-manager Certificate that writes it.
    const accept = (r: SecretResolution): r is Extract<SecretResolution, { kind: 'secret' | 'certificate' }> => (r.kind === 'secret' && r.tls.certs[0] !== undefined) || r.kind === 'certificate';
    for (const { gateway: gw, server: s, resolution: res } of resolveServerCredentials(view, accept)) {
      const mode = s.tls.get('mode').str();
      if (mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') continue;
      let sans;
      let what: string;
      let related;
      if (res.kind === 'secret') {
        sans = res.tls.certs[0]!.sans;
        what = `the certificate in ${named(view, res.secret)}`;
        related = relatedAt(res.secret, res.tls.certNode, `${named(view, res.secret)}: certificate for ${listNames(sans)}`);
      } else {
        sans = res.sans;
        what = `${named(view, res.certificate)}'s dnsNames`;
        related = relatedAt(res.certificate, res.certificate.spec.get('dnsNames'), named(view, res.certificate));
      }
      for (const h of s.hosts) {
        const host = hostPart(h.value);
        if (host === '*' || isTemplated(host) || covers(sans, host)) continue;
        reportResource(ctx, gw, { range: h.node.at, message: `host ${host} is not covered by ${what}: it names ${listNames(sans)}`, related: [related], ...(res.assumptions ? { assumptions: res.assumptions } : {}) });
      }
    }
  },
};

import { defaultedHostsAssumption, INGRESS_KINDS, ingressSecretRefs, isIngress } from '../../formats/kube/ingress';
import { isTemplated } from '../../formats/kube/node';
import { named, relatedAt, reportResource } from '../kubeReport';
import { covers, listNames } from '../../formats/kube/secrets';
import type { Rule } from '../rule';

/**
 * The certificate an Ingress serves for a TLS host must name it (RFC 6125 §6.4: DNS SANs,
 * a wildcard only as the whole left-most label; a wildcard host needs a wildcard SAN). The
 * Secret is found across the workspace; a cert-manager Certificate that writes the Secret
 * stands in with its dnsNames.
 */
export const certificateMismatch: Rule = {
  id: 'ingress/certificate-mismatch',
  title: "The Secret's certificate does not cover an Ingress TLS host",
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  kinds: INGRESS_KINDS,
  check(ctx) {
    const view = ctx.kube();
    for (const r of view.resources) {
      if (!isIngress(r)) continue;
      for (const { tls: t, resolution: res } of ingressSecretRefs(view, r)) {
        let sans;
        let what: string;
        let related;
        if (res.kind === 'secret') {
          const leaf = res.tls.certs[0];
          if (!leaf) continue;
          sans = leaf.sans;
          what = `the certificate in ${named(view, res.secret)} (${leaf.subject || 'no subject'})`;
          related = relatedAt(res.secret, res.tls.certNode, `${named(view, res.secret)}: certificate for ${listNames(sans)}`);
        } else if (res.kind === 'certificate') {
          sans = res.sans;
          what = `${named(view, res.certificate)}, which writes Secret ${t.secretName}`;
          related = relatedAt(res.certificate, res.certificate.spec.get('dnsNames'), `${named(view, res.certificate)}: dnsNames ${listNames(sans)}`);
        } else continue;
        const assumptions = [defaultedHostsAssumption(t), ...(res.assumptions ?? [])].filter((a): a is string => a !== undefined);
        for (const h of t.hosts) {
          if (isTemplated(h.value) || covers(sans, h.value)) continue;
          reportResource(ctx, r, {
            range: h.node.at,
            message: `${t.hostsDefaulted ? 'host' : 'TLS host'} ${h.value} is not covered by ${what}: it names ${listNames(sans)}; clients will reject the certificate`,
            related: [related],
            ...(assumptions.length ? { assumptions } : {}),
          });
        }
      }
    }
  },
};

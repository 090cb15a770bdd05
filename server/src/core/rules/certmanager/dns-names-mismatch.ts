import { ingressesUsing } from '../../formats/kube/certManager';
import { defaultedHostsAssumption, ingressTls } from '../../formats/kube/ingress';
import { isTemplated } from '../../formats/kube/node';
import { K, certificateSans } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { named, relatedAt, reportResource } from '../kubeReport';
import { covers, listNames } from '../../formats/kube/secrets';
import type { Rule } from '../rule';

/**
 * A Certificate's dnsNames (and commonName, ipAddresses) must cover every TLS host of the
 * Ingresses that serve its Secret (RFC 6125 §6.4), or browsers reject the certificate for
 * the missing ones. Reported on the Certificate, with the Ingress hosts as related locations.
 */
export const dnsNamesMismatch: Rule = {
  id: 'certmanager/dns-names-mismatch',
  title: "Certificate dnsNames do not cover the hosts of the Ingresses using its Secret",
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  kinds: [K.certificate],
  check(ctx) {
    const view = ctx.kube();
    for (const cert of view.resources) {
      if (resourceKindKey(cert) !== K.certificate) continue;
      const secret = cert.spec.get('secretName').str();
      const sans = certificateSans(cert);
      if (!secret || sans.some((s) => isTemplated(s.value))) continue;
      for (const ing of ingressesUsing(view, cert)) {
        for (const t of ingressTls(ing)) {
          if (t.secretName !== secret) continue;
          const uncovered = t.hosts.filter((h) => !isTemplated(h.value) && !covers(sans, h.value));
          if (!uncovered.length) continue;
          reportResource(ctx, cert, {
            range: cert.spec.get('dnsNames').present ? cert.spec.get('dnsNames').keyRange : cert.spec.get('secretName').at,
            message: `${named(view, ing)} serves Secret ${secret} for ${uncovered.map((h) => h.value).join(', ')}, which ${listNames(sans)} does not cover`,
            related: uncovered.map((h) => relatedAt(ing, h.node, `${named(view, ing)}: ${t.hostsDefaulted ? 'host' : 'TLS host'} ${h.value}`)),
            ...(t.hostsDefaulted ? { assumptions: [defaultedHostsAssumption(t)!] } : {}),
          });
        }
      }
    }
  },
};

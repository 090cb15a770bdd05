import { selects } from '../../formats/kube/istio';
import type { KNode } from '../../formats/kube/node';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { named, relatedAt, reportResource } from '../../formats/kube/report';
import type { Rule } from '../rule';

/** istioctl's "same certificate": equal credentialNames, or (neither set) equal serverCertificate and privateKey paths. */
function sameCertificate(a: KNode, b: KNode): boolean {
  const ca = a.get('credentialName').str() ?? '';
  const cb = b.get('credentialName').str() ?? '';
  if (ca && cb) return ca === cb;
  if (ca || cb) return false;
  const sa = a.get('serverCertificate').str() ?? '';
  const sb = b.get('serverCertificate').str() ?? '';
  if (!sa || !sb || sa !== sb) return false;
  const ka = a.get('privateKey').str() ?? '';
  const kb = b.get('privateKey').str() ?? '';
  return ka !== '' && kb !== '' && ka === kb;
}

/**
 * istioctl IST0138 (GatewayDuplicateCertificate): two Gateways on the same workloads (this
 * one's selector is a subset of the other's, or empty) with a TLS server each using the
 * same certificate; HTTP/2 connection reuse can then route a request to the wrong server
 * (Istio docs, "Configuring multiple TLS hosts" / 404 errors with shared certificates).
 */
export const gatewayDuplicateCertificate: Rule = {
  id: 'istio/gateway-duplicate-certificate',
  title: 'Several Gateways use the same certificate (IST0138)',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  check(ctx) {
    const view = ctx.kube();
    const all = view.ofKind(K.istioGateway);
    for (const gw of view.resources) {
      if (resourceKindKey(gw) !== K.istioGateway) continue;
      const selector = gw.spec.get('selector').stringMap();
      const servers = gw.spec.get('servers').items();
      for (const other of all) {
        if (other === gw || (other.name === gw.name && view.namespaceOf(other) === view.namespaceOf(gw))) continue;
        if (!selects(selector, other.spec.get('selector').stringMap())) continue;
        const otherServers = other.spec.get('servers').items();
        const shared = servers.some((s) => s.get('tls').isMap() && otherServers.some((o) => o.get('tls').isMap() && sameCertificate(s.get('tls'), o.get('tls'))));
        if (!shared) continue;
        reportResource(ctx, gw, {
          range: gw.nameRange,
          message: `uses the same certificate as ${named(view, other)} on the same gateway workloads (istioctl IST0138): with HTTP/2 connection reuse, requests can reach the wrong server`,
          related: [relatedAt(other, other.metadata.get('name'), named(view, other))],
        });
      }
    }
  },
};

import { selects } from '../../formats/kube/istio';
import type { KNode } from '../../formats/kube/node';
import { K } from '../../formats/kube/refs';
import { resourceKindKey, type KubeResource } from '../../formats/kube/resources';
import { named, relatedAt, reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * istioctl's "same certificate" as a key: equal credentialNames, or (neither set) equal
 * serverCertificate and privateKey paths; undefined when a server's TLS names no certificate.
 */
function certificateKey(tls: KNode): string | undefined {
  const credential = tls.get('credentialName').str() ?? '';
  if (credential) return `credential\u0000${credential}`;
  const cert = tls.get('serverCertificate').str() ?? '';
  const key = tls.get('privateKey').str() ?? '';
  return cert && key ? `files\u0000${cert}\u0000${key}` : undefined;
}

/** The certificate keys of a Gateway's TLS servers. */
function certificateKeys(gw: KubeResource): Set<string> {
  const out = new Set<string>();
  for (const s of gw.spec.get('servers').items()) {
    const tls = s.get('tls');
    if (!tls.isMap()) continue;
    const k = certificateKey(tls);
    if (k) out.add(k);
  }
  return out;
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
  kinds: [K.istioGateway],
  check(ctx) {
    const view = ctx.kube();
    const own = view.resources.filter((r) => resourceKindKey(r) === K.istioGateway);
    if (!own.length) return;
    // Every Gateway of the workspace by the certificates its TLS servers use (not one pair at a time).
    const all = view.ofKind(K.istioGateway);
    const position = new Map<KubeResource, number>();
    const byCertificate = new Map<string, KubeResource[]>();
    all.forEach((g, i) => {
      position.set(g, i);
      for (const k of certificateKeys(g)) {
        const list = byCertificate.get(k);
        if (list) list.push(g);
        else byCertificate.set(k, [g]);
      }
    });
    for (const gw of own) {
      const selector = gw.spec.get('selector').stringMap();
      const candidates = new Set<KubeResource>();
      for (const k of certificateKeys(gw)) for (const other of byCertificate.get(k) ?? []) candidates.add(other);
      const sorted = [...candidates].sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
      for (const other of sorted) {
        if (other === gw || (other.name === gw.name && view.namespaceOf(other) === view.namespaceOf(gw))) continue;
        if (!selects(selector, other.spec.get('selector').stringMap())) continue;
        reportResource(ctx, gw, {
          range: gw.nameRange,
          message: `uses the same certificate as ${named(view, other)} on the same gateway workloads (istioctl IST0138): with HTTP/2 connection reuse, requests can reach the wrong server`,
          related: [relatedAt(other, other.metadata.get('name'), named(view, other))],
        });
      }
    }
  },
};

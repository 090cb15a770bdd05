import { ISTIO_PROTOCOLS, gatewayServers } from '../../formats/kube/istio';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import { WEAK_PROTOCOLS, olderThan, profileMin } from '../../formats/kube/tls';
import type { Rule } from '../rule';
import { setScalarFix } from '../../formats/kube/edits';

/**
 * Gateway `servers[].tls.minProtocolVersion` (TLS_AUTO = TLSV1_2 for servers; Istio
 * ServerTLSSettings reference) below the profile's lowest version: TLSV1_0 and TLSV1_1
 * are deprecated by RFC 8996.
 */
export const gatewayMinProtocol: Rule = {
  id: 'istio/gateway-min-protocol',
  title: 'Gateway minProtocolVersion allows TLS versions the profile does not',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.istioGateway],
  check(ctx) {
    const profile = ctx.policy.profile;
    const min = profileMin(profile);
    for (const gw of ctx.kube().resources) {
      if (resourceKindKey(gw) !== K.istioGateway) continue;
      for (const s of gatewayServers(gw)) {
        const node = s.tls.get('minProtocolVersion');
        const v = node.str();
        const proto = v ? ISTIO_PROTOCOLS[v] : undefined;
        if (!proto || !olderThan(proto, min)) continue;
        const weak = WEAK_PROTOCOLS[proto];
        const wanted = Object.keys(ISTIO_PROTOCOLS).find((k) => ISTIO_PROTOCOLS[k] === min);
        reportResource(ctx, gw, {
          range: node.at,
          severity: weak?.severity ?? 'warning',
          message: `minProtocolVersion ${v} allows ${proto}${weak ? `, ${weak.why}` : ''}; the ${profile.name} profile starts at ${min}`,
          fixes: wanted ? setScalarFix(`Set minProtocolVersion ${wanted}`, node, wanted, { preferred: true }) : [],
        });
      }
    }
  },
};

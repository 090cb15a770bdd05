import { isPublicHostname, patternCovers } from '../../formats/kube/hosts';
import { gatewayServers, hostPart, type GatewayServer } from '../../formats/kube/istio';
import { isTemplated } from '../../formats/kube/node';
import { K } from '../../formats/kube/refs';
import { ownOfKind, reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/** A server that terminates TLS (HTTPS, or TLS with settings other than passthrough). */
function servesTls(s: GatewayServer): boolean {
  const mode = s.tls.get('mode').str();
  return s.protocol === 'HTTPS' || (s.protocol === 'TLS' && mode !== 'PASSTHROUGH' && mode !== 'AUTO_PASSTHROUGH');
}

/**
 * An Istio Gateway server with protocol HTTP, without `tls.httpsRedirect: true`, for a public
 * host that no TLS-terminating server serves — on this Gateway (a `*` host counts), or naming
 * it on another Gateway of the workspace (Istio merges the servers of Gateways on one
 * workload): the host is reachable over plain HTTP only, as `ingress/host-without-tls`
 * reports for an Ingress. "Public" is `isPublicHostname`: not an IP, special-use,
 * documentation (example.com), cluster-local or private-network name.
 */
export const gatewayHttpOnly: Rule = {
  id: 'istio/gateway-http-only',
  title: 'An Istio Gateway serves a public host over plain HTTP only',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.istioGateway],
  check(ctx) {
    const view = ctx.kube();
    const elsewhere = view
      .ofKind(K.istioGateway)
      .flatMap((g) => gatewayServers(g).filter(servesTls))
      .flatMap((s) => s.hosts.map((h) => hostPart(h.value)))
      .filter((h) => h !== '*');
    for (const gw of ownOfKind(view, K.istioGateway)) {
      const servers = gatewayServers(gw);
      const own = servers.filter(servesTls).flatMap((s) => s.hosts.map((h) => hostPart(h.value)));
      for (const s of servers) {
        if (s.protocol !== 'HTTP' || s.tls.get('httpsRedirect').bool() === true) continue;
        const plain = s.hosts.filter((h) => {
          const host = hostPart(h.value);
          return !isTemplated(host) && isPublicHostname(host) && !own.some((p) => patternCovers(p, host)) && !elsewhere.some((p) => patternCovers(p, host));
        });
        const first = plain[0];
        if (!first) continue;
        const names = [...new Set(plain.map((h) => hostPart(h.value)))];
        const list = names.length === 1 ? names[0]! : `${names.slice(0, 4).join(', ')}${names.length > 4 ? `, … (${names.length} in all)` : ''}`;
        reportResource(ctx, gw, {
          range: first.node.at,
          message: `the HTTP server on port ${s.port ?? '?'} serves ${list} over plain HTTP only: no HTTPS server serves ${names.length === 1 ? 'it' : 'them'} and tls.httpsRedirect is not set`,
          assumptions: [`${list} ${names.length === 1 ? 'is a public name' : 'are public names'} (not reserved, documentation, cluster-local or private-network ones)`],
        });
      }
    }
  },
};

import { gatewayServers, hostPart } from '../../formats/kube/istio';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';
import { setScalarFix } from '../../formats/kube/edits';

/**
 * A Gateway server for plain HTTP whose hosts the same Gateway also serves over HTTPS
 * should redirect: `tls.httpsRedirect: true` answers 301 to HTTPS (Istio ServerTLSSettings
 * reference). Reported when the policy requires redirects (`require.httpsRedirect`).
 */
export const gatewayHttpNoRedirect: Rule = {
  id: 'istio/gateway-http-no-redirect',
  title: 'An HTTP Gateway server serves HTTPS hosts without httpsRedirect',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.istioGateway],
  check(ctx) {
    if (!ctx.policy.require.httpsRedirect) return;
    for (const gw of ctx.kube().resources) {
      if (resourceKindKey(gw) !== K.istioGateway) continue;
      const servers = gatewayServers(gw);
      const tlsHosts = new Set(servers.filter((s) => s.protocol === 'HTTPS' || (s.protocol === 'TLS' && s.tls.isMap())).flatMap((s) => s.hosts.map((h) => hostPart(h.value).toLowerCase())));
      for (const s of servers) {
        if (s.protocol !== 'HTTP' || s.tls.get('httpsRedirect').bool() === true) continue;
        const both = s.hosts.filter((h) => tlsHosts.has(hostPart(h.value).toLowerCase()) || tlsHosts.has('*'));
        if (!both.length) continue;
        const redirect = s.tls.get('httpsRedirect');
        reportResource(ctx, gw, {
          range: s.node.get('port').keyRange,
          fixes: redirect.bool() === false ? setScalarFix('Set tls.httpsRedirect true', redirect, 'true', { preferred: true, raw: true }) : [],
          message: `the HTTP server on port ${s.port ?? '?'} serves ${both.map((h) => hostPart(h.value)).join(', ')}, also served over HTTPS, without tls.httpsRedirect: true`,
        });
      }
    }
  },
};

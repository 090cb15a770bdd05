import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

const HTTP = ['ServersTransport.traefik.io', 'ServersTransport.traefik.containo.us'];
const TCP = ['ServersTransportTCP.traefik.io', 'ServersTransportTCP.traefik.containo.us'];

/**
 * A Traefik ServersTransport with `insecureSkipVerify: true`, or a ServersTransportTCP with
 * `tls.insecureSkipVerify: true`: Traefik connects to the backend servers over TLS without
 * verifying their certificate chain and host name (Traefik docs, Kubernetes CRD
 * ServersTransport / ServersTransportTCP: "Controls whether the server's certificate chain and
 * host name is verified", default false), so whoever sits between them can impersonate the backend.
 */
export const serversTransportInsecure: Rule = {
  id: 'traefik/servers-transport-insecure',
  title: "ServersTransport skips verification of the backends' certificates",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [...HTTP, ...TCP],
  check(ctx) {
    for (const r of ctx.kube().resources) {
      const k = resourceKindKey(r);
      const node = HTTP.includes(k) ? r.spec.get('insecureSkipVerify') : TCP.includes(k) ? r.spec.get('tls', 'insecureSkipVerify') : undefined;
      if (node?.bool() !== true) continue;
      reportResource(ctx, r, {
        range: node.at,
        message: `insecureSkipVerify: true: Traefik does not verify the backend servers' certificates or names, so anyone on the path can impersonate them; give rootCAs (and serverName) instead`,
      });
    }
  },
};

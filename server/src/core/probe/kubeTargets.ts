/**
 * Endpoints a manifest names, for the "Probe" lens: each plain host of an Ingress
 * `spec.tls[].hosts` (served on 443), of a Gateway API listener with protocol HTTPS or TLS
 * (`hostname`, with its `port`), and of an Istio Gateway server with `tls` (`hosts`,
 * `[namespace/]host`, with `port.number`). Wildcards and templated values are skipped.
 */
import type { TextDoc } from '../document';
import { ingressTls, isIngress } from '../formats/kube/ingress';
import { gatewayServers, hostPart } from '../formats/kube/istio';
import { isTemplated } from '../formats/kube/node';
import { K } from '../formats/kube/refs';
import { kubeFile, resourceKindKey } from '../formats/kube/resources';
import type { Range } from '../text';

const PLAIN_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i;

function target(host: string, port: number | undefined): string {
  const h = host.replace(/\.$/, '');
  return port === undefined || port === 443 ? h : `${h}:${port}`;
}

export function endpointsInManifest(doc: TextDoc): Array<{ target: string; range: Range }> {
  const out: Array<{ target: string; range: Range }> = [];
  const add = (host: string | undefined, port: number | undefined, range: Range): void => {
    if (!host || isTemplated(host) || !PLAIN_NAME.test(host) || (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535))) return;
    out.push({ target: target(host, port), range });
  };
  for (const r of kubeFile(doc.file, doc.text, doc.lines).resources) {
    const kind = resourceKindKey(r);
    if (isIngress(r)) {
      for (const entry of ingressTls(r)) for (const h of entry.hosts) add(h.value, 443, h.node.at);
    } else if (kind === K.gateway) {
      for (const l of r.spec.get('listeners').items()) {
        const protocol = (l.get('protocol').str() ?? '').toUpperCase();
        if (protocol !== 'HTTPS' && protocol !== 'TLS') continue;
        const h = l.get('hostname');
        add(h.str(), l.get('port').num(), h.at);
      }
    } else if (kind === K.istioGateway) {
      for (const s of gatewayServers(r)) {
        if (!s.tls.exists || s.protocol === 'HTTP') continue;
        for (const h of s.hosts) add(hostPart(h.value), s.port, h.node.at);
      }
    }
  }
  return out;
}

/**
 * Endpoints a configuration names, for a "Probe" lens: each plain `server_name` of an nginx
 * http server that listens with TLS, with the port when it is not 443. Wildcards, regular
 * expressions, `_` and names with variables are not endpoints and are skipped. Manifests:
 * Ingress TLS hosts, Gateway API HTTPS/TLS listener hostnames, Istio Gateway TLS hosts
 * (`kubeTargets.ts`). Registered formats name theirs (`FormatModule.probeTargets`).
 */
import type { TextDoc } from '../document';
import { detectFormat } from '../formats/detect';
import { asIncludedInHttp } from '../formats/nginx/context';
import { effectiveConfig, type EffectiveServer } from '../formats/nginx/effective';
import { parseNginxDoc } from '../formats/nginx/parseCache';
import { formatModule } from '../formats/registry';
import { DEFAULT_POLICY } from '../policy/policy';
import type { Range } from '../text';
import { endpointsInManifest } from './kubeTargets';

export interface NamedEndpoint {
  /** host[:port] as the probe command takes it. */
  target: string;
  /** The server_name argument. */
  range: Range;
}

const PLAIN_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i;

export function endpointsInDocument(doc: TextDoc): NamedEndpoint[] {
  const format = detectFormat(doc);
  if (format === 'kubernetes') return endpointsInManifest(doc);
  // A registered format names its own (HAProxy: the TLS bind lines).
  const module = formatModule(format);
  if (module?.probeTargets) return [...module.probeTargets(module.model({ doc, policy: DEFAULT_POLICY }))];
  if (format !== 'nginx') return [];
  // The parse the linter shares (by file name), so unchanged servers keep their effective values.
  const cfg = effectiveConfig(asIncludedInHttp(parseNginxDoc(doc).directives, undefined));
  const out: NamedEndpoint[] = [];
  for (const server of cfg.servers) {
    // An unchanged server is the same object from one request to the next (effective.ts).
    let known = byServer.get(server);
    if (known?.file !== doc.file) byServer.set(server, (known = { file: doc.file, endpoints: serverEndpoints(server, doc.file) }));
    for (const e of known.endpoints) out.push(e);
  }
  return out;
}

const byServer = new WeakMap<EffectiveServer, { file: string; endpoints: NamedEndpoint[] }>();

function serverEndpoints(server: EffectiveServer, file: string): NamedEndpoint[] {
  const out: NamedEndpoint[] = [];
  if (server.module !== 'http' || !server.tls || server.settings.flag('ssl_reject_handshake') === true) return out;
  const ports = [...new Set(server.listens.filter((l) => l.ssl && l.port !== undefined && !l.implicit).map((l) => l.port!))];
  if (ports.length === 0) return out;
  const port = ports.includes(443) ? 443 : ports[0]!;
  for (const n of server.serverNames) {
    if (n.arg.range.start.line < 0 || !PLAIN_NAME.test(n.name) || n.name.includes('$')) continue;
    if (n.directive.file !== undefined && n.directive.file !== file) continue;
    out.push({ target: port === 443 ? n.name.replace(/\.$/, '') : `${n.name.replace(/\.$/, '')}:${port}`, range: n.arg.range });
  }
  return out;
}

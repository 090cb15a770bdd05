/**
 * nginx's Probe lens targets (`nginxFormat.probeTargets`): each plain `server_name` of an http
 * server that listens with TLS, with the port when it is not 443. Wildcards, regular
 * expressions, `_` and names with variables are not endpoints and are skipped.
 */
import type { ProbeTarget } from '../format';
import { asIncludedInHttp } from './context';
import { effectiveConfig, type EffectiveServer } from './effective';
import type { NginxModel } from './model';
import { parseNginxDoc } from './parseCache';

type NamedEndpoint = ProbeTarget;

const PLAIN_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i;

/** The TLS servers' names of the document (its own servers, without an includer or what includes read). */
export function nginxProbeTargets(model: NginxModel): NamedEndpoint[] {
  const doc = model.doc;
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

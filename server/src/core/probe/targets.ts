/**
 * Endpoints a configuration names, for a "Probe" lens. nginx: each plain `server_name` of an
 * http server that listens with TLS (`formats/nginx/targets.ts`). Manifests:
 * Ingress TLS hosts, Gateway API HTTPS/TLS listener hostnames, Istio Gateway TLS hosts
 * (`kubeTargets.ts`). Registered formats name theirs (`FormatModule.probeTargets`).
 */
import type { TextDoc } from '../document';
import { detectFormat } from '../formats/detect';
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

export function endpointsInDocument(doc: TextDoc): NamedEndpoint[] {
  const format = detectFormat(doc);
  if (format === 'kubernetes') return endpointsInManifest(doc);
  // A registered format names its own (HAProxy: the TLS bind lines).
  const module = formatModule(format);
  if (module?.probeTargets) return [...module.probeTargets(module.model({ doc, policy: DEFAULT_POLICY }))];
  return [];
}


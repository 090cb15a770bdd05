import type { CancellationToken } from 'vscode-languageserver/node';
import { TextDoc, walkFiles, type Host, type KubeIndex } from '../core';
import { formatFromName } from '../core/formats/detect';
import { INGRESS_KINDS } from '../core/formats/kube/ingress';
import { K } from '../core/formats/kube/refs';
import { endpointsInDocument } from '../core/probe/targets';
import type { ProbeTargetItem, ProbeTargetsResult } from '../shared/protocol';
import { pathToUri } from './convert';

/** At most this many endpoints are offered (a person picks one; the rest can be typed). */
const MAX_TARGETS = 500;
/** nginx files larger than this are not read for names. */
const MAX_NGINX_BYTES = 2 * 1024 * 1024;

/**
 * `tlsLens/probeTargets`: the endpoints the workspace defines, as the "Probe" lenses name them
 * (plain `server_name`s of nginx TLS servers; Ingress, Gateway API and Istio Gateway TLS
 * hosts), each once, with where it is first defined. Reads nginx files (open editors' text
 * first) and the manifest index; contacts nothing.
 */
export async function probeTargets(
  host: Host,
  folders: readonly string[],
  kube: () => Promise<KubeIndex>,
  openText: (path: string) => string | undefined,
  token: CancellationToken,
): Promise<ProbeTargetsResult> {
  const out = new Map<string, ProbeTargetItem>();
  let truncated = false;
  const add = (file: string, text: string): void => {
    for (const e of endpointsInDocument(new TextDoc(file, text))) {
      if (out.has(e.target)) continue;
      if (out.size >= MAX_TARGETS) {
        truncated = true;
        return;
      }
      out.set(e.target, { target: e.target, file, uri: pathToUri(file), line: e.range.start.line });
    }
  };
  for (const folder of folders) {
    for await (const f of walkFiles(host, folder, { accept: (p) => formatFromName(p) === 'nginx', isCancelled: () => token.isCancellationRequested })) {
      let text = openText(f);
      if (text === undefined) {
        const st = await host.stat(f).catch(() => undefined);
        if (!st?.isFile || st.size > MAX_NGINX_BYTES) continue;
        text = new TextDecoder().decode(await host.readFile(f).catch(() => new Uint8Array()));
      }
      add(f, text);
    }
  }
  if (!token.isCancellationRequested) {
    const index = await kube();
    const files = new Set<string>();
    for (const kind of [...INGRESS_KINDS, K.gateway, K.istioGateway]) for (const r of index.ofKind(kind)) files.add(r.file);
    for (const f of [...files].sort()) {
      const entry = index.entry(f);
      if (entry) add(f, entry.text);
    }
  }
  return { targets: [...out.values()], truncated };
}

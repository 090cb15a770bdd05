/**
 * "Compare with config" for registered formats (`formats/registry.ts`): each file is read,
 * detected, its facts gathered and its model made exactly as for linting; its
 * `ServedEndpoint`s on the probed port are matched by name — a host name its ACLs name
 * (exact, then `*.` suffixes), else a certificate it serves whose SANs cover the name
 * (HAProxy picks the certificate by SNI), else, for the only listener on the port, as the
 * default — and each live finding is linked to what `locate` says the setting comes from.
 */
import { referencedSites } from '../../certs/referenced';
import { leafOf } from '../../certs/judge';
import { TextDoc } from '../../document';
import { detectFormat } from '../../formats/detect';
import type { EndpointTopic, FormatModule, NamedMaterial, ServedEndpoint } from '../../formats/format';
import { formatModule } from '../../formats/registry';
import type { Host } from '../../host';
import type { Policy } from '../../policy/policy';
import { dnsNameMatches } from '../../x509/names';
import type { Located } from './nginx';
import type { ConfigDefinition, ConfigLink, ConfiguredCertificate, DefinitionKind } from './types';

export interface FormatSources {
  host: Host;
  /** Files a registered format may hold (`FormatModule.candidate`), absolute paths. */
  files: readonly string[];
  policy: Policy;
  maxFileBytes: number;
  /** Open editors' text wins over the disk. */
  text?: (path: string) => string | undefined;
}

/** Which setting a probe finding is about. */
const TOPICS: Readonly<Record<string, EndpointTopic>> = {
  'probe/weak-protocol': 'protocols',
  'probe/weak-cipher': 'ciphers',
  'probe/no-forward-secrecy': 'ciphers',
  'probe/certificate-expiry': 'certificate',
  'probe/weak-certificate': 'certificate',
  'probe/hostname-mismatch': 'certificate',
  'probe/certificate-differs': 'certificate',
  'probe/untrusted-chain': 'certificate',
  'probe/missing-hsts': 'hsts',
  'probe/ocsp-staple': 'ocsp',
};

async function readText(src: FormatSources, path: string): Promise<string | undefined> {
  const open = src.text?.(path);
  if (open !== undefined) return open;
  try {
    const st = await src.host.stat(path);
    if (!st?.isFile || st.size > src.maxFileBytes) return undefined;
    return new TextDecoder().decode(await src.host.readFile(path));
  } catch {
    return undefined;
  }
}

function configured(m: NamedMaterial, file: string): ConfiguredCertificate {
  const c: ConfiguredCertificate = { at: { file, range: m.range, label: `${m.by} ${m.written}` } };
  if (!m.file) {
    c.note = m.written.includes('$') ? 'chosen at run time (a variable)' : `${m.written} is not in the workspace (a pathMappings entry in .tls-lens.yaml maps server paths)`;
    return c;
  }
  const leaf = leafOf(referencedSites(m.file));
  if (!leaf) c.note = `${m.file.written} holds no readable certificate`;
  else {
    c.sha256 = leaf.cert.sha256Fingerprint;
    c.subject = leaf.cert.subject;
  }
  return c;
}

/** How an endpoint answers a name: by an ACL name, by a certificate's SANs, or not. */
function matchName(ep: ServedEndpoint, name: string | undefined): { how: ConfigDefinition['match']; range: ConfigLink['range']; label: string } | undefined {
  if (!name) return undefined;
  const h = name.toLowerCase().replace(/\.$/, '');
  const exact = ep.names.find((n) => n.name === h);
  if (exact) return { how: 'exact', range: exact.at.range, label: exact.at.label };
  const wild = ep.names.filter((n) => n.name.startsWith('*.') && h.endsWith(n.name.slice(1))).sort((a, b) => b.name.length - a.name.length)[0];
  if (wild) return { how: 'wildcard', range: wild.at.range, label: wild.at.label };
  for (const m of ep.certificates) {
    if (!m.file) continue;
    const leaf = leafOf(referencedSites(m.file));
    const san = leaf?.cert.sans.find((s) => s.type === 'DNS' && dnsNameMatches(s.value, h));
    if (san) return { how: san.value.startsWith('*.') ? 'wildcard' : 'exact', range: m.range, label: `${m.by} ${m.written} (its certificate covers ${san.value})` };
  }
  return undefined;
}

/** The definitions of registered formats that answer `name` on `port`, and how many files of each format were read. */
export async function locateInFormats(src: FormatSources, name: string | undefined, port: number): Promise<{ located: Located[]; read: Map<FormatModule, number> }> {
  const located: Located[] = [];
  const read = new Map<FormatModule, number>();
  for (const path of src.files) {
    const text = await readText(src, path);
    if (text === undefined) continue;
    const doc = new TextDoc(path, text);
    const m = formatModule(detectFormat(doc));
    if (!m?.endpoints) continue;
    read.set(m, (read.get(m) ?? 0) + 1);
    const facts = m.gather ? await m.gather({ host: src.host, path, doc, policy: src.policy }) : undefined;
    const model = m.model({ doc, policy: src.policy, ...(facts !== undefined ? { facts } : {}) });
    const onPort = m.endpoints(model).filter((ep) => ep.ports.includes(port));
    const named = onPort.map((ep) => ({ ep, hit: matchName(ep, name) }));
    const hits = named.filter((x) => x.hit);
    // The only listener on the port answers any name it does not route elsewhere.
    const chosen = hits.length ? hits : onPort.length === 1 ? [{ ep: onPort[0]!, hit: undefined }] : [];
    for (const { ep, hit } of chosen) {
      const definition: ConfigDefinition = {
        kind: m.id as DefinitionKind,
        title: ep.title,
        at: hit ? { file: path, range: hit.range, label: hit.label } : { file: path, range: ep.at.range, label: `${ep.at.label}: the only TLS listener on port ${port}${name ? ` (no name in it matches ${name})` : ''}` },
        match: hit?.how ?? 'default',
      };
      const certs = ep.certificates.map((c) => configured(c, path));
      if (certs.length) definition.certificate = certs;
      const locate = (ruleId: string): ConfigLink[] => {
        const topic = TOPICS[ruleId];
        if (!topic) return [];
        const links = ep.locate(topic).map((l) => ({ file: path, range: l.range, label: l.label }));
        return topic === 'certificate' && ruleId === 'probe/untrusted-chain' ? links.map((l) => ({ ...l, label: `${l.label} (the file should hold the leaf followed by its intermediates)` })) : links;
      };
      located.push({ definition, locate });
    }
  }
  return { located, read };
}

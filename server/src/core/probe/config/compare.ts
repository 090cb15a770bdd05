/**
 * "Compare with config": finds where the probed name is defined in the workspace (nginx
 * servers, Ingress, Gateway API and Istio Gateways), links each live finding to the
 * configuration lines it comes from, and tells whether the live leaf certificate is the
 * one the workspace configures (a `probe/certificate-differs` finding when it is not).
 */
import { formatFromName } from '../../formats/detect';
import { formatModules } from '../../formats/registry';
import type { Host } from '../../host';
import type { Policy } from '../../policy/policy';
import { PROBE_RULES } from '../../rules/probe';
import { KubeIndex } from '../../workspace/index';
import { indexFiles, mayHoldManifests } from '../../workspace/indexFiles';
import { walkFiles } from '../../workspace/walk';
import { liveChain, nameToVerify, servedLeaves } from '../facts';
import type { ProbeReport } from '../report';
import type { ProbeResult } from '../types';
import type { CertificateSummary } from '../../x509/certificate';
import { locateInManifests } from './kube';
import { locateInFormats } from './formats';
import { locateInNginx, type Located } from './nginx';
import type { ConfigLink, ProbeConfigComparison } from './types';

export interface ConfigSources {
  host: Host;
  /** nginx files (main configurations and site files), absolute paths. */
  nginxFiles: readonly string[];
  /** The workspace's manifests. */
  kube?: KubeIndex;
  /** Files a registered format may hold (HAProxy's `.cfg`), detected when read. */
  formatFiles?: readonly string[];
  nginxVersion?: string;
  pathMappings?: Readonly<Record<string, string>>;
  text?: (path: string) => string | undefined;
}

/** Files collected from folders: nginx files by name (as `check` recognises them) and an index of the manifests. */
export async function collectConfigSources(
  host: Host,
  roots: readonly string[],
  opts: { maxFileBytes: number; kube?: KubeIndex; isCancelled?: () => boolean } = { maxFileBytes: 1024 * 1024 },
): Promise<ConfigSources> {
  const nginxFiles: string[] = [];
  const manifests: string[] = [];
  const formatFiles: string[] = [];
  const registered = (p: string): boolean => formatModules().some((m) => m.endpoints && m.candidate(p));
  for (const root of roots) {
    const walk: Parameters<typeof walkFiles>[2] = { accept: (p) => formatFromName(p) === 'nginx' || registered(p) || (!opts.kube && mayHoldManifests(p)) };
    if (opts.isCancelled) walk.isCancelled = opts.isCancelled;
    for await (const f of walkFiles(host, root, walk)) {
      if (formatFromName(f) === 'nginx') nginxFiles.push(f);
      else if (registered(f)) formatFiles.push(f);
      else manifests.push(f);
    }
  }
  const kube = opts.kube ?? (await indexFiles(host, manifests.map((p) => ({ path: p, name: p })), opts.maxFileBytes, new KubeIndex(), opts.isCancelled));
  return { host, nginxFiles, kube, formatFiles };
}

function sameSha(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.replace(/:/g, '').toUpperCase() === b.replace(/:/g, '').toUpperCase();
}

function short(sha: string): string {
  return sha.split(':').slice(0, 8).join(':') + '…';
}

/**
 * Adds the comparison to a report: `report.config`, `config` links on each finding, and a
 * `probe/certificate-differs` finding when the live leaf is not the configured one. The
 * report's findings keep their order (a new finding goes to its rule's place).
 */
export async function compareWithConfig(report: ProbeReport, result: ProbeResult, sources: ConfigSources, policy: Policy): Promise<ProbeReport> {
  const live: LiveEndpoint = { name: nameToVerify(result), port: result.target.port };
  const leaf = liveChain(result)[0]?.cert;
  if (leaf) live.leaf = leaf;
  const served = servedLeaves(result).flatMap((l) => (l.chain[0]?.cert ? [{ sha256: l.chain[0].cert.sha256Fingerprint, subject: l.chain[0].cert.subject, keyType: l.keyType, versions: l.versions }] : []));
  if (served.length) live.served = served;
  return compareEndpointWithConfig(report, live, sources, policy);
}

/** A stored report's certificates by key type, for `compareEndpointWithConfig` (`tls-lens merge --config`). */
export function servedOfReport(report: Pick<ProbeReport, 'servedCertificates'>): LiveEndpoint['served'] {
  const out = (report.servedCertificates ?? []).flatMap((c) => (c.sha256 ? [{ sha256: c.sha256, subject: c.subject ?? '', keyType: c.keyType, versions: c.versions }] : []));
  return out.length ? out : undefined;
}

/** What the comparison needs of a probe: the name checked, the port, the live leaf (a result's, or a stored report's: `tls-lens merge --config`). */
export interface LiveEndpoint {
  name: string;
  port: number;
  leaf?: CertificateSummary;
  /** Every live leaf by key type, when the server was asked for each (`ProbeReport.servedCertificates`). */
  served?: { sha256: string; subject: string; keyType: string; versions: string[] }[];
}

/** `compareWithConfig` from the parts (a report read back from JSON has no ProbeResult). */
export async function compareEndpointWithConfig(report: ProbeReport, live: LiveEndpoint, sources: ConfigSources, policy: Policy): Promise<ProbeReport> {
  const { name, port } = live;
  const isIp = /^[\d.]+$|:/.test(name);
  const nginxOpts: Parameters<typeof locateInNginx>[0] = { host: sources.host, files: sources.nginxFiles };
  if (sources.nginxVersion !== undefined) nginxOpts.nginxVersion = sources.nginxVersion;
  if (sources.pathMappings) nginxOpts.pathMappings = sources.pathMappings;
  if (sources.text) nginxOpts.text = sources.text;
  const nginx = await locateInNginx(nginxOpts, isIp ? undefined : name, port);
  const formats = await locateInFormats({ host: sources.host, files: sources.formatFiles ?? [], policy: { ...policy, pathMappings: sources.pathMappings ?? policy.pathMappings }, maxFileBytes: policy.maxFileSizeBytes, ...(sources.text ? { text: sources.text } : {}) }, isIp ? undefined : name, port);
  const found: Located[] = [...nginx.located, ...formats.located, ...(sources.kube && !isIp ? locateInManifests(sources.kube, name, port) : [])];
  // A definition by name (any kind) wins over nginx default servers that would only catch the name.
  const byName = found.filter((l) => l.definition.match !== 'default');
  const located = byName.length ? byName : found;
  const liveLeaf = live.leaf;
  const cmp: ProbeConfigComparison = {
    name,
    port,
    searched: {
      nginxFiles: nginx.filesRead,
      manifests: sources.kube?.fileCount ?? 0,
      ...(formats.read.size ? { formats: [...formats.read].map(([m, files]) => ({ id: m.id, title: m.title, files })) } : {}),
    },
    definitions: located.map((l) => l.definition),
  };
  if (liveLeaf) cmp.liveSha256 = liveLeaf.sha256Fingerprint;
  // Every live leaf: the main one, and one per key type when the server holds several (RSA and ECDSA).
  const lives: { sha256: string; subject: string; keyType?: string; versions?: string[] }[] = liveLeaf ? [{ sha256: liveLeaf.sha256Fingerprint, subject: liveLeaf.subject }] : [];
  const served = live.served ?? [];
  for (const l of served) {
    const known = lives.find((x) => sameSha(x.sha256, l.sha256));
    if (known) Object.assign(known, { keyType: l.keyType, versions: l.versions });
    else lives.push({ ...l });
  }
  if (served.length > 1) cmp.live = lives.filter((x) => x.keyType).map((x) => ({ sha256: x.sha256, keyType: x.keyType!, versions: x.versions! }));
  for (const d of cmp.definitions) {
    for (const c of d.certificate ?? []) {
      if (!c.sha256 || !lives.length) continue;
      const hit = lives.find((x) => sameSha(c.sha256, x.sha256));
      c.matchesLive = !!hit;
      if (hit?.keyType && served.length > 1) c.servedAs = `${hit.keyType}, ${hit.versions!.join(' and ')}`;
    }
  }

  const out: ProbeReport = { ...report, findings: [...report.findings], config: cmp };
  // A live leaf that is none of the certificates a definition configures (nginx may configure an RSA and an ECDSA one).
  const level = policy.rules[PROBE_RULES.certificateDiffers.id];
  const judged = cmp.definitions.filter((d) => (d.certificate ?? []).some((c) => c.matchesLive !== undefined));
  const first = judged[0];
  if (first && level !== 'off') {
    const configured = (first.certificate ?? []).filter((c) => c.sha256);
    const where = configured.map((c) => `${c.subject || '(empty subject)'}, SHA-256 ${short(c.sha256!)}`).join('; ');
    for (const live of lives.filter((x) => !configured.some((c) => sameSha(c.sha256, x.sha256)))) {
      const what = `${live.subject || '(empty subject)'}, SHA-256 ${short(live.sha256)}`;
      const message =
        live.keyType && served.length > 1
          ? `the ${live.keyType} certificate the server sends (${live.versions!.join(' and ')}: ${what}) is none of those ${first.title} configures (${where}): not deployed yet, another server answers, or the workspace is out of date`
          : `the server sends a different certificate (${what}) than ${first.title} configures (${where}): not deployed yet, another server answers, or the workspace is out of date`;
      out.findings.push({
        ruleId: PROBE_RULES.certificateDiffers.id,
        severity: level ?? PROBE_RULES.certificateDiffers.defaultSeverity,
        message,
        file: report.endpoint,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        fixes: [],
      });
    }
    out.findings.sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  }
  out.findings = out.findings.map((f) => {
    const links: ConfigLink[] = [];
    const seen = new Set<string>();
    for (const l of located) {
      for (const link of l.locate(f.ruleId)) {
        const key = `${link.file}:${link.range.start.line}:${link.range.start.character}`;
        if (seen.has(key)) continue;
        seen.add(key);
        links.push(link);
      }
    }
    return links.length ? { ...f, config: links } : f;
  });
  return out;
}

/** The same comparison with every file renamed (relative for a terminal, URIs for an editor). */
export function mapConfigFiles(report: ProbeReport, rename: (file: string) => { file: string; uri?: string }): ProbeReport {
  const move = (l: ConfigLink): ConfigLink => ({ ...l, ...rename(l.file) });
  const out: ProbeReport = { ...report, findings: report.findings.map((f) => (f.config ? { ...f, config: f.config.map(move) } : f)) };
  if (report.config) {
    out.config = {
      ...report.config,
      definitions: report.config.definitions.map((d) => {
        const nd = { ...d, at: move(d.at) };
        if (d.certificate) nd.certificate = d.certificate.map((c) => ({ ...c, at: move(c.at) }));
        return nd;
      }),
    };
  }
  return out;
}

/**
 * HAProxy as a format module (`formats/format.ts`): `haproxy.cfg`, `*.cfg` under a
 * `haproxy/` folder, and `.cfg` files whose text has HAProxy's sections.
 */
import type { TextDoc } from '../../document';
import type { Policy } from '../../policy/policy';
import { rangeContains, type Position, type Range } from '../../text';
import { DETECTION, type DetectInput, type EndpointLink, type EndpointTopic, type FormatHover, type FormatModule, type NamedMaterial, type ProbeTarget, type ServedEndpoint } from '../format';
import { gatherHaproxyFacts, namedPaths, type HaproxyFacts, type NamedPath } from './facts';
import { haproxyHover } from './hover';
import { haproxyEffective, hostNames, hstsRules, type HaproxyEffective } from './model';
import { parseHaproxy, type HaproxyConfig } from './parser';

export interface HaproxyModel {
  doc: TextDoc;
  config: HaproxyConfig;
  /** As HAProxy applies it, for the policy's haproxyVersion. */
  effective: HaproxyEffective;
  policy: Policy;
  /** The policy's haproxyVersion; undefined: current HAProxy is assumed. */
  version?: string;
  facts?: HaproxyFacts;
  /** Every certificate, CA, CRL and DH path the lines name. */
  named: NamedPath[];
}

/** Parses shared by text (so by document version): lint, hover and lenses parse a text once. */
const parses = new Map<string, { text: string; config: HaproxyConfig }>();

/** The parse of a document, cached by file name and text (bounded). */
export function parseHaproxyDoc(doc: TextDoc): HaproxyConfig {
  const hit = parses.get(doc.file);
  if (hit && hit.text === doc.text) return hit.config;
  const config = parseHaproxy(doc.text, doc.lines);
  parses.delete(doc.file);
  if (parses.size >= 64) parses.delete(parses.keys().next().value!);
  parses.set(doc.file, { text: doc.text, config });
  return config;
}

/** `haproxy.cfg`, `haproxy-edge.cfg`, `*.haproxy` (the names the extension contributes). */
/** The effective configuration and named paths of a parse (shared while the parse is: lint, hover and lenses of one text). */
const effectives = new WeakMap<HaproxyConfig, Map<string, HaproxyEffective>>();
const nameds = new WeakMap<HaproxyConfig, NamedPath[]>();

function effectiveOf(config: HaproxyConfig, version: string | undefined): HaproxyEffective {
  let byVersion = effectives.get(config);
  if (!byVersion) effectives.set(config, (byVersion = new Map<string, HaproxyEffective>()));
  let e = byVersion.get(version ?? '');
  if (!e) byVersion.set(version ?? '', (e = haproxyEffective(config, version)));
  return e;
}

function namedOf(config: HaproxyConfig): NamedPath[] {
  let n = nameds.get(config);
  if (!n) nameds.set(config, (n = namedPaths(config)));
  return n;
}

const NAME = /(^|[\\/])haproxy[^\\/]*\.cfg$|\.haproxy$/i;
const FOLDER = /(^|[\\/])haproxy[\\/](?:[^\\/]+[\\/])*[^\\/]+\.cfg$/i;
/** Section headers only HAProxy has: `global`/`defaults` alone on a line, or frontend/backend/listen with a name. */
const SECTION_LINE = /^(?:global|defaults(?:[ \t]+\S+)?|(?:frontend|backend|listen)[ \t]+\S+)[ \t]*(?:#.*)?$/gm;
/** `.cfg`, `.conf`, or no extension. */
const SNIFFED = /(^|[\\/])(?:[^\\/.]+|[^\\/]+\.(?:cfg|conf))$/i;
const STATEMENT = /^[ \t]+(?:bind|server|mode|balance|default_backend|use_backend|timeout|maxconn|option|log)[ \t]/m;

function detect(input: DetectInput): number {
  if (input.languageId === 'haproxy') return DETECTION.language;
  if (NAME.test(input.file)) return DETECTION.fileName;
  const cfg = /\.cfg$/i.test(input.file);
  if (cfg && FOLDER.test(input.file)) return DETECTION.folder;
  // Text in other files (Markdown, templates) often quotes configurations: only these names are sniffed.
  if (input.head === undefined || !SNIFFED.test(input.file)) return 0;
  const sections = input.head.match(SECTION_LINE)?.length ?? 0;
  // `.cfg` with one HAProxy section and a statement, other names with two sections and one.
  if (sections >= (cfg ? 1 : 2) && STATEMENT.test(input.head)) return DETECTION.content;
  return 0;
}

function endpointsOf(model: HaproxyModel): ServedEndpoint[] {
  const out: ServedEndpoint[] = [];
  const material = namedMaterial(model);
  for (const proxy of model.effective.frontends) {
    const binds = proxy.binds.filter((b) => b.tls);
    if (binds.length === 0) continue;
    const at: EndpointLink = { range: proxy.section.header.range, label: `${proxy.kind} ${proxy.name}` };
    const certificates = material.filter((m) => m.role === 'certificate' && binds.some((b) => b.line.range === m.lineRange));
    const locate = (topic: EndpointTopic): EndpointLink[] => {
      const links: EndpointLink[] = [];
      for (const b of binds) {
        if (topic === 'protocols') {
          const v = b.versions;
          for (const o of [v.minBy, v.maxBy, ...v.disabledBy]) if (o) links.push({ range: o.line.range, label: o.line.words.map((w) => w.raw).join(' ') });
          if (!v.minBy) links.push({ range: b.line.range, label: `no ssl-min-ver on this bind or in ssl-default-bind-options: the default minimum ${v.min === 'TLSv1' ? 'TLSv1.0' : v.min}` });
        } else if (topic === 'ciphers') {
          const c = b.ciphers;
          links.push(c ? { range: c.line.range, label: `${c.origin === 'global' ? 'ssl-default-bind-ciphers' : 'ciphers'} ${c.value}` } : { range: b.line.range, label: "no ciphers on this bind or ssl-default-bind-ciphers: OpenSSL's DEFAULT list" });
        } else if (topic === 'certificate') {
          for (const o of b.options) if ((o.key.value === 'crt' || o.key.value === 'crt-list') && o.value) links.push({ range: o.value.range, label: `${o.key.value} ${o.value.value}` });
        } else if (topic === 'ocsp') {
          links.push({ range: b.line.range, label: 'HAProxy staples the <crt>.ocsp file beside each certificate (or ocsp-update on in a crt-list)' });
        }
      }
      if (topic === 'hsts') {
        const rules = hstsRules(proxy);
        if (rules.length) for (const r of rules) links.push({ range: r.line.range, label: r.line.words.map((w) => w.raw).join(' ') });
        else links.push({ ...at, label: `no http-response set-header Strict-Transport-Security in ${proxy.kind} ${proxy.name}` });
      }
      return dedupe(links);
    };
    out.push({
      title: `HAProxy ${proxy.kind} ${proxy.name}`,
      at,
      ports: [...new Set(binds.flatMap((b) => b.ports))],
      names: hostNames(proxy).map((n) => ({ name: n.name, at: { range: n.word.range, label: n.word.value } })),
      certificates,
      locate,
    });
  }
  return out;
}

function dedupe(links: EndpointLink[]): EndpointLink[] {
  const seen = new Set<string>();
  return links.filter((l) => {
    const k = `${l.range.start.line}:${l.range.start.character}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Named material with the range of the line it is on (to find a bind's own files). */
type LinedMaterial = NamedMaterial & { lineRange: Range };

const ROLE: Readonly<Record<NamedPath['role'], NamedMaterial['role']>> = { certificate: 'certificate', list: 'certificate', ca: 'ca', crl: 'crl', dh: 'dh' };

function namedMaterial(model: HaproxyModel): LinedMaterial[] {
  const out: LinedMaterial[] = [];
  for (const n of model.named) {
    const written = n.word.value;
    const base = { by: n.by, role: ROLE[n.role], written, range: n.word.range, lineRange: n.line.range };
    const files = model.facts?.files.get(written) ?? [];
    if (files.length === 0) out.push(base);
    for (const file of files) {
      out.push({ ...base, file, group: file.path });
      const key = n.role === 'certificate' || n.role === 'list' ? model.facts?.keys.get(file.written) : undefined;
      if (key) out.push({ ...base, role: 'key', file: key, group: file.path });
    }
  }
  return out;
}

function hover(model: HaproxyModel, position: Position): FormatHover | undefined {
  for (const n of model.named) {
    if (!rangeContains(n.word.range, position)) continue;
    const files = model.facts?.files.get(n.word.value);
    if (files?.length) return { range: n.word.range, written: n.word.value, files };
  }
  return haproxyHover(model, position);
}

const PLAIN_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

function probeTargets(model: HaproxyModel): ProbeTarget[] {
  const out: ProbeTarget[] = [];
  for (const proxy of model.effective.frontends) {
    const names = hostNames(proxy).filter((n) => !n.name.startsWith('*.') && n.name.includes('.'));
    for (const b of proxy.binds) {
      if (!b.tls || !b.address || b.ports.length === 0) continue;
      const port = b.ports.includes(443) ? 443 : b.ports[0]!;
      const hosts = names.length ? names.map((n) => n.name) : b.host !== undefined && (PLAIN_NAME.test(b.host) || b.host.includes(':')) ? [b.host] : [];
      for (const h of hosts) {
        const host = h.includes(':') ? `[${h}]` : h;
        out.push({ target: port === 443 ? host : `${host}:${port}`, range: b.address.range });
      }
    }
  }
  return out;
}

export const haproxyFormat: FormatModule<'haproxy', HaproxyModel, HaproxyFacts> = {
  id: 'haproxy',
  title: 'HAProxy',
  languageIds: ['haproxy'],
  lineComment: '#',
  detect,
  candidate: (path) => /\.(cfg|haproxy)$/i.test(path),
  model({ doc, policy, facts }) {
    const config = parseHaproxyDoc(doc);
    const version = policy.haproxyVersion;
    const m: HaproxyModel = { doc, config, effective: effectiveOf(config, version), policy, named: namedOf(config) };
    if (version !== undefined) m.version = version;
    if (facts) m.facts = facts;
    return m;
  },
  gather: gatherHaproxyFacts,
  namedMaterial,
  hover,
  probeTargets,
  endpoints: endpointsOf,
};

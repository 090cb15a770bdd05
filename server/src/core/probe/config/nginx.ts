/**
 * Which nginx `server` answers a probed name and port, and where each live finding's
 * setting is: the effective configuration (effective.ts) of every main configuration
 * (`nginx.conf`, includes spliced in) and of each site file no configuration includes.
 */
import type { Host } from '../../host';
import type { NginxDirective } from '../../formats/nginx/ast';
import { asIncludedInHttp } from '../../formats/nginx/context';
import { effectiveConfig, findHeader, type EffectiveServer } from '../../formats/nginx/effective';
import { loadNginxConfig, normalizePath, type NginxTree } from '../../formats/nginx/includes';
import { resolveReferencedPath } from '../../certs/referenced';
import { CERTIFICATE_LABELS, scanPem } from '../../formats/pem/scanner';
import { LineIndex } from '../../text';
import { decodeCertificate } from '../../x509/certificate';
import type { ConfigDefinition, ConfigLink, ConfiguredCertificate } from './types';
import { regexIsSafe } from './safeRegex';

export interface NginxSources {
  host: Host;
  /** nginx files of the workspace: main configurations and site files. */
  files: readonly string[];
  nginxVersion?: string;
  pathMappings?: Readonly<Record<string, string>>;
  /** Open editors' text wins over the disk. */
  text?: (path: string) => string | undefined;
}

/** A definition with the way to its settings. */
export interface Located {
  definition: ConfigDefinition;
  /** The places a finding of this rule comes from; [] when none is known. */
  locate(ruleId: string): ConfigLink[];
}

/** Most lone site files read; a workspace with more is unusual for one service. */
const MAX_LONE_FILES = 500;
const MAX_CERT_BYTES = 4 * 1024 * 1024;

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * How well a `server_name` argument matches a host, in nginx's order (nginx docs,
 * "Server names": exact, longest leading wildcard, longest trailing wildcard, first
 * regular expression); undefined when it does not.
 */
export function serverNameScore(pattern: string, host: string): { score: number; how: 'exact' | 'wildcard' | 'regex' } | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase();
  if (p.startsWith('~')) {
    // Only expressions that cannot backtrack for ages on a name (regexIsSafe): the expression
    // comes from a file in the workspace. Host names are at most 253 characters (RFC 1035).
    if (h.length > 253 || !regexIsSafe(pattern.slice(1))) return undefined;
    try {
      // nginx uses PCRE; plain expressions read the same in JavaScript, others simply do not match.
      return new RegExp(pattern.slice(1).replace(/^\(\?i\)/, ''), /^~\(\?i\)/.test(pattern) ? 'i' : '').test(h) ? { score: 1, how: 'regex' } : undefined;
    } catch {
      return undefined;
    }
  }
  if (p.includes('$') || p === '' || p === '_') return undefined;
  if (p.replace(/\.$/, '') === h) return { score: 3_000_000, how: 'exact' };
  if (p.startsWith('*.') && h.endsWith(p.slice(1)) && h.length > p.length - 1) return { score: 2_000_000 + p.length, how: 'wildcard' };
  if (p.startsWith('.') && (h === p.slice(1) || h.endsWith(p))) return { score: 2_000_000 + p.length, how: 'wildcard' };
  if (p.endsWith('.*') && h.startsWith(p.slice(0, -1)) && h.length > p.length - 1) return { score: 1_000_000 + p.length, how: 'wildcard' };
  return undefined;
}

function link(d: NginxDirective, fallbackFile: string, label: string, useName = false): ConfigLink {
  return { file: d.file ?? fallbackFile, range: useName ? d.nameRange : d.range, label };
}

function written(d: NginxDirective): string {
  return [d.name, ...d.args.map((a) => (/[\s;{}"']/.test(a.value) || a.value === '' ? JSON.stringify(a.value) : a.value))].join(' ');
}

async function loadTrees(src: NginxSources): Promise<{ trees: Array<{ tree: NginxTree; directives: readonly NginxDirective[] }>; filesRead: number }> {
  const files = [...new Set(src.files.map(normalizePath))].sort();
  const opts = src.text ? { text: src.text } : {};
  const trees: Array<{ tree: NginxTree; directives: readonly NginxDirective[] }> = [];
  const covered = new Set<string>();
  for (const f of files.filter((p) => baseName(p) === 'nginx.conf')) {
    const tree = await loadNginxConfig(src.host, f, opts);
    for (const p of tree.files.keys()) covered.add(p);
    trees.push({ tree, directives: tree.directives });
  }
  // A file a configuration read under another path (sites-available/x behind a
  // sites-enabled/x link) is the same server: the same name and text are not read again.
  const known = new Set<string>();
  const remember = (tree: NginxTree): void => {
    for (const [p, f] of tree.files) known.add(`${baseName(p)}\u0000${f.text}`);
  };
  for (const t of trees) remember(t.tree);
  let lone = 0;
  for (const f of files) {
    if (covered.has(f) || lone >= MAX_LONE_FILES) continue;
    lone++;
    const tree = await loadNginxConfig(src.host, f, opts);
    const own = tree.files.get(normalizePath(f));
    if (own && known.has(`${baseName(f)}\u0000${own.text}`)) continue;
    for (const p of tree.files.keys()) covered.add(p);
    trees.push({ tree, directives: asIncludedInHttp(tree.directives, undefined) });
    remember(tree);
  }
  return { trees, filesRead: covered.size };
}

/** The server nginx picks for `name` on `port` in one configuration: by name, else the port's default server. */
function pickServer(servers: readonly EffectiveServer[], name: string | undefined, port: number): { server: EffectiveServer; how: ConfigDefinition['match']; arg?: EffectiveServer['serverNames'][number] } | undefined {
  const onPort = servers.filter((s) => s.module === 'http' && s.tls && s.listens.some((l) => l.ssl && l.port === port));
  if (onPort.length === 0) return undefined;
  let best: { server: EffectiveServer; how: 'exact' | 'wildcard' | 'regex'; score: number; arg: EffectiveServer['serverNames'][number] } | undefined;
  if (name) {
    for (const s of onPort) {
      for (const n of s.serverNames) {
        const m = serverNameScore(n.name, name);
        if (m && (!best || m.score > best.score)) best = { server: s, how: m.how, score: m.score, arg: n };
      }
    }
  }
  if (best) return { server: best.server, how: best.how, arg: best.arg };
  const dflt = onPort.find((s) => s.listens.some((l) => l.ssl && l.port === port && l.defaultServer)) ?? onPort[0]!;
  return { server: dflt, how: 'default' };
}

async function configuredCertificates(src: NginxSources, tree: NginxTree, server: EffectiveServer, entry: string): Promise<ConfiguredCertificate[]> {
  const v = server.settings.get('ssl_certificate');
  if (!v || v.origin === 'default') return [];
  const out: ConfiguredCertificate[] = [];
  for (const d of v.directives) {
    const writtenPath = d.args[0]?.value ?? '';
    const c: ConfiguredCertificate = { at: link(d, entry, written(d)) };
    out.push(c);
    const file = resolveReferencedPath(writtenPath, tree.prefix, src.pathMappings ?? {});
    if (!file) {
      c.note = writtenPath.includes('$') ? 'chosen at run time (a variable)' : `${writtenPath} is outside the configuration folder (a pathMappings entry in .tls-lens.yaml maps it)`;
      continue;
    }
    try {
      const st = await src.host.stat(file);
      if (!st?.isFile) {
        c.note = `${writtenPath} is not in the workspace`;
        continue;
      }
      if (st.size > MAX_CERT_BYTES) {
        c.note = `${writtenPath} is too large for a certificate`;
        continue;
      }
      const text = new TextDecoder().decode(await src.host.readFile(file));
      const block = scanPem(text, new LineIndex(text)).find((b) => CERTIFICATE_LABELS.has(b.label) && b.der);
      const dec = block?.der ? decodeCertificate(block.der) : undefined;
      if (!dec) c.note = `${writtenPath} holds no PEM certificate`;
      else if (!dec.ok) c.note = `${writtenPath}: ${dec.error}`;
      else {
        c.sha256 = dec.cert.sha256Fingerprint;
        c.subject = dec.cert.subject;
      }
    } catch (e) {
      c.note = `${writtenPath} cannot be read: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return out;
}

/** Every nginx server that would answer `name` on `port`, one per configuration. */
export async function locateInNginx(src: NginxSources, name: string | undefined, port: number): Promise<{ located: Located[]; filesRead: number }> {
  const { trees, filesRead } = await loadTrees(src);
  const located: Located[] = [];
  for (const { tree, directives } of trees) {
    const cfg = effectiveConfig(directives, src.nginxVersion !== undefined ? { nginxVersion: src.nginxVersion } : {});
    const pick = pickServer(cfg.servers, name, port);
    if (!pick) continue;
    const s = pick.server;
    const entry = tree.entry;
    const serverAt = link(s.directive, entry, 'server', true);
    const at: ConfigLink = pick.arg
      ? { file: pick.arg.directive.file ?? entry, range: pick.arg.arg.range, label: `server_name ${pick.arg.name}` }
      : { ...serverAt, label: `default server for port ${port} (no server_name matches${name ? ` ${name}` : ''})` };
    const names = s.serverNames.map((n) => n.name).filter((n) => n !== '_');
    const definition: ConfigDefinition = { kind: 'nginx', title: `nginx server ${names.length ? names.slice(0, 3).join(' ') + (names.length > 3 ? ' …' : '') : `on port ${port}`}`, at, match: pick.how };
    const certs = await configuredCertificates(src, tree, s, entry);
    if (certs.length) definition.certificate = certs;

    const setting = (names: string[], why: string): ConfigLink[] => {
      const out: ConfigLink[] = [];
      for (const n of names) {
        const v = s.settings.get(n);
        if (!v) continue;
        if (v.origin !== 'default') {
          for (const d of v.directives) out.push(link(d, entry, `${written(d)}${v.origin === 'inherited' ? ` (inherited from ${v.level ?? 'an enclosing block'})` : ''}`));
        } else if (n === names[0]) {
          out.push({ ...serverAt, label: `no ${n} in this server: nginx's default ${v.args.join(' ')}${v.versionDependent ? ` (for nginx ${v.nginxVersion ?? 'versions still deployed'})` : ''}; ${why}` });
        }
      }
      return out;
    };
    const certLinks = (): ConfigLink[] => (certs.length ? certs.map((c) => c.at) : [{ ...serverAt, label: 'no ssl_certificate in this server' }]);
    const locate = (ruleId: string): ConfigLink[] => {
      switch (ruleId) {
        case 'probe/weak-protocol':
          return setting(['ssl_protocols'], 'set ssl_protocols here');
        case 'probe/weak-cipher':
        case 'probe/no-forward-secrecy':
          return setting(['ssl_ciphers', 'ssl_conf_command'], 'set ssl_ciphers here');
        case 'probe/certificate-expiry':
        case 'probe/weak-certificate':
        case 'probe/hostname-mismatch':
        case 'probe/certificate-differs':
          return certLinks();
        case 'probe/untrusted-chain':
          return certLinks().map((l) => ({ ...l, label: `${l.label} (the file should hold the leaf followed by its intermediates)` }));
        case 'probe/missing-hsts': {
          const hsts = findHeader(s.headers, 'Strict-Transport-Security');
          if (hsts.length) return hsts.map((e) => link(e.directive, entry, written(e.directive)));
          return [{ ...serverAt, label: 'no add_header Strict-Transport-Security … always; in this server (RFC 6797)' }];
        }
        case 'probe/ocsp-staple':
          return setting(['ssl_stapling', 'ssl_stapling_verify', 'ssl_trusted_certificate', 'resolver'], 'set ssl_stapling on here');
        default:
          return [];
      }
    };
    located.push({ definition, locate });
  }
  // A server matched by name wins over default servers of other configurations.
  const named = located.filter((l) => l.definition.match !== 'default');
  return { located: named.length ? named : located, filesRead };
}

/**
 * HAProxy's configuration as HAProxy applies it: `global` settings (repeated sections
 * merged), the `defaults` each proxy takes its initial settings from (the last one before
 * it, or the one it names with `from`, through `from` chains), `default-server` lines, and
 * the global `ssl-default-bind-*` / `ssl-default-server-*` settings merged into every bind
 * and server line that enables `ssl` (bind_parse_ssl() and ssl_sock_init_srv() in
 * src/cfgparse-ssl.c: ciphers, ciphersuites, curves and sigalgs only where the line sets
 * none; `no-…` flags added; ssl-min-ver and ssl-max-ver where the line sets none). The TLS
 * versions a line enables follow ssl_sock_prepare_ctx(): `no-sslv3`/`no-tlsv1x` are ignored
 * when ssl-min-ver or ssl-max-ver is set, and since HAProxy 2.2 a bind line's minimum is
 * TLSv1.2 unless configured.
 */
import type { TlsProtocol } from '../../policy/profiles';
import { olderThan, PROTOCOL_ORDER } from '../../policy/tls';
import type { HaproxyConfig, HaproxyLine, HaproxySection, HaproxyWord } from './parser';
import { atLeast, BIND_FLAGS, SERVER_FLAGS } from './keywords';

/** One option of a bind, server, default-server or ssl-default-*-options line. */
export interface HaproxyOption {
  key: HaproxyWord;
  value?: HaproxyWord;
  line: HaproxyLine;
  /** Where it applies from. */
  origin: Origin;
}

/** Where a value comes from: the line itself, a default-server line, or a global ssl-default-* setting. */
export type Origin = 'own' | 'default-server' | 'global';

/** A setting with a value: where it is written. */
export interface HaproxySetting {
  value: string;
  word: HaproxyWord;
  line: HaproxyLine;
  origin: Origin;
}

/** The TLS versions a bind or server line enables, and why. */
export interface VersionRange {
  /** Oldest first. */
  enabled: TlsProtocol[];
  min: TlsProtocol;
  max: TlsProtocol;
  /** The option that sets the minimum (ssl-min-ver or force-…); undefined: HAProxy's (or OpenSSL's) default. */
  minBy?: HaproxyOption;
  maxBy?: HaproxyOption;
  /** `no-…` options that take effect. */
  disabledBy: HaproxyOption[];
  /** `no-…` options HAProxy ignores because ssl-min-ver or ssl-max-ver is set (it warns at startup). */
  ignored: HaproxyOption[];
  /** The minimum is the default of the targeted HAProxy (or of OpenSSL). */
  defaultMin: boolean;
  /** What the range assumes because the configuration does not say. */
  assumptions: string[];
}

export interface HaproxyBind {
  line: HaproxyLine;
  proxy: HaproxyProxy;
  address?: HaproxyWord;
  /** TCP ports it listens on (unknown for sockets and variables). */
  ports: number[];
  /** A literal IP or host it binds to (undefined for wildcards). */
  host?: string;
  /** `ssl` on the line, or a QUIC address (always TLS 1.3). */
  tls: boolean;
  quic: boolean;
  options: HaproxyOption[];
  /** The last own option with this key. */
  get(key: string): HaproxyOption | undefined;
  versions: VersionRange;
  ciphers?: HaproxySetting;
  ciphersuites?: HaproxySetting;
  curves?: HaproxySetting;
}

export interface HaproxyServer {
  line: HaproxyLine;
  proxy: HaproxyProxy;
  /** `server-template` rather than `server`. */
  template: boolean;
  name?: HaproxyWord;
  address?: HaproxyWord;
  /** The address's host part (a name or an IP), when written plainly. */
  host?: string;
  port?: number;
  /** default-server options first (outermost defaults first), then the line's own. */
  options: HaproxyOption[];
  /** The option with this key that wins (the last one); a `no-<key>` after it cancels a flag. */
  get(key: string): HaproxyOption | undefined;
  /** Whether a flag is on after `<flag>`/`no-<flag>` in order. */
  flag(key: string): HaproxyOption | undefined;
  tls: boolean;
  /** `verify` as it applies: the line or default-server, else global `ssl-server-verify`, else required. */
  /** 'none', 'required', or what else is written. */
  verify: { value: string; by?: HaproxyOption; global?: HaproxySetting };
  versions: VersionRange;
  ciphers?: HaproxySetting;
  ciphersuites?: HaproxySetting;
}

export type ProxyKind = 'frontend' | 'backend' | 'listen';

export interface HaproxyProxy {
  section: HaproxySection;
  kind: ProxyKind;
  name: string;
  /** The defaults it takes its initial settings from, nearest first. */
  defaults: HaproxySection[];
  mode: { value: string; line?: HaproxyLine };
  binds: HaproxyBind[];
  servers: HaproxyServer[];
  /** Its own statements with this keyword. */
  own(keyword: string): HaproxyLine[];
  /** Rules of this keyword (`http-response`, `http-request`, `http-after-response`): inherited from named defaults first, then its own. */
  rules(keyword: string): HaproxyLine[];
  /** Backends it names statically (default_backend, use_backend). */
  backendNames: HaproxyWord[];
  /** It, or a defaults section it uses, has lines in `.if` blocks TLS Lens cannot evaluate. */
  conditional: boolean;
}

export interface HaproxyGlobal {
  lines: HaproxyLine[];
  /** The last global statement with this keyword. */
  last(keyword: string): HaproxyLine | undefined;
  bindOptions: HaproxyOption[];
  serverOptions: HaproxyOption[];
  bind: Partial<Record<'ciphers' | 'ciphersuites' | 'curves' | 'sigalgs', HaproxySetting>>;
  server: Partial<Record<'ciphers' | 'ciphersuites' | 'curves' | 'sigalgs', HaproxySetting>>;
  /** `ssl-server-verify`. */
  serverVerify?: HaproxySetting;
  conditional: boolean;
}

export interface HaproxyEffective {
  global: HaproxyGlobal;
  proxies: HaproxyProxy[];
  /** Proxies with binds: frontends and listens. */
  frontends: HaproxyProxy[];
  /** Proxies with servers: backends and listens. */
  backends: HaproxyProxy[];
  /** A backend (or listen) by name. */
  backend(name: string): HaproxyProxy | undefined;
  /** HAProxy version rules were judged for (the policy's haproxyVersion). */
  version?: string;
}

/** HAProxy's version names (methodVersions[] in src/ssl_sock.c) and TLS Lens's. */
export const VERSION_NAMES: Readonly<Record<string, TlsProtocol>> = { SSLv3: 'SSLv3', 'TLSv1.0': 'TLSv1', 'TLSv1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2', 'TLSv1.3': 'TLSv1.3' };
const FLAG_VERSIONS: Readonly<Record<string, TlsProtocol>> = { sslv3: 'SSLv3', tlsv10: 'TLSv1', tlsv11: 'TLSv1.1', tlsv12: 'TLSv1.2', tlsv13: 'TLSv1.3' };

/** How HAProxy names a version (TLSv1.0 rather than TLSv1). */
export function haproxyVersionName(p: TlsProtocol): string {
  return p === 'TLSv1' ? 'TLSv1.0' : p;
}

/** The version a `no-…` or `force-…` option names. */
export function flagVersion(key: string): TlsProtocol | undefined {
  const m = /^(?:no|force)-(sslv3|tlsv1[0-3])$/.exec(key);
  return m ? FLAG_VERSIONS[m[1]!] : undefined;
}

/** Cuts a line's words from `from` on into options; `flags` take no value (with `no-…` on servers). */
export function lineOptions(line: HaproxyLine, from: number, flags: ReadonlySet<string>, origin: Origin, server: boolean): HaproxyOption[] {
  const out: HaproxyOption[] = [];
  const w = line.words;
  for (let i = from; i < w.length; i++) {
    const key = w[i]!;
    const k = key.value;
    if (flags.has(k) || (server && k.startsWith('no-'))) {
      out.push({ key, line, origin });
      continue;
    }
    if (k === 'source' && server) {
      // source <addr> [usesrc <addr>] [interface <name>]
      const o: HaproxyOption = { key, line, origin };
      if (w[i + 1]) o.value = w[++i];
      while (w[i + 1] && (w[i + 1]!.value === 'usesrc' || w[i + 1]!.value === 'interface')) i += 2;
      out.push(o);
      continue;
    }
    const o: HaproxyOption = { key, line, origin };
    if (w[i + 1]) o.value = w[++i];
    out.push(o);
  }
  return out;
}

/** Options of `ssl-default-bind-options` / `ssl-default-server-options`: flags, and ssl-min-ver/ssl-max-ver with a version. */
function globalOptions(line: HaproxyLine): HaproxyOption[] {
  const out: HaproxyOption[] = [];
  const w = line.words;
  for (let i = 1; i < w.length; i++) {
    const key = w[i]!;
    const o: HaproxyOption = { key, line, origin: 'global' };
    if ((key.value === 'ssl-min-ver' || key.value === 'ssl-max-ver') && w[i + 1]) o.value = w[++i];
    out.push(o);
  }
  return out;
}

/** Ports of a bind address (`:443`, `*:8443`, `[::]:443`, `10.0.0.1:443,10.0.0.2:443`, `:8000-8002`, `quic4@:443`). */
export function bindAddress(word: HaproxyWord | undefined): { ports: number[]; host?: string; quic: boolean; socket: boolean } {
  if (!word || word.env) return { ports: [], quic: false, socket: false };
  const ports: number[] = [];
  let host: string | undefined;
  let quic = false;
  let socket = false;
  for (const part of word.value.split(',')) {
    let a = part.trim();
    const prefix = /^([a-z0-9+-]+)@/i.exec(a);
    if (prefix) {
      const p = prefix[1]!.toLowerCase();
      if (p.startsWith('quic')) quic = true;
      if (['unix', 'abns', 'abnsz', 'fd', 'sockpair', 'uxst', 'uxdg'].includes(p)) socket = true;
      a = a.slice(prefix[0].length);
    }
    if (a.startsWith('/')) {
      socket = true;
      continue;
    }
    const m = /^(\[[^\]]*\]|[^:]*):(\d+)(?:-(\d+))?$/.exec(a);
    if (!m) continue;
    const h = m[1]!.replace(/^\[|\]$/g, '');
    if (h && h !== '*' && h !== '0.0.0.0' && h !== '::') host ??= h;
    const lo = Number(m[2]);
    const hi = m[3] ? Number(m[3]) : lo;
    for (let p = lo; p <= hi && p - lo < 64; p++) if (p > 0 && p < 65536) ports.push(p);
  }
  const r: { ports: number[]; host?: string; quic: boolean; socket: boolean } = { ports: [...new Set(ports)], quic, socket };
  if (host !== undefined) r.host = host;
  return r;
}

/** `host:port` of a server address (`10.0.0.1:443`, `api.internal:8443`, `[::1]:443`, `ipv4@…`). */
export function serverAddress(word: HaproxyWord | undefined): { host?: string; port?: number } {
  if (!word || word.env) return {};
  const a = word.value.replace(/^[a-z0-9+-]+@/i, '');
  const m = /^(\[[^\]]*\]|[^:]*)(?::([+-]?\d+))?$/.exec(a);
  if (!m) return {};
  const out: { host?: string; port?: number } = {};
  const h = m[1]!.replace(/^\[|\]$/g, '');
  if (h) out.host = h;
  if (m[2] && /^\d+$/.test(m[2])) out.port = Number(m[2]);
  return out;
}

/**
 * The versions a line enables, as ssl_sock_prepare_ctx() (bind) or
 * ssl_sock_prepare_srv_ssl_ctx() (server) computes them from its options.
 */
export function versionRange(options: readonly HaproxyOption[], side: 'bind' | 'server', version: string | undefined): VersionRange {
  const flags: HaproxyOption[] = [];
  // Own and default-server options first win over global ones: the global values apply only where the line set none.
  const ordered = [...options.filter((o) => o.origin !== 'global'), ...options.filter((o) => o.origin === 'global')];
  const local = (o: HaproxyOption): boolean => o.origin !== 'global';
  let localMin: HaproxyOption | undefined;
  let localMax: HaproxyOption | undefined;
  let globalMin: HaproxyOption | undefined;
  let globalMax: HaproxyOption | undefined;
  for (const o of ordered) {
    const k = o.key.value;
    if (k === 'ssl-min-ver' && o.value && VERSION_NAMES[o.value.value]) {
      if (local(o)) localMin = o;
      else globalMin = o;
    } else if (k === 'ssl-max-ver' && o.value && VERSION_NAMES[o.value.value]) {
      if (local(o)) localMax = o;
      else globalMax = o;
    } else if (k.startsWith('force-') && flagVersion(k)) {
      if (local(o)) localMin = localMax = o;
      else globalMin = globalMax = o;
    } else if (k.startsWith('no-') && flagVersion(k)) flags.push(o);
  }
  const minBy = localMin ?? globalMin;
  const maxBy = localMax ?? globalMax;
  const versionOf = (o: HaproxyOption | undefined): TlsProtocol | undefined => (o ? (o.key.value.startsWith('force-') ? flagVersion(o.key.value) : VERSION_NAMES[o.value!.value]) : undefined);
  let min = versionOf(minBy);
  const max = versionOf(maxBy) ?? 'TLSv1.3';
  const assumptions: string[] = [];
  let ignored: HaproxyOption[] = [];
  let disabledBy = flags;
  if (flags.length && (minBy || maxBy)) {
    ignored = flags;
    disabledBy = [];
  }
  let defaultMin = false;
  if (!min) {
    defaultMin = true;
    if (side === 'bind' && atLeast(version, '2.2')) {
      min = maxBy && olderThan(max, 'TLSv1.2') ? max : 'TLSv1.2';
      if (version === undefined) assumptions.push('HAProxy 2.2 or later, whose bind lines default to ssl-min-ver TLSv1.2 (set haproxyVersion in .tls-lens.yaml)');
    } else {
      // Current OpenSSL builds lack SSLv3; its lowest is TLSv1.0 (distributions may raise it in openssl.cnf).
      min = 'TLSv1';
      assumptions.push("OpenSSL's lowest version, TLSv1.0 (a system openssl.cnf may raise it)");
    }
  }
  const off = new Set(disabledBy.map((o) => flagVersion(o.key.value)!));
  const from = PROTOCOL_ORDER.indexOf(min);
  const to = PROTOCOL_ORDER.indexOf(max);
  const enabled = PROTOCOL_ORDER.filter((p, i) => i >= from && i <= to && p !== 'SSLv2' && !off.has(p));
  const r: VersionRange = { enabled, min, max, disabledBy, ignored, defaultMin, assumptions };
  if (minBy) r.minBy = minBy;
  if (maxBy) r.maxBy = maxBy;
  return r;
}

const SETTING_KEYS = ['ciphers', 'ciphersuites', 'curves', 'sigalgs'] as const;

function setting(o: HaproxyOption | undefined): HaproxySetting | undefined {
  return o?.value ? { value: o.value.value, word: o.value, line: o.line, origin: o.origin } : undefined;
}

function globalSetting(line: HaproxyLine | undefined): HaproxySetting | undefined {
  const w = line?.words[1];
  return line && w ? { value: w.value, word: w, line, origin: 'global' } : undefined;
}

function lastOf<T>(list: readonly T[], test: (x: T) => boolean): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i]!)) return list[i];
  return undefined;
}

/** Builds the effective configuration for the targeted version (undefined: current). */
export function haproxyEffective(config: HaproxyConfig, version: string | undefined): HaproxyEffective {
  const globals = config.sections.filter((s) => s.kind === 'global');
  const gLines = globals.flatMap((s) => s.lines);
  const gLast = (k: string): HaproxyLine | undefined => lastOf(gLines, (l) => l.keyword === k && !l.modifier);
  const global: HaproxyGlobal = {
    lines: gLines,
    last: gLast,
    bindOptions: gLines.filter((l) => l.keyword === 'ssl-default-bind-options').flatMap(globalOptions),
    serverOptions: gLines.filter((l) => l.keyword === 'ssl-default-server-options').flatMap(globalOptions),
    bind: {},
    server: {},
    conditional: globals.some((s) => s.conditional),
  };
  for (const k of SETTING_KEYS) {
    const b = globalSetting(gLast(`ssl-default-bind-${k}`));
    const s = globalSetting(gLast(`ssl-default-server-${k}`));
    if (b) global.bind[k] = b;
    if (s) global.server[k] = s;
  }
  const sv = globalSetting(gLast('ssl-server-verify'));
  if (sv) global.serverVerify = sv;

  const proxies: HaproxyProxy[] = [];
  const defaultsChain = (section: HaproxySection): HaproxySection[] => {
    const chain: HaproxySection[] = [];
    const seen = new Set<HaproxySection>();
    let cur: HaproxySection | undefined = section;
    while (cur) {
      const idx = config.sections.indexOf(cur);
      const before = config.sections.slice(0, idx);
      let next: HaproxySection | undefined;
      if (cur.from) {
        const wanted: string = cur.from.value;
        const named = (s: HaproxySection): boolean => s.kind === 'defaults' && s.name?.value === wanted;
        next = lastOf(before, named) ?? config.sections.find(named);
      } else if (cur.kind !== 'defaults') next = lastOf(before, (s) => s.kind === 'defaults');
      if (!next || seen.has(next)) break;
      seen.add(next);
      chain.push(next);
      cur = next;
    }
    return chain;
  };
  for (const section of config.sections) {
    if (section.kind !== 'frontend' && section.kind !== 'backend' && section.kind !== 'listen') continue;
    const defaults = defaultsChain(section);
    const outerFirst = [...defaults].reverse();
    const own = (k: string): HaproxyLine[] => section.lines.filter((l) => l.keyword === k && !l.modifier);
    const modeLine = lastOf(section.lines, (l) => l.keyword === 'mode') ?? defaults.map((d) => lastOf(d.lines, (l) => l.keyword === 'mode')).find(Boolean);
    const proxy: HaproxyProxy = {
      section,
      kind: section.kind,
      name: section.name?.value ?? '',
      defaults,
      mode: modeLine?.words[1] ? { value: modeLine.words[1].value, line: modeLine } : { value: 'tcp' },
      binds: [],
      servers: [],
      own,
      // Rules in defaults sections apply only from named ones (HAProxy 2.5 and later).
      rules: (k) => [...outerFirst.filter((d) => d.name).flatMap((d) => d.lines.filter((l) => l.keyword === k)), ...own(k)],
      backendNames: [...own('default_backend'), ...own('use_backend')].map((l) => l.words[1]).filter((w): w is HaproxyWord => w !== undefined && !w.env && !w.value.includes('%[')),
      conditional: section.conditional || defaults.some((d) => d.conditional),
    };
    if (section.kind !== 'backend') {
      for (const line of own('bind')) {
        const options = lineOptions(line, 2, BIND_FLAGS, 'own', false);
        const addr = bindAddress(line.words[1]);
        const tls = addr.quic || options.some((o) => o.key.value === 'ssl');
        const get = (k: string): HaproxyOption | undefined => lastOf(options, (o) => o.key.value === k);
        const merged = tls ? [...options, ...global.bindOptions] : options;
        const bind: HaproxyBind = { line, proxy, ports: addr.ports, tls, quic: addr.quic, options, get, versions: versionRange(merged, 'bind', version) };
        if (line.words[1]) bind.address = line.words[1];
        if (addr.host !== undefined) bind.host = addr.host;
        for (const k of ['ciphers', 'ciphersuites', 'curves'] as const) {
          const v = setting(get(k)) ?? (tls ? global.bind[k] : undefined);
          if (v) bind[k] = v;
        }
        proxy.binds.push(bind);
      }
    }
    if (section.kind !== 'frontend') {
      const defaultServer = [...outerFirst.flatMap((d) => d.lines), ...section.lines].filter((l) => l.keyword === 'default-server').flatMap((l) => lineOptions(l, 1, SERVER_FLAGS, 'default-server', true));
      for (const line of section.lines) {
        if (line.keyword !== 'server' && line.keyword !== 'server-template') continue;
        const template = line.keyword === 'server-template';
        const addrWord = template ? line.words[3] : line.words[2];
        const ownOpts = lineOptions(line, template ? 4 : 3, SERVER_FLAGS, 'own', true);
        // default-server lines after this server do not apply to it (defaults sections come before their proxies).
        const before = defaultServer.filter((o) => o.line.line < line.line);
        const options = [...before, ...ownOpts];
        const get = (k: string): HaproxyOption | undefined => lastOf(options, (o) => o.key.value === k);
        const flag = (k: string): HaproxyOption | undefined => {
          const last = lastOf(options, (o) => o.key.value === k || o.key.value === `no-${k}`);
          return last?.key.value === k ? last : undefined;
        };
        const tls = flag('ssl') !== undefined;
        const merged = tls ? [...options, ...global.serverOptions] : options;
        const verifyBy = get('verify');
        const verify: HaproxyServer['verify'] = verifyBy?.value
          ? { value: verifyBy.value.value, by: verifyBy }
          : global.serverVerify
            ? { value: global.serverVerify.value, global: global.serverVerify }
            : { value: 'required' };
        const server: HaproxyServer = { line, proxy, template, options, get, flag, tls, verify, versions: versionRange(merged, 'server', version) };
        const name = line.words[1];
        if (name) server.name = name;
        if (addrWord) server.address = addrWord;
        const a = serverAddress(addrWord);
        if (a.host !== undefined) server.host = a.host;
        if (a.port !== undefined) server.port = a.port;
        for (const k of ['ciphers', 'ciphersuites'] as const) {
          const v = setting(get(k)) ?? (tls ? global.server[k] : undefined);
          if (v) server[k] = v;
        }
        proxy.servers.push(server);
      }
    }
    proxies.push(proxy);
  }
  const byName = new Map<string, HaproxyProxy>();
  for (const p of proxies) if (p.kind !== 'frontend' && !byName.has(p.name)) byName.set(p.name, p);
  const eff: HaproxyEffective = {
    global,
    proxies,
    frontends: proxies.filter((p) => p.kind !== 'backend'),
    backends: proxies.filter((p) => p.kind !== 'frontend'),
    backend: (n) => byName.get(n),
  };
  if (version !== undefined) eff.version = version;
  return eff;
}

/** `http-response set-header Strict-Transport-Security …` (and add-header, http-after-response) a proxy applies, inherited first. */
export function hstsRules(proxy: HaproxyProxy): Array<{ line: HaproxyLine; value?: HaproxyWord }> {
  const out: Array<{ line: HaproxyLine; value?: HaproxyWord }> = [];
  for (const k of ['http-response', 'http-after-response']) {
    for (const line of proxy.rules(k)) {
      const action = line.words[1]?.value;
      if ((action === 'set-header' || action === 'add-header') && line.words[2]?.value.toLowerCase() === 'strict-transport-security') {
        const r: { line: HaproxyLine; value?: HaproxyWord } = { line };
        if (line.words[3]) r.value = line.words[3];
        out.push(r);
      }
    }
  }
  return out;
}

const HTTPS_TARGET = /^https:\/\//i;

/** Whether a line redirects to HTTPS: `redirect scheme https`, `redirect prefix|location https://…`, `http-request redirect …` alike. */
export function redirectsToHttps(line: HaproxyLine): boolean {
  const w = line.words.map((x) => x.value);
  const at = line.keyword === 'redirect' ? 1 : line.keyword === 'http-request' && w[1] === 'redirect' ? 2 : -1;
  if (at < 0) return false;
  const how = w[at];
  const target = w[at + 1] ?? '';
  if (how === 'scheme') return target.toLowerCase() === 'https';
  return (how === 'prefix' || how === 'location') && HTTPS_TARGET.test(target);
}

/** Sample fetches that hold the requested host name (Host header or SNI). */
const HOST_FETCH = /^(?:req\.)?(?:hdr|hdr_dom|hdr_end|hdr_beg|hdr_str)\(host(?:,[^)]*)?\)(?:,[a-z_]+(?:\([^)]*\))?)*$|^(?:req\.ssl_sni|req_ssl_sni|ssl_fc_sni)(?:,[a-z_]+(?:\([^)]*\))?)*$/i;
const SUFFIX_FETCH = /^(?:req\.)?hdr_(?:end|dom)\(host/i;
const PLAIN_HOST = /^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\.?$/i;
const FLAGS_WITH_VALUE = new Set(['-m', '-M', '-f', '-u']);

/**
 * Host names a proxy's ACLs and conditions compare the Host header or the SNI with
 * (`acl site hdr(host) -i www.example.com`, `use_backend x if { req.ssl_sni -m end .example.com }`).
 * A suffix match gives `*.example.com` (and the bare domain for hdr_dom/-m dom).
 */
export function hostNames(proxy: HaproxyProxy): Array<{ name: string; word: HaproxyWord }> {
  const out: Array<{ name: string; word: HaproxyWord }> = [];
  const seen = new Set<string>();
  const add = (name: string, word: HaproxyWord): void => {
    const n = name.toLowerCase().replace(/\.$/, '');
    if (seen.has(n)) return;
    seen.add(n);
    out.push({ name: n, word });
  };
  for (const line of proxy.section.lines) {
    const w = line.words;
    for (let i = 0; i < w.length; i++) {
      const fetch = w[i]!.value;
      if (!HOST_FETCH.test(fetch)) continue;
      let suffix = SUFFIX_FETCH.test(fetch);
      let dom = /^(?:req\.)?hdr_dom/i.test(fetch);
      let j = i + 1;
      for (; j < w.length; j++) {
        const v = w[j]!.value;
        if (v === '-m' && w[j + 1]) {
          const m = w[j + 1]!.value;
          suffix = m === 'end' || m === 'dom';
          dom = m === 'dom';
          if (m === 'reg' || m === 'sub' || m === 'beg' || m === 'found') break;
        }
        if (v === '-f' || v === '-u' || v === '-M') break;
        if (FLAGS_WITH_VALUE.has(v)) {
          j++;
          continue;
        }
        if (v.startsWith('-')) continue;
        if (v === '}' || v === 'if' || v === 'unless' || v === '||' || v === 'or' || v === '!') break;
        if (w[j]!.env || !PLAIN_HOST.test(v)) continue;
        const bare = v.replace(/^\./, '');
        if (suffix) {
          add(`*.${bare}`, w[j]!);
          if (dom || !v.startsWith('.')) add(bare, w[j]!);
        } else add(bare, w[j]!);
      }
      i = j - 1;
    }
  }
  return out;
}

/** A place TLS versions are decided: a TLS bind or server line, or the global ssl-default-*-options alone. */
export interface VersionSite {
  side: 'bind' | 'server';
  versions: VersionRange;
  /** The line the site is (a bind or server line, or the first ssl-default-*-options line). */
  line: HaproxyLine;
  /** "bind :443", "server api", "ssl-default-bind-options". */
  label: string;
}

/**
 * Every place TLS versions are decided: each TLS bind and server line, and the global
 * ssl-default-bind-options / ssl-default-server-options on their own (they are judged even
 * when no line uses them yet).
 */
export function versionSites(eff: HaproxyEffective): VersionSite[] {
  const out: VersionSite[] = [];
  for (const [side, options] of [['bind', eff.global.bindOptions], ['server', eff.global.serverOptions]] as const) {
    if (options.length) out.push({ side, versions: versionRange(options, side, eff.version), line: options[0]!.line, label: `ssl-default-${side}-options` });
  }
  for (const p of eff.proxies) {
    for (const b of p.binds) if (b.tls) out.push({ side: 'bind', versions: b.versions, line: b.line, label: `bind ${b.address?.value ?? ''}`.trim() });
    for (const s of p.servers) if (s.tls) out.push({ side: 'server', versions: s.versions, line: s.line, label: `server ${s.name?.value ?? ''}`.trim() });
  }
  return out;
}

import type { NginxArg, NginxDirective } from './ast';

/**
 * The effective configuration: for every `server` block (http, stream, mail) and every
 * location in it, the TLS-relevant values nginx would use, each pointing back to the
 * directive that set it (and so to its file and range) or saying it is nginx's default
 * for a target version. Pure and total: any directive list in, no exceptions out.
 */

export type NginxModule = 'http' | 'stream' | 'mail';
export type LevelKind = 'main' | 'http' | 'stream' | 'mail' | 'server' | 'location' | 'if' | 'limit_except';
export type ValueOrigin = 'own' | 'inherited' | 'default';

export interface EffectiveOptions {
  /**
   * The nginx version the configuration targets (e.g. `1.24.0`), for version-dependent
   * defaults. Unknown: the widest default any still-deployed nginx uses (see `defaultFor`).
   */
  nginxVersion?: string;
}

export interface EffectiveValue {
  name: string;
  /** The arguments of the (first) directive that sets it, or the default's. */
  args: string[];
  origin: ValueOrigin;
  /** The directives that set it at `level`, in order (list directives such as `ssl_certificate` may repeat); `[]` for a default. */
  directives: NginxDirective[];
  /** Where the directives are: this level (`own`) or the enclosing one they came from (`inherited`). */
  level?: LevelKind;
  /** The file of the first directive (from `loadNginxConfig`), when known. */
  file?: string;
  /** For a default: the version it was computed for (undefined when none was given). */
  nginxVersion?: string;
  /** For a default that differs between nginx versions (`ssl_protocols`, `proxy_ssl_protocols` …). */
  versionDependent?: boolean;
}

export interface HeaderEntry {
  name: string;
  value: string;
  always: boolean;
  directive: NginxDirective;
  level: LevelKind;
}

export interface EffectiveHeaders {
  /** The `add_header` fields that apply at this level, in order. */
  entries: HeaderEntry[];
  /** Those defined at this level. */
  own: HeaderEntry[];
  /** Those that applied at the enclosing level but not here (this level has its own `add_header`, or `add_header_inherit off`). */
  dropped: HeaderEntry[];
  /** `add_header_inherit` (1.29.3): `on` (standard: inherit only when this level has none), `off`, `merge`. */
  inherit: { mode: 'on' | 'off' | 'merge'; origin: ValueOrigin; directive?: NginxDirective };
}

export interface ListenSpec {
  /** The `listen` directive; for an implicit listen, the `server` directive. */
  directive: NginxDirective;
  /** A server with no `listen` listens on `*:80` (http). */
  implicit: boolean;
  /** The address argument as written. */
  address: string;
  /** `*`, an IPv4 address, `[v6]` or a host name; undefined for a UNIX socket. */
  host?: string;
  port?: number;
  unix?: string;
  ipv6: boolean;
  ssl: boolean;
  http2: boolean;
  quic: boolean;
  defaultServer: boolean;
  proxyProtocol: boolean;
  udp: boolean;
  reuseport: boolean;
  ipv6only?: boolean;
  /** Every other parameter: `key=value` as `{ key: value }`, bare words as `{ word: true }`. */
  params: Record<string, string | true>;
}

export interface UpstreamPass {
  directive: NginxDirective;
  /** `proxy_pass`, `grpc_pass` or `uwsgi_pass`. */
  kind: 'proxy' | 'grpc' | 'uwsgi';
  target: string;
  scheme?: string;
  /** True when the hop is TLS (https://, grpcs://, suwsgi://, stream `proxy_ssl on`); undefined when a variable decides. */
  tls: boolean | undefined;
  /** The prefix of the directives governing this hop's TLS: `proxy_ssl_`, `grpc_ssl_` or `uwsgi_ssl_`. */
  sslPrefix: 'proxy_ssl_' | 'grpc_ssl_' | 'uwsgi_ssl_';
  /** The `upstream` block the target names, if any. */
  upstream?: NginxDirective;
}

export interface EffectiveLocation {
  kind: 'location' | 'if' | 'limit_except';
  directive: NginxDirective;
  /** `location`: `=`, `~`, `~*`, `^~`, `@` (named) or `` (prefix); `if`/`limit_except`: ``. */
  modifier: string;
  /** The location's URI or regex, the `if` condition, or the `limit_except` methods. */
  match: string;
  settings: EffectiveSettings;
  headers: EffectiveHeaders;
  passes: UpstreamPass[];
  locations: EffectiveLocation[];
}

export interface EffectiveServer {
  module: NginxModule;
  directive: NginxDirective;
  listens: ListenSpec[];
  serverNames: Array<{ name: string; arg: NginxArg; directive: NginxDirective }>;
  /** True when a listen has `ssl` or `quic`, or the obsolete `ssl on` applies. */
  tls: boolean;
  /** HTTP/2: a `listen … http2` (deprecated since 1.25.1) or `http2 on`. */
  http2: boolean;
  /** HTTP/3: a `listen … quic` with `http3` on (its default). */
  http3: boolean;
  settings: EffectiveSettings;
  headers: EffectiveHeaders;
  /** `proxy_pass` etc. directly in the server (stream) — http ones are in locations. */
  passes: UpstreamPass[];
  locations: EffectiveLocation[];
}

export interface EffectiveModuleBlock {
  module: NginxModule;
  directive: NginxDirective;
  settings: EffectiveSettings;
  headers: EffectiveHeaders;
}

export interface EffectiveConfig {
  nginxVersion?: string;
  /** The http, stream and mail blocks. */
  blocks: EffectiveModuleBlock[];
  servers: EffectiveServer[];
  upstreams: Array<{ module: NginxModule; name: string; directive: NginxDirective }>;
}

// ---------------------------------------------------------------------------------------
// Versions and defaults (tls-facts §2)

/** `1.27.3` → [1, 27, 3]; undefined when unreadable. */
export function parseNginxVersion(v: string | undefined): [number, number, number] | undefined {
  const m = v === undefined ? null : /^\s*(?:nginx\/)?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

function atLeast(v: [number, number, number], a: number, b: number, c: number): boolean {
  return v[0] !== a ? v[0] > a : v[1] !== b ? v[1] > b : v[2] >= c;
}

/**
 * nginx's default `ssl_protocols` (and `proxy_`/`grpc_`/`uwsgi_ssl_protocols`) by version.
 * With no (readable) version: `TLSv1 TLSv1.1 TLSv1.2 TLSv1.3`, the default of 1.23.4–1.27.2,
 * the widest set among versions still deployed, so an unset value is never assumed safe.
 */
export function defaultSslProtocols(version?: string): string[] {
  const v = parseNginxVersion(version);
  if (!v) return ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  if (atLeast(v, 1, 27, 3)) return ['TLSv1.2', 'TLSv1.3'];
  if (atLeast(v, 1, 23, 4)) return ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  if (atLeast(v, 1, 9, 1)) return ['TLSv1', 'TLSv1.1', 'TLSv1.2'];
  if (atLeast(v, 0, 8, 19)) return ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2'];
  return ['SSLv2', 'SSLv3', 'TLSv1'];
}

const SERVER_SSL_DEFAULTS: Record<string, string[]> = {
  ssl: ['off'],
  ssl_ciphers: ['HIGH:!aNULL:!MD5'],
  ssl_prefer_server_ciphers: ['off'],
  ssl_session_tickets: ['on'],
  ssl_session_cache: ['none'],
  ssl_session_timeout: ['5m'],
  ssl_stapling: ['off'],
  ssl_stapling_verify: ['off'],
  ssl_ecdh_curve: ['auto'],
  ssl_verify_client: ['off'],
  ssl_verify_depth: ['1'],
  ssl_early_data: ['off'],
  ssl_reject_handshake: ['off'],
  ssl_buffer_size: ['16k'],
};

const UPSTREAM_SSL_DEFAULTS: Record<string, string[]> = {
  ciphers: ['DEFAULT'],
  verify: ['off'],
  server_name: ['off'],
  verify_depth: ['1'],
  session_reuse: ['on'],
};

/**
 * nginx's default for a directive in a module, for a target version; undefined when the
 * directive has no default value (unset, e.g. `ssl_certificate`, `ssl_dhparam`) or is unknown.
 */
export function defaultFor(module: NginxModule, name: string, version?: string): { args: string[]; versionDependent: boolean } | undefined {
  if (name === 'ssl_protocols') return { args: defaultSslProtocols(version), versionDependent: true };
  if (Object.prototype.hasOwnProperty.call(SERVER_SSL_DEFAULTS, name)) {
    if (name === 'ssl' && module === 'stream') return undefined;
    return { args: [...SERVER_SSL_DEFAULTS[name]!], versionDependent: false };
  }
  const prefixes = module === 'http' ? ['proxy_ssl_', 'grpc_ssl_', 'uwsgi_ssl_'] : module === 'stream' ? ['proxy_ssl_'] : [];
  for (const p of prefixes) {
    if (!name.startsWith(p)) continue;
    const rest = name.slice(p.length);
    if (rest === 'protocols') return { args: defaultSslProtocols(version), versionDependent: true };
    const d = UPSTREAM_SSL_DEFAULTS[rest];
    if (d) return { args: [...d], versionDependent: false };
  }
  if (module === 'stream' && name === 'proxy_ssl') return { args: ['off'], versionDependent: false };
  if (module === 'mail' && name === 'starttls') return { args: ['off'], versionDependent: false };
  if (module === 'http' && name === 'http2') return { args: ['off'], versionDependent: false };
  if (module === 'http' && name === 'http3') return { args: ['on'], versionDependent: false };
  return undefined;
}

/** The directives the effective settings follow: TLS for clients and upstreams, and a few neighbours. */
export function isTrackedDirective(name: string): boolean {
  return /^(ssl|proxy_ssl|grpc_ssl|uwsgi_ssl)(_|$)/.test(name) || TRACKED_EXTRA.has(name);
}

const TRACKED_EXTRA = new Set(['http2', 'http3', 'http3_hq', 'quic_retry', 'quic_gso', 'quic_host_key', 'resolver', 'resolver_timeout', 'starttls', 'add_header_inherit', 'security_headers']);

// ---------------------------------------------------------------------------------------
// Settings with inheritance

/** The settings at one level, falling back to the enclosing level, then to nginx's defaults. */
export class EffectiveSettings {
  private readonly own = new Map<string, NginxDirective[]>();

  constructor(
    readonly level: LevelKind,
    readonly module: NginxModule,
    children: readonly NginxDirective[],
    private readonly parent: EffectiveSettings | undefined,
    private readonly nginxVersion: string | undefined,
  ) {
    for (const d of children) {
      if (d.block || !isTrackedDirective(d.name)) continue;
      const list = this.own.get(d.name);
      if (list) list.push(d);
      else this.own.set(d.name, [d]);
    }
  }

  /** The directives set at this level or above, nearest first; undefined when none. */
  private explicit(name: string): { directives: NginxDirective[]; level: LevelKind } | undefined {
    const own = this.own.get(name);
    if (own) return { directives: own, level: this.level };
    return this.parent?.explicit(name);
  }

  /** The effective value: set here, inherited, or nginx's default; undefined when unset with no default. */
  get(name: string): EffectiveValue | undefined {
    const ex = this.explicit(name);
    if (ex) {
      const first = ex.directives[0]!;
      const v: EffectiveValue = {
        name,
        args: first.args.map((a) => a.value),
        origin: this.own.has(name) ? 'own' : 'inherited',
        directives: ex.directives,
        level: ex.level,
      };
      if (first.file !== undefined) v.file = first.file;
      return v;
    }
    const d = defaultFor(this.module, name, this.nginxVersion);
    if (!d) return undefined;
    const v: EffectiveValue = { name, args: d.args, origin: 'default', directives: [], versionDependent: d.versionDependent };
    if (this.nginxVersion !== undefined) v.nginxVersion = this.nginxVersion;
    return v;
  }

  /** True for `on`, false for `off` (set or default), undefined otherwise. */
  flag(name: string): boolean | undefined {
    const a = this.get(name)?.args[0]?.toLowerCase();
    return a === 'on' ? true : a === 'off' ? false : undefined;
  }

  /** Whether a directive is set here or at an enclosing level (not a default). */
  isSet(name: string): boolean {
    return this.explicit(name) !== undefined;
  }

  /** Every tracked directive set here or above (not defaults), by name. */
  explicitValues(): EffectiveValue[] {
    const names = new Set<string>(this.own.keys());
    for (let s = this.parent; s; s = s.parent) for (const n of s.own.keys()) names.add(n);
    return [...names].sort().map((n) => this.get(n)!);
  }
}

// ---------------------------------------------------------------------------------------
// add_header

function headerEntries(children: readonly NginxDirective[], level: LevelKind): HeaderEntry[] {
  const out: HeaderEntry[] = [];
  for (const d of children) {
    if (d.name !== 'add_header' || d.block || d.args.length < 2) continue;
    out.push({
      name: d.args[0]!.value,
      value: d.args[1]!.value,
      always: d.args.slice(2).some((a) => a.value === 'always'),
      directive: d,
      level,
    });
  }
  return out;
}

function effectiveHeaders(children: readonly NginxDirective[], level: LevelKind, parent: EffectiveHeaders | undefined): EffectiveHeaders {
  const own = headerEntries(children, level);
  const inheritDirective = [...children].reverse().find((d) => d.name === 'add_header_inherit' && !d.block);
  const written = inheritDirective?.args[0]?.value.toLowerCase();
  let inherit: EffectiveHeaders['inherit'];
  if (inheritDirective && (written === 'on' || written === 'off' || written === 'merge')) {
    inherit = { mode: written, origin: 'own', directive: inheritDirective };
  } else if (parent && parent.inherit.origin !== 'default') {
    inherit = { ...parent.inherit, origin: 'inherited' };
  } else inherit = { mode: 'on', origin: 'default' };
  const above = parent?.entries ?? [];
  let entries: HeaderEntry[];
  let dropped: HeaderEntry[];
  if (inherit.mode === 'merge') {
    entries = [...own, ...above];
    dropped = [];
  } else if (inherit.mode === 'off') {
    entries = own;
    dropped = [...above];
  } else if (own.length) {
    entries = own;
    dropped = [...above];
  } else {
    entries = [...above];
    dropped = [];
  }
  return { entries, own, dropped, inherit };
}

/** The entries for a header field (case-insensitive) that apply at a level. */
export function findHeader(headers: EffectiveHeaders, name: string): HeaderEntry[] {
  const n = name.toLowerCase();
  return headers.entries.filter((e) => e.name.toLowerCase() === n);
}

/** The entries for a header field that the enclosing level had but this level drops. */
export function droppedHeader(headers: EffectiveHeaders, name: string): HeaderEntry[] {
  const n = name.toLowerCase();
  return headers.dropped.filter((e) => e.name.toLowerCase() === n);
}

// ---------------------------------------------------------------------------------------
// listen

const LISTEN_FLAGS = new Set(['ssl', 'http2', 'quic', 'default_server', 'default', 'proxy_protocol', 'udp', 'reuseport', 'deferred', 'bind']);

/** A listen with no parameters set. */
function plainListen(directive: NginxDirective, address: string, implicit: boolean): ListenSpec {
  return { directive, implicit, address, ipv6: false, ssl: false, http2: false, quic: false, defaultServer: false, proxyProtocol: false, udp: false, reuseport: false, params: {} };
}

/** Parses a `listen` directive's arguments. */
export function parseListen(directive: NginxDirective, module: NginxModule = 'http'): ListenSpec {
  const address = directive.args[0]?.value ?? '';
  const spec = plainListen(directive, address, false);
  const defaultPort = module === 'http' ? 80 : undefined;
  if (address.startsWith('unix:')) spec.unix = address.slice(5);
  else if (address.startsWith('[')) {
    spec.ipv6 = true;
    const close = address.indexOf(']');
    spec.host = close < 0 ? address : address.slice(0, close + 1);
    const rest = close < 0 ? '' : address.slice(close + 1);
    const port = rest.startsWith(':') ? toPort(rest.slice(1)) : defaultPort;
    if (port !== undefined) spec.port = port;
  } else if (/^\d+$/.test(address)) {
    spec.host = '*';
    const port = toPort(address);
    if (port !== undefined) spec.port = port;
  } else {
    const i = address.lastIndexOf(':');
    spec.host = i < 0 ? address : address.slice(0, i);
    const port = i < 0 ? defaultPort : toPort(address.slice(i + 1));
    if (port !== undefined) spec.port = port;
  }
  for (const a of directive.args.slice(1)) {
    const w = a.value;
    const eq = w.indexOf('=');
    if (eq > 0) {
      const key = w.slice(0, eq);
      const val = w.slice(eq + 1);
      if (key === 'ipv6only') spec.ipv6only = val === 'on';
      spec.params[key] = val;
      continue;
    }
    if (!LISTEN_FLAGS.has(w)) {
      spec.params[w] = true;
      continue;
    }
    if (w === 'ssl') spec.ssl = true;
    else if (w === 'http2') spec.http2 = true;
    else if (w === 'quic') spec.quic = true;
    else if (w === 'default_server' || w === 'default') spec.defaultServer = true;
    else if (w === 'proxy_protocol') spec.proxyProtocol = true;
    else if (w === 'udp') spec.udp = true;
    else if (w === 'reuseport') spec.reuseport = true;
    else spec.params[w] = true;
  }
  return spec;
}

function toPort(s: string): number | undefined {
  if (!/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 65535 ? n : undefined;
}

// ---------------------------------------------------------------------------------------
// Passes to upstreams

const PASSES: Record<string, { kind: UpstreamPass['kind']; sslPrefix: UpstreamPass['sslPrefix']; tlsSchemes: string[]; plainSchemes: string[] }> = {
  proxy_pass: { kind: 'proxy', sslPrefix: 'proxy_ssl_', tlsSchemes: ['https'], plainSchemes: ['http'] },
  grpc_pass: { kind: 'grpc', sslPrefix: 'grpc_ssl_', tlsSchemes: ['grpcs'], plainSchemes: ['grpc'] },
  uwsgi_pass: { kind: 'uwsgi', sslPrefix: 'uwsgi_ssl_', tlsSchemes: ['suwsgi'], plainSchemes: ['uwsgi'] },
};

/**
 * The value `set $name …;` gives a variable in these blocks (innermost first; the last `set`
 * of a block wins, as the rewrite module runs them in order), when it is a plain word.
 */
function setValue(scopes: ReadonlyArray<readonly NginxDirective[]>, name: string): string | undefined {
  for (const list of scopes) {
    for (let i = list.length - 1; i >= 0; i--) {
      const d = list[i]!;
      if (d.name === 'set' && !d.block && d.args[0]?.value === `$${name}`) {
        const v = d.args[1]?.value;
        return v !== undefined && !v.includes('$') ? v : undefined;
      }
    }
  }
  return undefined;
}

function passesOf(
  children: readonly NginxDirective[],
  module: NginxModule,
  settings: EffectiveSettings,
  upstreams: ReadonlyMap<string, NginxDirective>,
  outer: ReadonlyArray<readonly NginxDirective[]> = [],
): UpstreamPass[] {
  const out: UpstreamPass[] = [];
  for (const d of children) {
    const p = PASSES[d.name];
    if (!p || d.block) continue;
    let target = d.args[0]?.value ?? '';
    // SWAG's pattern: set $upstream_proto https; proxy_pass $upstream_proto://…
    const v = /^\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+)):\/\//.exec(target);
    if (v) {
      const value = setValue([children, ...outer], (v[1] ?? v[2])!);
      if (value !== undefined && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(value)) target = value + target.slice(v[0].length - 3);
    }
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(target);
    const scheme = m?.[1]?.toLowerCase();
    let tls: boolean | undefined;
    if (module === 'stream') tls = settings.flag('proxy_ssl') ?? false;
    else if (scheme !== undefined) tls = p.tlsSchemes.includes(scheme) ? true : p.plainSchemes.includes(scheme) ? false : undefined;
    else if (target.startsWith('$')) tls = undefined;
    else tls = p.kind === 'proxy' ? undefined : false; // grpc_pass/uwsgi_pass without a scheme are plain
    const hostPart = (m ? target.slice(m[0].length) : target).split(/[/:?]/)[0] ?? '';
    const pass: UpstreamPass = { directive: d, kind: p.kind, target: d.args[0]?.value ?? '', tls, sslPrefix: p.sslPrefix };
    if (scheme !== undefined) pass.scheme = scheme;
    const up = upstreams.get(hostPart);
    if (up) pass.upstream = up;
    out.push(pass);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The walk

function childrenOf(d: NginxDirective): NginxDirective[] {
  return d.block?.directives ?? [];
}

function buildLocation(
  d: NginxDirective,
  kind: EffectiveLocation['kind'],
  module: NginxModule,
  parentSettings: EffectiveSettings,
  parentHeaders: EffectiveHeaders,
  upstreams: ReadonlyMap<string, NginxDirective>,
  version: string | undefined,
  outer: ReadonlyArray<readonly NginxDirective[]> = [],
): EffectiveLocation {
  const children = childrenOf(d);
  const settings = new EffectiveSettings(kind, module, children, parentSettings, version);
  const headers = effectiveHeaders(children, kind, parentHeaders);
  let modifier = '';
  let match = d.args.map((a) => a.value).join(' ');
  if (kind === 'location') {
    const first = d.args[0]?.value ?? '';
    if (['=', '~', '~*', '^~'].includes(first) && d.args.length > 1) {
      modifier = first;
      match = d.args[1]!.value;
    } else if (first.startsWith('@')) {
      modifier = '@';
      match = first.slice(1);
    } else {
      const m = /^(=|~\*|~|\^~)(.+)$/.exec(first);
      if (m && !first.startsWith('/')) {
        modifier = m[1]!;
        match = m[2]!;
      } else match = first;
    }
  }
  const locations: EffectiveLocation[] = [];
  for (const c of children) {
    if (!c.block) continue;
    if (c.name === 'location' || c.name === 'if' || c.name === 'limit_except') {
      locations.push(buildLocation(c, c.name, module, settings, headers, upstreams, version, [children, ...outer]));
    }
  }
  return { kind, directive: d, modifier, match, settings, headers, passes: passesOf(children, module, settings, upstreams, outer), locations };
}

function buildServer(
  d: NginxDirective,
  module: NginxModule,
  parentSettings: EffectiveSettings,
  parentHeaders: EffectiveHeaders,
  upstreams: ReadonlyMap<string, NginxDirective>,
  version: string | undefined,
): EffectiveServer {
  const children = childrenOf(d);
  const settings = new EffectiveSettings('server', module, children, parentSettings, version);
  const headers = effectiveHeaders(children, 'server', parentHeaders);
  const listens: ListenSpec[] = children.filter((c) => c.name === 'listen' && !c.block).map((c) => parseListen(c, module));
  if (listens.length === 0 && module === 'http') {
    listens.push({ ...plainListen(d, '*:80', true), host: '*', port: 80 });
  }
  const serverNames: EffectiveServer['serverNames'] = [];
  for (const c of children) if (c.name === 'server_name' && !c.block) for (const a of c.args) serverNames.push({ name: a.value, arg: a, directive: c });
  const locations: EffectiveLocation[] = [];
  for (const c of children) {
    if (!c.block) continue;
    if (c.name === 'location' || c.name === 'if') locations.push(buildLocation(c, c.name, module, settings, headers, upstreams, version, [children]));
  }
  const tls = listens.some((l) => l.ssl || l.quic) || settings.flag('ssl') === true;
  const http2 = module === 'http' && (listens.some((l) => l.http2) || settings.flag('http2') === true);
  const http3 = module === 'http' && listens.some((l) => l.quic) && settings.flag('http3') !== false;
  return { module, directive: d, listens, serverNames, tls, http2, http3, settings, headers, passes: passesOf(children, module, settings, upstreams), locations };
}

/**
 * What a server's effective values depend on besides its own block: the module, the target
 * version and its http/stream/mail block's own directives and upstreams. Kept across calls,
 * so a re-lint after an edit rebuilds only the servers whose blocks changed (an unchanged
 * block is the very same directive object, see parseCache.ts).
 */
interface BlockContext {
  module: NginxModule;
  version: string | undefined;
  own: NginxDirective[];
  upstreamList: NginxDirective[];
  settings: EffectiveSettings;
  headers: EffectiveHeaders;
  upstreams: Map<string, NginxDirective>;
}

const recentContexts: BlockContext[] = [];
const serverMemo = new WeakMap<NginxDirective, { context: BlockContext; server: EffectiveServer }>();

function sameList(a: readonly NginxDirective[], b: readonly NginxDirective[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function blockContext(top: NginxDirective, module: NginxModule, version: string | undefined): BlockContext {
  const children = childrenOf(top);
  const own = children.filter((c) => !c.block);
  const upstreamList = children.filter((c) => c.name === 'upstream' && c.block && c.args[0]);
  const known = recentContexts.find((c) => c.module === module && c.version === version && sameList(c.own, own) && sameList(c.upstreamList, upstreamList));
  if (known) return known;
  const noHeaders: EffectiveHeaders = { entries: [], own: [], dropped: [], inherit: { mode: 'on', origin: 'default' } };
  const upstreams = new Map<string, NginxDirective>();
  for (const u of upstreamList) upstreams.set(u.args[0]!.value, u);
  const context: BlockContext = {
    module,
    version,
    own,
    upstreamList,
    settings: new EffectiveSettings(module, module, children, undefined, version),
    headers: module === 'http' ? effectiveHeaders(children, 'http', undefined) : noHeaders,
    upstreams,
  };
  recentContexts.unshift(context);
  if (recentContexts.length > 16) recentContexts.pop();
  return context;
}

/** Per configuration, the http/stream/mail block each server stands in (a memoized server may stand in another configuration's block). */
const HOLDERS = Symbol('holders');
type WithHolders = EffectiveConfig & { [HOLDERS]?: Map<EffectiveServer, EffectiveModuleBlock> };

/** The http/stream/mail block of `cfg` that holds `server`. */
export function moduleBlockOf(cfg: EffectiveConfig, server: EffectiveServer): EffectiveModuleBlock | undefined {
  const holders = (cfg as WithHolders)[HOLDERS];
  if (holders) return holders.get(server);
  // A configuration not built by effectiveConfig (assembled by hand).
  return cfg.blocks.find((b) => b.module === server.module && b.directive.block?.directives.includes(server.directive));
}

/**
 * The last configuration built from each tree (the same list, as the parse cache and the
 * splices hand out while nothing changed): a hover or code lens after a lint builds nothing.
 * Configurations are never mutated by their readers.
 */
const configMemo = new WeakMap<readonly NginxDirective[], { version: string | undefined; cfg: EffectiveConfig }>();

/** Builds the effective configuration of a directive tree (from `loadNginxConfig` or a plain `parseNginx`). */
export function effectiveConfig(directives: readonly NginxDirective[], opts: EffectiveOptions = {}): EffectiveConfig {
  const version = opts.nginxVersion;
  const known = configMemo.get(directives);
  if (known && known.version === version) return known.cfg;
  const cfg = buildConfig(directives, version);
  configMemo.set(directives, { version, cfg });
  return cfg;
}

function buildConfig(directives: readonly NginxDirective[], version: string | undefined): EffectiveConfig {
  const cfg: EffectiveConfig = { blocks: [], servers: [], upstreams: [] };
  if (version !== undefined) cfg.nginxVersion = version;
  const holders = new Map<EffectiveServer, EffectiveModuleBlock>();
  Object.defineProperty(cfg, HOLDERS, { value: holders });
  for (const top of directives) {
    if (!top.block || (top.name !== 'http' && top.name !== 'stream' && top.name !== 'mail')) continue;
    const module: NginxModule = top.name;
    const context = blockContext(top, module, version);
    const block: EffectiveModuleBlock = { module, directive: top, settings: context.settings, headers: context.headers };
    cfg.blocks.push(block);
    for (const c of context.upstreamList) cfg.upstreams.push({ module, name: c.args[0]!.value, directive: c });
    for (const c of childrenOf(top)) {
      if (c.name !== 'server' || !c.block) continue;
      const memo = serverMemo.get(c);
      let server: EffectiveServer;
      if (memo && memo.context === context) server = memo.server;
      else {
        server = buildServer(c, module, context.settings, context.headers, context.upstreams, version);
        serverMemo.set(c, { context, server });
      }
      cfg.servers.push(server);
      holders.set(server, block);
    }
  }
  return cfg;
}

/** Every location of a server, nested ones included, depth first, with their enclosing locations (outermost first). */
export function walkLocations(
  owner: { locations: readonly EffectiveLocation[] },
  visit: (loc: EffectiveLocation, parents: readonly EffectiveLocation[]) => void,
  parents: EffectiveLocation[] = [],
): void {
  for (const l of owner.locations) {
    visit(l, parents);
    parents.push(l);
    walkLocations(l, visit, parents);
    parents.pop();
  }
}

/** Whether a protocol list enables TLS 1.3 alone (nginx then uses no cipher string: TLS 1.3 suites come from OpenSSL). */
export function tls13Only(protocols: readonly string[] | undefined): boolean {
  return protocols !== undefined && protocols.length > 0 && protocols.every((p) => p.toLowerCase() === 'tlsv1.3');
}

const blockSettings = new WeakMap<EffectiveConfig, Map<unknown, EffectiveSettings>>();

/**
 * The effective settings at a block (http/stream/mail, server, location, if) of the
 * configuration. Found by the block's range, so a block of the file's own parse finds its
 * copy in a tree with includes spliced in.
 */
export function settingsOfBlock(cfg: EffectiveConfig, block: NginxDirective): EffectiveSettings | undefined {
  let map = blockSettings.get(cfg);
  if (!map) {
    map = new Map();
    for (const b of cfg.blocks) map.set(b.directive.range, b.settings);
    for (const s of cfg.servers) {
      map.set(s.directive.range, s.settings);
      const m = map;
      walkLocations(s, (l) => m.set(l.directive.range, l.settings));
    }
    blockSettings.set(cfg, map);
  }
  return map.get(block.range);
}

const blockOwners = new WeakMap<EffectiveConfig, { servers: Map<unknown, EffectiveServer>; locations: Map<unknown, EffectiveLocation> }>();

/**
 * The effective server (the first with that range) or location (the last) of a block of the
 * configuration, found by the block's range as `settingsOfBlock` finds settings: the map is
 * made once per configuration, so a hover after the first one searches nothing.
 */
export function blockOwnerOf(cfg: EffectiveConfig, block: NginxDirective): EffectiveServer | EffectiveLocation | undefined {
  let owners = blockOwners.get(cfg);
  if (!owners) {
    const servers = new Map<unknown, EffectiveServer>();
    const locations = new Map<unknown, EffectiveLocation>();
    for (const s of cfg.servers) {
      if (!servers.has(s.directive.range)) servers.set(s.directive.range, s);
      walkLocations(s, (l) => locations.set(l.directive.range, l));
    }
    blockOwners.set(cfg, (owners = { servers, locations }));
  }
  return owners.servers.get(block.range) ?? owners.locations.get(block.range);
}

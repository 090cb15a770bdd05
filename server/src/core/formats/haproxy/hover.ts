/**
 * Hovers in HAProxy files, as facts the core renders: what a TLS keyword does with HAProxy's
 * default for the targeted version and the profile's value; on `bind`, `server` and on a
 * proxy's header, the TLS settings that apply there and where each comes from (the line,
 * a default-server line, the global ssl-default-* settings, or HAProxy's default).
 */
import { profileMin } from '../../policy/tls';
import { rangeContains, type Position } from '../../text';
import type { FormatHover, HoverText } from '../format';
import type { HaproxyModel } from './index';
import { BIND_FLAGS, SERVER_FLAGS, TLS_KEYWORDS } from './keywords';
import { haproxyVersionName, hstsRules, lineOptions, type HaproxyBind, type HaproxyOption, type HaproxyProxy, type HaproxyServer, type HaproxySetting, type VersionRange } from './model';
import type { HaproxyLine, HaproxyWord } from './parser';

type Hover = Exclude<FormatHover, { files: unknown }>;

function recommended(model: HaproxyModel, profileKey: string | undefined): string | undefined {
  const p = model.policy.profile;
  switch (profileKey) {
    case 'protocols':
      return `ssl-min-ver ${haproxyVersionName(profileMin(p))}`;
    case 'ciphers':
      return p.ciphers.openssl.length ? p.ciphers.openssl.join(':') : undefined;
    case 'ciphersuites':
      return p.ciphersuites.join(':');
    case 'groups':
      return p.groups.join(':');
    case 'dh':
      return `${p.dhParamSize ?? 2048}-bit DH parameters (or ECDHE suites only)`;
    default:
      return undefined;
  }
}

function keywordHover(model: HaproxyModel, word: HaproxyWord): Hover | undefined {
  const info = TLS_KEYWORDS[word.value];
  if (!info) return undefined;
  const dflt = typeof info.default === 'function' ? info.default(model.version) : info.default;
  const facts: Array<{ label: string } & HoverText> = [{ label: 'Default', text: dflt }];
  const want = recommended(model, info.profile);
  if (want) facts.push({ label: `${model.policy.profile.source} recommends`, code: want });
  return { range: word.range, title: word.value, summary: info.summary, facts };
}

function origin(o: { origin: string } | undefined, fallback: string): string {
  if (!o) return fallback;
  return o.origin === 'own' ? 'this line' : o.origin === 'default-server' ? 'default-server' : 'global ssl-default-… settings';
}

function versionsRow(v: VersionRange, side: 'bind' | 'server'): HoverText[] {
  const from = v.minBy ? origin(v.minBy, '') : side === 'bind' ? "HAProxy's default minimum" : "OpenSSL's default minimum";
  const ignored = v.ignored.length ? `; ignored: ${v.ignored.map((o) => o.key.value).join(' ')}` : '';
  return [{ text: 'TLS versions' }, { code: v.enabled.map(haproxyVersionName).join(' ') || '(none)' }, { text: from + ignored }];
}

function settingRow(label: string, s: HaproxySetting | undefined, dflt: string): HoverText[] {
  return [{ text: label }, s ? { code: s.value } : { text: dflt }, { text: s ? origin(s, '') : "OpenSSL's default" }];
}

function bindHover(bind: HaproxyBind, range: HaproxyWord['range']): Hover {
  if (!bind.tls) return { range, title: `bind ${bind.address?.value ?? ''}`, summary: 'plain TCP or HTTP: no ssl on this line' };
  const rows: HoverText[][] = [versionsRow(bind.versions, 'bind'), settingRow('ciphers (TLS ≤ 1.2)', bind.ciphers, "OpenSSL's DEFAULT"), settingRow('ciphersuites (TLS 1.3)', bind.ciphersuites, "OpenSSL's"), settingRow('curves', bind.curves, "OpenSSL's")];
  const crts = bind.options.filter((o) => (o.key.value === 'crt' || o.key.value === 'crt-list') && o.value);
  rows.push([{ text: 'certificates' }, crts.length ? { code: crts.map((o) => o.value!.value).join(', ') } : { text: '(none)' }, { text: 'this line' }]);
  const verify = bind.get('verify');
  rows.push([{ text: 'client certificates' }, { code: verify?.value?.value ?? 'none' }, { text: verify ? 'this line' : "HAProxy's default" }]);
  const notes = bind.versions.assumptions.map((a) => `Assumed: ${a}.`);
  return { range, title: `Effective TLS settings of bind ${bind.address?.value ?? ''}`, table: { columns: ['', 'value', 'from'], rows }, notes };
}

function serverHover(server: HaproxyServer, range: HaproxyWord['range']): Hover {
  const title = `Effective TLS settings of server ${server.name?.value ?? ''}`;
  if (!server.tls) return { range, title, summary: 'plain connection to the server: no ssl on this line or a default-server line' };
  const opt = (k: string): HaproxyOption | undefined => server.get(k);
  const row = (label: string, o: HaproxyOption | undefined, dflt: string): HoverText[] => [{ text: label }, o?.value ? { code: o.value.value } : { text: dflt }, { text: o ? origin(o, '') : '' }];
  const verifyFrom = server.verify.by ? origin(server.verify.by, '') : server.verify.global ? 'global ssl-server-verify' : "HAProxy's default";
  const rows: HoverText[][] = [
    [{ text: 'verify' }, { code: server.verify.value }, { text: verifyFrom }],
    row('ca-file', opt('ca-file'), '(none)'),
    row('sni', opt('sni'), '(none)'),
    row('verifyhost', opt('verifyhost'), '(none)'),
    versionsRow(server.versions, 'server'),
    settingRow('ciphers (TLS ≤ 1.2)', server.ciphers, "OpenSSL's DEFAULT"),
    row('crt (client certificate)', opt('crt'), '(none)'),
  ];
  return { range, title, table: { columns: ['', 'value', 'from'], rows }, notes: server.versions.assumptions.map((a) => `Assumed: ${a}.`) };
}

function proxyHover(proxy: HaproxyProxy, range: HaproxyWord['range']): Hover {
  const rows: HoverText[][] = [[{ text: 'mode' }, { code: proxy.mode.value }, { text: proxy.mode.line ? (proxy.section.lines.includes(proxy.mode.line) ? 'this section' : 'defaults') : "HAProxy's default" }]];
  if (proxy.defaults.length) rows.push([{ text: 'defaults' }, { code: proxy.defaults.map((d) => d.name?.value ?? '(unnamed)').join(' ← ') }, { text: proxy.section.from ? 'from' : 'the last defaults section above' }]);
  for (const b of proxy.binds) rows.push([{ text: `bind ${b.address?.value ?? ''}` }, b.tls ? { code: b.versions.enabled.map(haproxyVersionName).join(' ') } : { text: 'no TLS' }, { text: b.tls ? (b.versions.minBy ? origin(b.versions.minBy, '') : "HAProxy's default minimum") : '' }]);
  const hsts = hstsRules(proxy)[0];
  if (proxy.kind !== 'backend') rows.push([{ text: 'Strict-Transport-Security' }, hsts?.value ? { code: hsts.value.value } : { text: '(none)' }, { text: hsts ? (proxy.section.lines.includes(hsts.line) ? 'this section' : 'defaults') : '' }]);
  for (const s of proxy.servers) rows.push([{ text: `server ${s.name?.value ?? ''}` }, { text: s.tls ? `TLS, verify ${s.verify.value}` : 'plain' }, { text: '' }]);
  const notes = proxy.conditional ? ['Some lines are inside .if blocks TLS Lens cannot evaluate: they are shown as if read.'] : [];
  return { range, title: `Effective TLS settings of ${proxy.kind} ${proxy.name}`, table: { columns: ['', 'value', 'from'], rows }, notes };
}

function wordAt(line: HaproxyLine, position: Position): HaproxyWord | undefined {
  return line.words.find((w) => rangeContains(w.range, position));
}

/** The hover at a position, or undefined. */
export function haproxyHover(model: HaproxyModel, position: Position): Hover | undefined {
  for (const section of model.config.sections) {
    if (!rangeContains(section.range, position) && section.header.range.start.line !== position.line) continue;
    if (rangeContains(section.header.range, position)) {
      const proxy = model.effective.proxies.find((p) => p.section === section);
      const w = wordAt(section.header, position);
      if (proxy && w && w === section.header.words[0]) return proxyHover(proxy, w.range);
      return undefined;
    }
    for (const line of section.lines) {
      if (line.line !== position.line) continue;
      const w = wordAt(line, position);
      if (!w) return undefined;
      const k = line.keyword;
      const isKeyword = w === line.words[0] || (line.modifier !== undefined && w === line.words[1]);
      if (isKeyword && k === 'bind') {
        const b = model.effective.proxies.flatMap((p) => p.binds).find((x) => x.line === line);
        return b ? bindHover(b, w.range) : undefined;
      }
      if (isKeyword && (k === 'server' || k === 'server-template')) {
        const s = model.effective.proxies.flatMap((p) => p.servers).find((x) => x.line === line);
        return s ? serverHover(s, w.range) : undefined;
      }
      if (isKeyword) return keywordHover(model, w);
      // An option of a bind, server or default-server line, or of ssl-default-*-options.
      const options =
        k === 'bind' ? lineOptions(line, 2, BIND_FLAGS, 'own', false) : k === 'server' ? lineOptions(line, 3, SERVER_FLAGS, 'own', true) : k === 'server-template' ? lineOptions(line, 4, SERVER_FLAGS, 'own', true) : k === 'default-server' ? lineOptions(line, 1, SERVER_FLAGS, 'default-server', true) : k === 'ssl-default-bind-options' || k === 'ssl-default-server-options' ? lineOptions(line, 1, BIND_FLAGS, 'global', true) : [];
      const o = options.find((x) => x.key === w);
      return o ? keywordHover(model, w) : undefined;
    }
  }
  return undefined;
}

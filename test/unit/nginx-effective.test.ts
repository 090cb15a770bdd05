import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryHost } from '../../server/src/core';
import type { NginxDirective } from '../../server/src/core/formats/nginx/ast';
import {
  defaultFor,
  defaultSslProtocols,
  droppedHeader,
  effectiveConfig,
  findHeader,
  parseListen,
  parseNginxVersion,
  walkLocations,
  type EffectiveConfig,
  type EffectiveLocation,
  type EffectiveOptions,
} from '../../server/src/core/formats/nginx/effective';
import { loadNginxConfig } from '../../server/src/core/formats/nginx/includes';
import { parseNginx } from '../../server/src/core/formats/nginx/parser';
import { LineIndex } from '../../server/src/core/text';

function eff(text: string, opts?: EffectiveOptions): EffectiveConfig {
  const cfg = parseNginx(text, new LineIndex(text));
  assert.deepEqual(cfg.problems, []);
  return effectiveConfig(cfg.directives, opts);
}

function loc(owner: { locations: readonly EffectiveLocation[] }, match: string): EffectiveLocation {
  let found: EffectiveLocation | undefined;
  walkLocations(owner, (l) => {
    if (!found && l.match === match) found = l;
  });
  assert.ok(found, `no location ${match}`);
  return found;
}

function listenOf(args: string): ReturnType<typeof parseListen> {
  const text = `listen ${args};`;
  const d: NginxDirective = parseNginx(text, new LineIndex(text)).directives[0]!;
  return parseListen(d);
}

describe('nginx effective: versions and defaults', () => {
  test('ssl_protocols default by nginx version', () => {
    assert.deepEqual(defaultSslProtocols('0.8.18'), ['SSLv2', 'SSLv3', 'TLSv1']);
    assert.deepEqual(defaultSslProtocols('0.8.19'), ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2']);
    assert.deepEqual(defaultSslProtocols('1.9.0'), ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2']);
    assert.deepEqual(defaultSslProtocols('1.9.1'), ['TLSv1', 'TLSv1.1', 'TLSv1.2']);
    assert.deepEqual(defaultSslProtocols('1.22.1'), ['TLSv1', 'TLSv1.1', 'TLSv1.2']);
    assert.deepEqual(defaultSslProtocols('1.23.4'), ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    assert.deepEqual(defaultSslProtocols('1.27.2'), ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    assert.deepEqual(defaultSslProtocols('1.27.3'), ['TLSv1.2', 'TLSv1.3']);
    assert.deepEqual(defaultSslProtocols('1.28'), ['TLSv1.2', 'TLSv1.3']);
    assert.deepEqual(defaultSslProtocols('nginx/1.29.3'), ['TLSv1.2', 'TLSv1.3']);
    // Unknown: never assumed safe.
    assert.deepEqual(defaultSslProtocols(undefined), ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    assert.deepEqual(defaultSslProtocols('garbage'), ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    assert.deepEqual(parseNginxVersion('1.25'), [1, 25, 0]);
  });

  test('defaults per module for server and upstream TLS directives', () => {
    assert.deepEqual(defaultFor('http', 'ssl_ciphers')?.args, ['HIGH:!aNULL:!MD5']);
    assert.deepEqual(defaultFor('http', 'ssl_prefer_server_ciphers')?.args, ['off']);
    assert.deepEqual(defaultFor('http', 'ssl_session_tickets')?.args, ['on']);
    assert.deepEqual(defaultFor('http', 'ssl_stapling')?.args, ['off']);
    assert.deepEqual(defaultFor('http', 'ssl_verify_client')?.args, ['off']);
    assert.deepEqual(defaultFor('http', 'proxy_ssl_verify')?.args, ['off']);
    assert.deepEqual(defaultFor('http', 'proxy_ssl_server_name')?.args, ['off']);
    assert.deepEqual(defaultFor('http', 'proxy_ssl_protocols', '1.27.3'), { args: ['TLSv1.2', 'TLSv1.3'], versionDependent: true });
    assert.deepEqual(defaultFor('http', 'proxy_ssl_ciphers')?.args, ['DEFAULT']);
    assert.deepEqual(defaultFor('http', 'grpc_ssl_verify')?.args, ['off']);
    assert.deepEqual(defaultFor('stream', 'proxy_ssl_verify')?.args, ['off']);
    assert.deepEqual(defaultFor('stream', 'proxy_ssl')?.args, ['off']);
    assert.equal(defaultFor('stream', 'grpc_ssl_verify'), undefined);
    assert.equal(defaultFor('http', 'ssl_certificate'), undefined, 'unset, no default');
    assert.equal(defaultFor('http', 'ssl_dhparam'), undefined);
  });
});

describe('nginx effective: listen', () => {
  test('addresses, ports and parameters', () => {
    const a = listenOf('443 ssl');
    assert.deepEqual([a.host, a.port, a.ssl, a.http2, a.ipv6], ['*', 443, true, false, false]);
    const b = listenOf('[::]:443 ssl http2 default_server ipv6only=on');
    assert.deepEqual([b.host, b.port, b.ipv6, b.ssl, b.http2, b.defaultServer, b.ipv6only], ['[::]', 443, true, true, true, true, true]);
    const c = listenOf('127.0.0.1:8443 quic reuseport');
    assert.deepEqual([c.host, c.port, c.quic, c.reuseport, c.ssl], ['127.0.0.1', 8443, true, true, false]);
    const d = listenOf('example.com');
    assert.deepEqual([d.host, d.port], ['example.com', 80]);
    const e = listenOf('unix:/run/nginx.sock proxy_protocol backlog=511 deferred');
    assert.deepEqual([e.unix, e.host, e.port, e.proxyProtocol], ['/run/nginx.sock', undefined, undefined, true]);
    assert.deepEqual(e.params, { backlog: '511', deferred: true });
    const f = listenOf('*:80 default');
    assert.deepEqual([f.host, f.port, f.defaultServer], ['*', 80, true]);
    const g = listenOf('[::1]');
    assert.deepEqual([g.host, g.port, g.ipv6], ['[::1]', 80, true]);
    const h = listenOf('localhost:99999');
    assert.deepEqual([h.host, h.port], ['localhost', undefined]);
  });

  test('servers list their listens (implicit *:80 when none), names and TLS', () => {
    const cfg = eff(
      'http {\n' +
        '  server { server_name a.example www.a.example; listen 443 ssl; listen [::]:443 ssl; }\n' +
        '  server { server_name plain.example; }\n' +
        '  ssl on;\n' +
        '  server { listen 8443; }\n' +
        '}\n' +
        'stream {\n  server { listen 5000 udp; proxy_pass backend:53; }\n  server { listen 6000 ssl; }\n}\n',
    );
    assert.deepEqual(
      cfg.servers.map((s) => [s.module, s.listens.map((l) => `${l.host}:${l.port}${l.ssl ? ' ssl' : ''}${l.implicit ? ' implicit' : ''}`), s.serverNames.map((n) => n.name), s.tls]),
      [
        ['http', ['*:443 ssl', '[::]:443 ssl'], ['a.example', 'www.a.example'], true],
        ['http', ['*:80 implicit'], ['plain.example'], true],
        ['http', ['*:8443'], [], true],
        ['stream', ['*:5000'], [], false],
        ['stream', ['*:6000 ssl'], [], true],
      ],
    );
    assert.equal(cfg.servers[3]!.listens[0]!.udp, true);
    const h = eff('http {\n  server { listen 443 ssl http2; }\n  server { listen 443 ssl; http2 on; }\n  server { listen 443 quic; listen 443 ssl; }\n  server { listen 443 quic; http3 off; }\n}\n');
    assert.deepEqual(
      h.servers.map((s) => [s.http2, s.http3, s.tls]),
      [
        [true, false, true],
        [true, false, true],
        [false, true, true],
        [false, false, true],
      ],
    );
  });
});

describe('nginx effective: inheritance of TLS settings', () => {
  const text =
    'http {\n' +
    '  ssl_protocols TLSv1.2 TLSv1.3;\n' +
    '  ssl_certificate /c/http.pem;\n' +
    '  server {\n' +
    '    listen 443 ssl;\n' +
    '    location / {\n' +
    '      location /inner { proxy_pass https://backend; }\n' +
    '    }\n' +
    '  }\n' +
    '  server {\n' +
    '    listen 443 ssl;\n' +
    '    ssl_protocols TLSv1.3;\n' +
    '    ssl_certificate /c/a.pem;\n' +
    '    ssl_certificate /c/a-ecdsa.pem;\n' +
    '  }\n' +
    '}\n';

  test('ssl_protocols goes from http to server to (nested) location, each value pointing at its directive', () => {
    const cfg = eff(text);
    const [s1, s2] = cfg.servers;
    const p1 = s1!.settings.get('ssl_protocols')!;
    assert.deepEqual([p1.args, p1.origin, p1.level], [['TLSv1.2', 'TLSv1.3'], 'inherited', 'http']);
    assert.deepEqual(p1.directives[0]!.nameRange.start, { line: 1, character: 2 });
    const inner = loc(s1!, '/inner');
    const pi = inner.settings.get('ssl_protocols')!;
    assert.deepEqual([pi.args, pi.origin, pi.level], [['TLSv1.2', 'TLSv1.3'], 'inherited', 'http']);
    const p2 = s2!.settings.get('ssl_protocols')!;
    assert.deepEqual([p2.args, p2.origin, p2.level], [['TLSv1.3'], 'own', 'server']);
    assert.deepEqual(p2.directives[0]!.nameRange.start, { line: 11, character: 4 });
    // List directives: all of a level's occurrences, the inherited ones replaced as a whole.
    assert.deepEqual(
      s2!.settings.get('ssl_certificate')!.directives.map((d) => d.args[0]!.value),
      ['/c/a.pem', '/c/a-ecdsa.pem'],
    );
    assert.equal(s1!.settings.get('ssl_certificate')!.args[0], '/c/http.pem');
    assert.equal(cfg.blocks[0]!.settings.get('ssl_protocols')!.origin, 'own');
  });

  test('unset values fall back to the default for the target version, marked as such', () => {
    const cfg = eff('http { server { listen 443 ssl; location / { proxy_pass https://u; } } }\n', { nginxVersion: '1.22.1' });
    const s = cfg.servers[0]!;
    const p = s.settings.get('ssl_protocols')!;
    assert.deepEqual(p, { name: 'ssl_protocols', args: ['TLSv1', 'TLSv1.1', 'TLSv1.2'], origin: 'default', directives: [], versionDependent: true, nginxVersion: '1.22.1' });
    const modern = eff('http { server { listen 443 ssl; } }\n', { nginxVersion: '1.27.3' });
    assert.deepEqual(modern.servers[0]!.settings.get('ssl_protocols')!.args, ['TLSv1.2', 'TLSv1.3']);
    assert.equal(s.settings.get('ssl_certificate'), undefined);
    assert.equal(s.settings.flag('ssl_session_tickets'), true);
    assert.equal(s.settings.flag('ssl_stapling'), false);
    assert.equal(s.settings.isSet('ssl_stapling'), false);
    const l = loc(s, '/');
    assert.equal(l.settings.get('proxy_ssl_verify')!.origin, 'default');
    assert.equal(l.settings.flag('proxy_ssl_verify'), false);
  });

  test('explicitValues lists what is set here or above', () => {
    const cfg = eff(text);
    assert.deepEqual(
      cfg.servers[1]!.settings.explicitValues().map((v) => `${v.name}:${v.origin}`),
      ['ssl_certificate:own', 'ssl_protocols:own'],
    );
  });

  test('stream servers inherit from stream only; proxy_ssl decides a stream hop', () => {
    const cfg = eff(
      'http { ssl_protocols TLSv1.3; }\n' +
        'stream {\n  proxy_ssl on;\n  upstream db { server 10.0.0.1:5432; }\n  server { listen 5432 ssl; proxy_pass db; }\n}\n',
    );
    const s = cfg.servers[0]!;
    assert.equal(s.module, 'stream');
    assert.equal(s.settings.get('ssl_protocols')!.origin, 'default');
    assert.equal(s.passes.length, 1);
    assert.deepEqual([s.passes[0]!.tls, s.passes[0]!.sslPrefix, s.passes[0]!.upstream?.args[0]?.value], [true, 'proxy_ssl_', 'db']);
    assert.deepEqual(cfg.upstreams.map((u) => [u.module, u.name]), [['stream', 'db']]);
  });

  test('a rule can find proxy_pass https:// without proxy_ssl_verify on, and listen ssl without a certificate', () => {
    const cfg = eff(
      'http {\n' +
        '  upstream app { server 10.0.0.2:443; }\n' +
        '  server {\n    listen 443 ssl;\n    ssl_certificate /c.pem;\n' +
        '    location /a { proxy_pass https://app; }\n' +
        '    location /b { proxy_ssl_verify on; proxy_ssl_trusted_certificate /ca.pem; proxy_pass https://app/b; }\n' +
        '    location /c { proxy_pass http://app; }\n' +
        '    location /d { proxy_pass $scheme://app; }\n' +
        '    location /e { grpc_pass grpcs://g:443; }\n' +
        '  }\n' +
        '  server { listen 443 ssl default_server; ssl_reject_handshake on; }\n' +
        '  server { listen 8443 ssl; }\n' +
        '}\n',
    );
    const unverified: string[] = [];
    for (const s of cfg.servers) {
      walkLocations(s, (l) => {
        for (const p of l.passes) if (p.tls && l.settings.flag(p.sslPrefix + 'verify') !== true) unverified.push(`${l.match} ${p.target}`);
      });
    }
    assert.deepEqual(unverified, ['/a https://app', '/e grpcs://g:443']);
    const pass = loc(cfg.servers[0]!, '/a').passes[0]!;
    assert.deepEqual([pass.kind, pass.scheme, pass.upstream?.args[0]?.value], ['proxy', 'https', 'app']);
    assert.equal(loc(cfg.servers[0]!, '/d').passes[0]!.tls, undefined);

    const noCert = cfg.servers.filter((s) => s.tls && !s.settings.isSet('ssl_certificate') && s.settings.flag('ssl_reject_handshake') !== true);
    assert.deepEqual(
      noCert.map((s) => s.listens[0]!.port),
      [8443],
    );
  });

  test('location modifiers, named locations and if blocks', () => {
    const cfg = eff(
      'http { server {\n' +
        '  location = /exact {}\n  location ~* \\.php$ {}\n  location ^~ /static/ {}\n  location @named {}\n  location /p { if ($x) { proxy_ssl_verify on; } }\n' +
        '  location =/tight {}\n' +
        '} }\n',
    );
    const seen: string[] = [];
    walkLocations(cfg.servers[0]!, (l, parents) => seen.push(`${parents.length}:${l.kind}:${l.modifier}:${l.match}`));
    assert.deepEqual(seen, ['0:location:=:/exact', '0:location:~*:\\.php$', '0:location:^~:/static/', '0:location:@:named', '0:location::/p', '1:if::($x)', '0:location:=:/tight']);
    const p = loc(cfg.servers[0]!, '/p');
    assert.equal(p.settings.flag('proxy_ssl_verify'), false);
    assert.equal(p.locations[0]!.settings.get('proxy_ssl_verify')!.origin, 'own');
  });
});

describe('nginx effective: add_header', () => {
  const text =
    'http {\n' +
    '  add_header X-Http 1;\n' +
    '  server {\n' +
    '    listen 443 ssl;\n' +
    '    add_header Strict-Transport-Security "max-age=63072000" always;\n' +
    '    add_header X-Frame-Options DENY;\n' +
    '    location / { }\n' +
    '    location /img {\n' +
    '      add_header Cache-Control public;\n' +
    '      location /img/inner { }\n' +
    '    }\n' +
    '  }\n' +
    '  server { listen 80; }\n' +
    '}\n';

  test('a level with any add_header drops all inherited ones (replace, not merge)', () => {
    const cfg = eff(text);
    const http = cfg.blocks[0]!;
    assert.deepEqual(http.headers.entries.map((e) => e.name), ['X-Http']);
    const s = cfg.servers[0]!;
    assert.deepEqual(s.headers.entries.map((e) => e.name), ['Strict-Transport-Security', 'X-Frame-Options']);
    assert.deepEqual(s.headers.dropped.map((e) => e.name), ['X-Http']);
    const hsts = findHeader(s.headers, 'strict-transport-security')[0]!;
    assert.deepEqual([hsts.value, hsts.always, hsts.level], ['max-age=63072000', true, 'server']);
    assert.equal(findHeader(s.headers, 'X-Frame-Options')[0]!.always, false);

    const root = loc(s, '/');
    assert.deepEqual(root.headers.entries.map((e) => e.name), ['Strict-Transport-Security', 'X-Frame-Options']);
    assert.deepEqual(root.headers.dropped, []);

    const img = loc(s, '/img');
    assert.deepEqual(img.headers.entries.map((e) => e.name), ['Cache-Control']);
    assert.equal(findHeader(img.headers, 'Strict-Transport-Security').length, 0);
    const lost = droppedHeader(img.headers, 'Strict-Transport-Security');
    assert.equal(lost.length, 1);
    assert.deepEqual(lost[0]!.directive.nameRange.start, { line: 4, character: 4 });

    // The nested location inherits the /img level, which no longer has HSTS.
    const inner = loc(s, '/img/inner');
    assert.deepEqual(inner.headers.entries.map((e) => [e.name, e.level]), [['Cache-Control', 'location']]);
    assert.deepEqual(inner.headers.dropped, []);

    assert.deepEqual(cfg.servers[1]!.headers.entries.map((e) => e.name), ['X-Http']);
  });

  test('add_header_inherit merge / off (1.29.3), itself inherited', () => {
    const cfg = eff(
      'http {\n  add_header_inherit merge;\n  add_header A 1;\n' +
        '  server {\n    add_header B 2;\n' +
        '    location /m { add_header C 3; }\n' +
        '    location /off { add_header_inherit off; location /off/n { } }\n' +
        '    location /on { add_header_inherit on; add_header D 4; }\n' +
        '  }\n}\n',
    );
    const s = cfg.servers[0]!;
    assert.deepEqual(s.headers.inherit.mode, 'merge');
    assert.equal(s.headers.inherit.origin, 'inherited');
    assert.deepEqual(s.headers.entries.map((e) => e.name), ['B', 'A']);
    assert.deepEqual(loc(s, '/m').headers.entries.map((e) => e.name), ['C', 'B', 'A']);
    const off = loc(s, '/off');
    assert.deepEqual(off.headers.entries, []);
    assert.deepEqual(off.headers.dropped.map((e) => e.name), ['B', 'A']);
    // "off" is inherited: the nested location gets nothing either (its parent has nothing).
    assert.equal(loc(s, '/off/n').headers.inherit.mode, 'off');
    assert.deepEqual(loc(s, '/off/n').headers.entries, []);
    const on = loc(s, '/on');
    assert.deepEqual(on.headers.entries.map((e) => e.name), ['D']);
    assert.deepEqual(on.headers.dropped.map((e) => e.name), ['B', 'A']);
  });
});

describe('nginx effective: over included files', () => {
  test('values point back to the file they came from', async () => {
    const host = new MemoryHost({
      '/etc/nginx/nginx.conf': 'http {\n  include snippets/tls.conf;\n  include sites/*.conf;\n}\n',
      '/etc/nginx/snippets/tls.conf': 'ssl_protocols TLSv1.2;\n',
      '/etc/nginx/sites/a.conf': 'server {\n  listen 443 ssl;\n  include snippets/hsts.conf;\n  location / { add_header X-A 1; }\n}\n',
      '/etc/nginx/snippets/hsts.conf': 'add_header Strict-Transport-Security max-age=1 always;\n',
    });
    const tree = await loadNginxConfig(host, '/etc/nginx/nginx.conf');
    assert.deepEqual(tree.problems, []);
    const cfg = effectiveConfig(tree.directives, { nginxVersion: '1.24.0' });
    const s = cfg.servers[0]!;
    assert.equal(s.directive.file, '/etc/nginx/sites/a.conf');
    const p = s.settings.get('ssl_protocols')!;
    assert.deepEqual([p.file, p.origin, p.level, p.directives[0]!.range.start.line], ['/etc/nginx/snippets/tls.conf', 'inherited', 'http', 0]);
    assert.equal(s.listens[0]!.directive.file, '/etc/nginx/sites/a.conf');
    assert.equal(s.headers.own[0]!.directive.file, '/etc/nginx/snippets/hsts.conf');
    const dropped = droppedHeader(loc(s, '/').headers, 'strict-transport-security');
    assert.equal(dropped[0]!.directive.file, '/etc/nginx/snippets/hsts.conf');
  });

  test('never throws on odd input', () => {
    const odd = '{ } server { listen; location; } http { server { listen [::; listen unix:; location { } if { } add_header; add_header_inherit bogus; } upstream {} }\n';
    const cfg = parseNginx(odd, new LineIndex(odd));
    const e = effectiveConfig(cfg.directives);
    assert.equal(e.servers.length, 1);
    assert.equal(e.servers[0]!.headers.inherit.mode, 'on');
  });
});

describe('nginx effective: robustness', () => {
  test('random token soup never throws (parse → load → effective)', async () => {
    const tokens = ['http', 'stream', 'mail', 'server', 'location', 'if', 'limit_except', 'upstream', 'listen', 'include', 'add_header', 'add_header_inherit',
      'ssl_protocols', 'proxy_pass', 'grpc_pass', 'proxy_ssl', 'ssl', 'on', 'off', 'merge', '443', '[::]:443', 'unix:', '*.conf', 'a.conf', 'https://x', '$v',
      '"q"', "'s'", '=', '~', '@n', '{', '}', ';', ';', ';', '\n', '#c\n', '"', '\\'];
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const soup = (): string => Array.from({ length: 5 + rand(60) }, () => tokens[rand(tokens.length)]!).join(' ');
    for (let i = 0; i < 200; i++) {
      const host = new MemoryHost({ '/n/nginx.conf': soup(), '/n/a.conf': soup(), '/n/b.conf': soup() });
      const tree = await loadNginxConfig(host, '/n/nginx.conf', { maxFiles: 50 });
      const cfg = effectiveConfig(tree.directives, { nginxVersion: i % 2 ? '1.22.1' : undefined });
      for (const s of cfg.servers) {
        s.settings.explicitValues();
        s.settings.get('ssl_protocols');
        walkLocations(s, (l) => l.settings.get('proxy_ssl_verify'));
      }
    }
  });
});

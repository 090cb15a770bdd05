/** Issue 11's smaller classes: TLS 1.3 only, set $var https, more_set_headers, security_headers, templates, BOM, spdy, Apache, files named by content, cipher words. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryHost, TextDoc, detectFormat, lintFile, resolvePolicy } from '../../server/src/core';
import { applyFix, lint, NOW } from '../support/lint';

const CERT = '    ssl_certificate /c.pem;\n    ssl_certificate_key /k.pem;\n';
const HSTS = '    add_header Strict-Transport-Security "max-age=63072000" always;\n';
const rules = (text: string, file = 'nginx.conf') => lint(text, file, { nginxVersion: '1.24.0' }).map((f) => f.ruleId).sort();

describe('TLS 1.3 only', () => {
  test('Mozilla-modern-shaped servers get no cipher finding, set or default', () => {
    const modern = `http {\nserver {\n    listen 443 ssl;\n${CERT}${HSTS}    ssl_protocols TLSv1.3;\n    ssl_ecdh_curve X25519:prime256v1:secp384r1;\n    ssl_prefer_server_ciphers off;\n    ssl_session_tickets off;\n}\n}\n`;
    assert.deepEqual(rules(modern), []);
    assert.deepEqual(rules(modern.replace('    ssl_protocols', '    ssl_ciphers RC4-SHA:DES-CBC3-SHA;\n    ssl_protocols')), [], 'a TLS 1.3-only server never uses ssl_ciphers');
    assert.ok(rules(modern.replace('TLSv1.3;', 'TLSv1.2 TLSv1.3;')).includes('nginx/weak-ciphers'), 'with TLS 1.2 the default string is judged');
  });
});

describe('upstreams and headers written other ways', () => {
  test('set $var https; proxy_pass $var://… in the same or an enclosing block is a TLS upstream', () => {
    const site = (set: string, where: 'location' | 'server') =>
      `http {\nserver {\n    listen 443 ssl;\n${CERT}${HSTS}    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\n${where === 'server' ? `    ${set}\n` : ''}    location / {\n${where === 'location' ? `        ${set}\n` : ''}        proxy_pass $upstream_proto://app:8443;\n    }\n}\n}\n`;
    assert.ok(rules(site('set $upstream_proto https;', 'location')).includes('nginx/upstream-unverified'));
    assert.ok(rules(site('set $upstream_proto https;', 'server')).includes('nginx/upstream-unverified'));
    assert.ok(!rules(site('set $upstream_proto http;', 'location')).includes('nginx/upstream-unverified'));
    assert.ok(!rules(site('set $upstream_proto $scheme;', 'location')).includes('nginx/upstream-unverified'), 'a variable value is unknown');
  });

  test('more_set_headers Strict-Transport-Security is judged like add_header; security_headers on sends max-age=31536000', () => {
    const base = `http {\nserver {\n    listen 443 ssl;\n${CERT}    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_session_tickets off;\n    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\nLINE\n}\n}\n`;
    const ok = base.replace('LINE', '    more_set_headers "Strict-Transport-Security: max-age=63072000; includeSubDomains";');
    assert.deepEqual(rules(ok), []);
    const short = base.replace('LINE', '    more_set_headers "Strict-Transport-Security: max-age=300";');
    const f = lint(short, 'nginx.conf', { nginxVersion: '1.24.0' }).filter((x) => x.ruleId === 'nginx/missing-hsts');
    assert.equal(f.length, 1);
    assert.match(f[0]!.message, /max-age=300 is below the policy's minimum/);
    assert.ok(applyFix(short, f[0]!).includes('more_set_headers "Strict-Transport-Security: max-age=63072000"'));
    const sec = lint(base.replace('LINE', '    security_headers on;'), 'nginx.conf', { nginxVersion: '1.24.0' }).filter((x) => x.ruleId === 'nginx/missing-hsts');
    assert.deepEqual(sec.map((x) => x.severity), ['info'], 'HSTS is sent, with the module\'s fixed one-year max-age');
    assert.match(sec[0]!.message, /security_headers on sends Strict-Transport-Security max-age=31536000/);
    assert.deepEqual(lint(base.replace('LINE', '    security_headers on;'), 'nginx.conf', { nginxVersion: '1.24.0', thresholds: { hstsMinAgeSeconds: 31536000 } }), []);
  });
});

describe('files that are not plain nginx', () => {
  test('templates: one note per file, no syntax errors; what reads as nginx around the tags is still judged', () => {
    const jinja = `http {\n{% for s in servers %}\nserver {\n    listen 443 ssl;\n    server_name {{ s.name }};\n    ssl_protocols TLSv1 TLSv1.2;\n}\n{% endfor %}\n}\n`;
    const f = lint(jinja, 'site.conf.j2');
    assert.deepEqual(f.filter((x) => x.ruleId === 'nginx/template-skipped').map((x) => x.range.start.line), [1]);
    assert.ok(!f.some((x) => x.ruleId === 'nginx/syntax'));
    assert.ok(f.some((x) => x.ruleId === 'nginx/weak-protocol'), 'a weak protocol written plainly is reported');
    const broken = `{{ range $host, $c := . }}\nupstream {{ $host }} {\n  {{ range $c }} server {{ .IP }}:{{ .Port }}; {{ end }}\n{{ end }}\n}}}\n`;
    const g = lint(broken, 'nginx.conf');
    assert.deepEqual(g.map((x) => x.ruleId), ['nginx/template-skipped']);
    assert.match(g[0]!.message, /Go\/Jinja template that is not nginx until rendered: it is not checked/);
    const lua = 'http {\n    init_by_lua_block {\n        tmpl = template.compile([[\n{% if x then %} {{ y }} {% end %}\n]])\n    }\n}\n';
    assert.deepEqual(lint(lua, 'nginx.conf'), [], 'tags inside a Lua block are Lua templates, not the file\'s');
    const erb = `server {\n    listen <%= port %> ssl;\n<% if hsts %>\n    add_header Strict-Transport-Security "max-age=63072000" always;\n<% end %>\n}\n`;
    assert.deepEqual(lint(erb, 'sites-enabled/x.erb').filter((x) => x.ruleId === 'nginx/template-skipped' || x.ruleId === 'nginx/syntax').map((x) => x.ruleId), ['nginx/template-skipped']);
  });

  test('a byte order mark: one error with a fix, and the rest of the file is still judged', async () => {
    const host = new MemoryHost({ '/w/nginx.conf': new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('events {}\nhttp {\n    ssl_protocols TLSv1;\n}\n')]) });
    const r = await lintFile(host, '/w/nginx.conf', 'nginx.conf', { policy: resolvePolicy(), now: NOW });
    assert.ok('findings' in r);
    assert.deepEqual(r.findings.map((f) => f.ruleId).sort(), ['nginx/byte-order-mark', 'nginx/weak-protocol']);
    const bom = r.findings.find((f) => f.ruleId === 'nginx/byte-order-mark')!;
    assert.match(bom.message, /reads it as part of "events"/);
    assert.deepEqual(bom.fixes[0]!.edits, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, newText: '' }]);
  });

  test('listen … spdy is an error with a fix to http2', () => {
    const text = `http {\nserver {\n    listen 443 ssl spdy;\n${CERT}}\n}\n`;
    const f = lint(text).find((x) => x.ruleId === 'nginx/listen-spdy')!;
    assert.equal(f.severity, 'error');
    assert.equal(applyFix(text, f), text.replace('ssl spdy', 'ssl http2'));
    const both = lint(text.replace('spdy', 'http2 spdy')).find((x) => x.ruleId === 'nginx/listen-spdy')!;
    assert.equal(applyFix(text.replace('spdy', 'http2 spdy'), both), text.replace('spdy', 'http2'));
  });

  test('Apache httpd files are recognised and skipped with one note, not counted as checked', async () => {
    const vhost = '<VirtualHost *:443>\n    ServerName a.test\n    SSLEngine on\n    SSLProtocol all -SSLv3\n</VirtualHost>\n';
    assert.equal(detectFormat(new TextDoc('/etc/apache2/sites-available/default-ssl.conf', vhost)), 'apache');
    assert.equal(detectFormat(new TextDoc('/etc/httpd/conf.d/ssl.conf', 'Listen 443 https\nSSLPassPhraseDialog exec:/usr/libexec/httpd-ssl-pass-dialog\n')), 'apache');
    assert.equal(detectFormat(new TextDoc('/srv/sites-available/site.conf', vhost)), 'apache', 'by content, in a folder name both servers use');
    assert.equal(detectFormat(new TextDoc('/srv/sites-available/site.conf', 'server {\n    listen 80;\n}\n')), 'nginx');
    const host = new MemoryHost({ '/etc/apache2/sites-available/default-ssl.conf': vhost });
    const r = await lintFile(host, '/etc/apache2/sites-available/default-ssl.conf', 'default-ssl.conf', { policy: resolvePolicy(), now: NOW });
    assert.ok('findings' in r);
    assert.equal(r.skipped, 'apache');
    assert.deepEqual(r.findings.map((f) => f.ruleId), ['apache/not-checked']);
  });

  test('a file with no telling name is recognised by content', () => {
    assert.equal(detectFormat(new TextDoc('/tmp/myconfig', 'server {\n    listen 443 ssl;\n}\n')), 'nginx');
    assert.equal(detectFormat(new TextDoc('/tmp/notes', 'just words\n')), 'text');
    assert.equal(detectFormat(new TextDoc('/srv/reverse-proxy-confs/app.subdomain.conf.sample', 'server {\n    listen 443 ssl;\n}\n')), 'nginx');
  });
});

describe('cipher strings', () => {
  test('harmless words need no finding of their own when the list is judged weak anyway; legacy weak words still warn', () => {
    const text = `http {\nserver {\n    listen 443 ssl;\n${CERT}${HSTS}    ssl_protocols TLSv1.2;\n    ssl_ciphers ALL:!ADH:!EXPORT56:RC4+RSA:+HIGH:+MEDIUM:+LOW:+EXP;\n}\n}\n`;
    const f = lint(text).filter((x) => x.ruleId === 'nginx/weak-ciphers');
    const messages = f.map((x) => x.message);
    assert.ok(!messages.some((m) => /EXPORT56|'\+LOW'|'\+MEDIUM'/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /asks for RC4/.test(m)) && messages.some((m) => /asks for EXP/.test(m)));
    assert.ok(messages.some((m) => /enables suites with/.test(m)));
  });

  test('prefer-server-ciphers: "off" is not advised where the list enables weak suites; the reason speaks of the list', () => {
    const strong = `http {\nserver {\n    listen 443 ssl;\n${CERT}    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\n    ssl_prefer_server_ciphers on;\n}\n}\n`;
    const f = lint(strong).filter((x) => x.ruleId === 'nginx/prefer-server-ciphers');
    assert.equal(f.length, 1);
    assert.match(f[0]!.message, /with only strong suites enabled, clients may pick/);
    assert.deepEqual(lint(strong.replace('ECDHE-RSA-AES128-GCM-SHA256', 'AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256')).filter((x) => x.ruleId === 'nginx/prefer-server-ciphers'), []);
  });
});

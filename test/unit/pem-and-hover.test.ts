import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { TextDoc, hoverAt, resolvePolicy, type PolicyInput } from '../../server/src/core';
import { codeSpan } from '../../server/src/core/hover';
import { scanPem } from '../../server/src/core/formats/pem/scanner';
import { LineIndex } from '../../server/src/core/text';
import { DAY, makeCert } from '../support/certs';
import { NOW, expectAnnotated, lint } from '../support/lint';

let rsa: string;
let ec: string;
let expired: string;
let future: string;

before(async () => {
  rsa = (await makeCert({ cn: 'api.example.com', dns: ['api.example.com', 'www.example.com'], ips: ['192.0.2.7'], key: 'rsa2048', notBefore: new Date(NOW.getTime() - 10 * DAY), notAfter: new Date(NOW.getTime() + 23 * DAY + 3600_000) })).pem;
  ec = (await makeCert({ cn: 'ec.example.com', dns: ['ec.example.com'], key: 'p256', notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 400 * DAY) })).pem;
  expired = (await makeCert({ cn: 'old.example.com', dns: ['old.example.com'], notBefore: new Date(NOW.getTime() - 100 * DAY), notAfter: new Date(NOW.getTime() - 4 * DAY - 3600_000) })).pem;
  future = (await makeCert({ cn: 'soon.example.com', notBefore: new Date(NOW.getTime() + 3 * DAY + 3600_000), notAfter: new Date(NOW.getTime() + 90 * DAY) })).pem;
});

function hover(text: string, line: number, character = 2, file = 'bundle.pem'): string | undefined {
  return hoverAt(new TextDoc(file, text), { line, character }, NOW)?.markdown;
}

describe('PEM scanner', () => {
  test('finds blocks, also indented inside YAML, and decodes their bodies', () => {
    const yaml = `data:\n  ca.crt: |\n${ec.trim().split('\n').map((l) => '    ' + l).join('\n')}\n`;
    const text = `${rsa}\nsome text\n${yaml}`;
    const blocks = scanPem(text, new LineIndex(text));
    assert.deepEqual(blocks.map((b) => [b.label, b.range.start.line, b.range.start.character, !!b.der, b.problem]), [
      ['CERTIFICATE', 0, 0, true, undefined],
      ['CERTIFICATE', rsa.split('\n').length + 3, 4, true, undefined],
    ]);
  });

  test('bad base64, a missing END and a mismatched END are located problems', () => {
    expectAnnotated(
      `-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIU
not*base64!
^^^^^^^^^^^ error pem/malformed: invalid base64 in PEM block "CERTIFICATE"
-----END CERTIFICATE-----
-----BEGIN PRIVATE KEY-----
QUJD
-----END CERTIFICATE-----
^^^^^^^^^^^^^^^^^^^^^^^^^ error pem/malformed: ends with "END CERTIFICATE"
-----BEGIN PUBLIC KEY-----
^^^^^^^^^^^^^^^^^^^^^^^^^^ error pem/malformed: has no "-----END PUBLIC KEY-----" line
QUJD`,
      'mixed.pem',
    );
  });

  test('a certificate whose DER does not parse is reported on its BEGIN line', () => {
    expectAnnotated(
      `-----BEGIN CERTIFICATE-----
^^^^^^^^^^^^^^^^^^^^^^^^^^^ error pem/malformed: not a valid X.509 certificate
QUJDREVGR0g=
-----END CERTIFICATE-----`,
      'broken.crt',
    );
  });

  test('a .crt file with no PEM block says so; other files without PEM are fine', () => {
    const [f] = lint('this is not a certificate\n', 'server.crt');
    assert.equal(f?.ruleId, 'pem/malformed');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(lint('', 'empty.pem'), []);
    assert.deepEqual(lint('just notes\n', 'notes.md'), []);
  });
});

describe('certificate hover', () => {
  test('shows subject, issuer, SANs, validity, key, signature and SHA-256 fingerprint', () => {
    const md = hover(rsa, 3);
    assert.ok(md);
    assert.match(md, /\| Subject \| CN=api\.example\.com \|/);
    assert.match(md, /\| Issuer \| CN=api\.example\.com \(self-signed\) \|/);
    assert.match(md, /\| SANs \| DNS:`api\.example\.com`, DNS:`www\.example\.com`, IP:`192\.0\.2\.7` \|/);
    assert.match(md, /\*\*expires in 23 days\*\*/);
    assert.match(md, /\| Key \| RSA 2048 bits \|/);
    assert.match(md, /\| Signature \| RSA with SHA-256 \|/);
    assert.match(md, /\| SHA-256 \| `([0-9A-F]{2}:){31}[0-9A-F]{2}` \|/);
  });

  test('EC keys, expired and not-yet-valid certificates', () => {
    assert.match(hover(ec, 1) ?? '', /\| Key \| EC P-256 \|/);
    assert.match(hover(ec, 1) ?? '', /ECDSA with SHA-256/);
    assert.match(hover(expired, 1) ?? '', /\*\*expired 4 days ago\*\*/);
    assert.match(hover(future, 1) ?? '', /\*\*not valid until \d{4}-\d\d-\d\d \(in 3 days\)\*\*/);
  });

  test('says which certificate of a bundle it is, and nothing outside blocks', () => {
    const text = `leaf:\n${rsa}\n${ec}`;
    const second = text.split('\n').findIndex((l, i) => i > 3 && l.startsWith('-----BEGIN'));
    assert.match(hover(text, 2) ?? '', /1st of 2 in this file/);
    assert.match(hover(text, second + 1) ?? '', /2nd of 2 in this file/);
    assert.equal(hover(text, 0), undefined);
  });

  test('never shows private key material', () => {
    const body = 'MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF';
    const md = hover(`-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`, 1);
    assert.ok(md);
    assert.match(md, /never shows its contents/);
    assert.ok(!md.includes(body.slice(0, 10)));
  });

  test('escapes Markdown in names so a subject cannot inject links', async () => {
    const evil = (await makeCert({ cn: 'x](https://evil.example)*', notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + DAY) })).pem;
    const md = hover(evil, 1) ?? '';
    assert.ok(md.includes('| Subject | CN=x\\](https://evil.example)\\* |'), md);
    assert.ok(!md.includes('x](https'));
  });
});

test('code spans hold any SAN text: backticks, pipes', () => {
  assert.equal(codeSpan('a.example'), '`a.example`');
  assert.equal(codeSpan('a`b'), '``a`b``');
  assert.equal(codeSpan('`x'), '`` `x ``');
  assert.equal(codeSpan('a|b'), '`a\\|b`');
});

test('hover never throws on corrupted certificates (bit flips, truncation)', () => {
  const body = rsa.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
  const der = Buffer.from(body, 'base64');
  let seed = 99;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let i = 0; i < 300; i++) {
    const bad = Buffer.from(der.subarray(0, i % 3 === 0 ? rnd(der.length) : der.length));
    for (let k = 0; k < 1 + rnd(4); k++) if (bad.length) { const at = rnd(bad.length); bad[at] = bad[at]! ^ (1 << rnd(8)); }
    const pem = `-----BEGIN CERTIFICATE-----\n${bad.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
    const md = hover(pem, 1);
    assert.ok(md === undefined || md.startsWith('**'), md);
    for (const f of lint(pem, 'x.crt')) assert.notEqual(f.ruleId, 'core/internal-error', f.message);
  }
});

describe('nginx directive hover', () => {
  const text = 'server {\n    ssl_protocols TLSv1.2;\n    ssl_ciphers HIGH;\n    root /var/www;\n}\n';
  const at = (line: number, character: number, policy?: PolicyInput): string | undefined =>
    hoverAt(new TextDoc('nginx.conf', text), { line, character }, NOW, resolvePolicy(policy))?.markdown;

  test('explains a TLS directive, its default (for the target version) and the profile\'s value', () => {
    const md = at(1, 6) ?? '';
    assert.match(md, /^\*\*ssl_protocols\*\* — The TLS protocol versions nginx accepts\./);
    assert.match(md, /Default: TLSv1\.2 TLSv1\.3 since nginx 1\.27\.3/);
    assert.match(md, /Mozilla Server Side TLS 6\.0, intermediate recommends: `TLSv1\.2 TLSv1\.3`/);
    assert.match(at(1, 6, { nginxVersion: '1.24.0', profile: 'modern' }) ?? '', /Default: `TLSv1 TLSv1\.1 TLSv1\.2 TLSv1\.3` \(nginx 1\.24\.0\)[\s\S]*modern recommends: `TLSv1\.3`/);
    assert.match(at(2, 5) ?? '', /recommends: `ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:/);
  });

  test('nothing for other directives, arguments or whitespace', () => {
    assert.equal(at(3, 5), undefined);
    assert.equal(at(1, 20), undefined);
    assert.equal(at(1, 1), undefined);
    assert.match(at(0, 0) ?? '', /^\*\*Effective TLS settings in this server\*\*/, 'a server name shows its effective settings');
  });
});

describe('hover on a server or location: its effective TLS settings', () => {
  const text = 'http {\n    ssl_protocols TLSv1.2 TLSv1.3;\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    server {\n        listen 443 ssl;\n        ssl_certificate a.crt;\n        location /api/ { proxy_pass https://up; proxy_ssl_verify on; }\n    }\n}\n';
  const at = (line: number, character: number, file = 'nginx.conf', t = text): string => hoverAt(new TextDoc(file, t), { line, character }, NOW, resolvePolicy({ nginxVersion: '1.24.0' }))?.markdown ?? '';

  test('values with their origin: here, inherited, or nginx\'s default for the target version', () => {
    const server = at(3, 5);
    assert.match(server, /\| ssl_protocols \| `TLSv1\.2 TLSv1\.3` \| from http \|/);
    assert.match(server, /\| ssl_certificate \| `a\.crt` \| here \|/);
    assert.match(server, /\| ssl_ciphers \| `HIGH:!aNULL:!MD5` \| nginx's default \|/);
    assert.match(server, /\| Strict-Transport-Security \| `max-age=63072000` always \| from http \|/);
    const location = at(6, 10);
    assert.match(location, /\| proxy_ssl_verify \| `on` \| here \|/);
    assert.match(location, /\| proxy_ssl_trusted_certificate \| \(not set\) \|/);
  });

  test('a snippet without its includer says which stock nginx.conf it is shown with', () => {
    const md = at(0, 2, 'sites-enabled/x', 'server {\n    listen 443 ssl;\n}\n');
    assert.match(md, /No nginx.conf in the workspace includes this file: shown as included by Debian\/Ubuntu's stock \/etc\/nginx\/nginx.conf \(nginx-common\) \(`nginx.base: debian`\)/);
    assert.match(md, /\| ssl_protocols \| `TLSv1 TLSv1.1 TLSv1.2 TLSv1.3` \| from http \(\/etc\/nginx\/nginx.conf\) \|/);
  });
});

test('hover: a header inherited from an outer location is not "here"; includes are mentioned', () => {
  const text = 'http {\n    server {\n        listen 443 ssl;\n        location /a {\n            add_header Strict-Transport-Security "max-age=1";\n            location /a/b {\n                include snippets/x.conf;\n            }\n        }\n    }\n}\n';
  const md = hoverAt(new TextDoc('nginx.conf', text), { line: 5, character: 14 }, NOW, resolvePolicy())?.markdown ?? '';
  assert.match(md, /\| Strict-Transport-Security \| `max-age=1` \| from location \|/);
  assert.match(md, /has an `include`: values the included file sets are not shown/);
});

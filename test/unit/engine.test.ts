import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryHost, TextDoc, detectFormat, lintFile, resolvePolicy } from '../../server/src/core';
import { NOW, lint } from '../support/lint';

describe('format detection', () => {
  const cases: Array<[string, string, string | undefined, string]> = [
    ['nginx.conf', '', undefined, 'nginx'],
    ['/etc/nginx/sites-enabled/default', '', undefined, 'nginx'],
    ['deploy/conf.d/tls.conf', '', undefined, 'nginx'],
    ['app.nginx', '', undefined, 'nginx'],
    ['other.conf', 'server {\n  listen 443 ssl;\n}\n', undefined, 'nginx'],
    ['other.conf', '[section]\nkey = value\n', undefined, 'text'],
    ['tls.crt', '', undefined, 'pem'],
    ['ingress.yaml', 'apiVersion: networking.k8s.io/v1\nkind: Ingress\n', undefined, 'kubernetes'],
    ['values.yml', 'replicas: 2\n', undefined, 'yaml'],
    ['Untitled-1', 'ssl_protocols TLSv1;', 'nginx', 'nginx'],
    ['proj/.tls-lens.yaml', 'extends: modern\n', 'yaml', 'policy'],
    ['README.md', '# hi', undefined, 'text'],
  ];
  for (const [file, text, lang, want] of cases) {
    test(`${file}${lang ? ` (${lang})` : ''} is ${want}`, () => assert.equal(detectFormat(new TextDoc(file, text, lang)), want));
  }
});

describe('bad input never throws and is reported where it matters', () => {
  const policy = resolvePolicy({ maxFileSizeKb: 1 });

  test('empty files give nothing', () => {
    for (const f of ['nginx.conf', 'a.pem', 'b.yaml', 'c.txt']) assert.deepEqual(lint('', f), [], f);
  });

  test('binary content in a file named as text gives one info finding; in other files nothing', () => {
    const [f, ...rest] = lint('\u0000\u0001\u0002binary', 'server.key');
    assert.equal(rest.length, 0);
    assert.equal(f?.ruleId, 'core/binary-file');
    assert.equal(f?.severity, 'info');
    assert.match(f?.message ?? '', /not PEM text/);
    assert.deepEqual(lint('\u0000\u0001', 'picture.bin'), []);
  });

  test('files over the size cap are skipped with one info finding, before being read', async () => {
    const big = 'ssl_protocols TLSv1;\n'.repeat(100);
    const host = new MemoryHost({ '/w/nginx.conf': big });
    let reads = 0;
    const counting = Object.assign(Object.create(host) as MemoryHost, {
      readFile: async (p: string) => {
        reads++;
        return host.readFile(p);
      },
    });
    const r = await lintFile(counting, '/w/nginx.conf', 'nginx.conf', { policy, now: NOW });
    assert.ok('findings' in r);
    assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity]), [['core/file-too-large', 'info']]);
    assert.match(r.findings[0]!.message, /over the 1 KiB cap/);
    assert.equal(reads, 0);
    // The in-editor path (text already in memory) applies the same cap, in UTF-8 bytes as on disk.
    assert.deepEqual(lint(big, 'nginx.conf', { maxFileSizeKb: 1 }).map((f) => f.ruleId), ['core/file-too-large']);
    const euros = '€'.repeat(1000); // 1000 UTF-16 units, 3000 bytes
    assert.deepEqual(lint(euros, 'nginx.conf', { maxFileSizeKb: 1 }).map((f) => f.message), [
      'file is 2.9 KiB, over the 1 KiB cap (tlsLens.maxFileSizeKb / --max-file-size-kb); not linted',
    ]);
    const disk = await lintFile(new MemoryHost({ '/w/nginx.conf': euros }), '/w/nginx.conf', 'nginx.conf', { policy, now: NOW });
    assert.ok('findings' in disk);
    assert.deepEqual(disk.findings.map((f) => f.message), ['file is 2.9 KiB, over the 1 KiB cap (tlsLens.maxFileSizeKb / --max-file-size-kb); not linted']);
  });

  test('unreadable or missing files are errors, not exceptions', async () => {
    const host = new MemoryHost({ '/w/dir/x.conf': 'x' });
    assert.deepEqual(await lintFile(host, '/w/missing.conf', 'missing.conf', { policy, now: NOW }), { error: 'missing.conf: no such file' });
    assert.deepEqual(await lintFile(host, '/w/dir', 'dir', { policy, now: NOW }), { error: 'dir: not a file' });
  });

  test('a file that is not what its extension says gets nothing bogus', () => {
    assert.deepEqual(lint('{"json": true}', 'nginx.conf').map((f) => f.message), ['unexpected "{" (a block needs a directive name)', 'directive "json" is not terminated by ";"', 'unexpected ":" after a quoted string (a space or ";" must follow the closing quote)']);
    assert.deepEqual(lint('<html><body>hello</body></html>', 'site.yaml'), []);
    // A PEM placeholder in notes or docs is not reported; in a PEM or YAML file it is.
    assert.deepEqual(lint('-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n', 'notes.md'), []);
    assert.deepEqual(lint('-----BEGIN CERTIFICATE-----\n', 'values.yaml').map((f) => f.ruleId), ['pem/malformed']);
    assert.deepEqual(lint('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBF=\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n', 'key.pem').map((f) => f.message), ['no PEM block ("-----BEGIN …-----") in this file, though its name says PEM']);
  });

  test('random input in every format never throws', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const parts = ['-----BEGIN CERTIFICATE-----\n', '-----END CERTIFICATE-----\n', 'MIIB', '==', '{', '}', ';', 'ssl_protocols', ' TLSv1', '\n', '\u0000', 'apiVersion: v1\n', 'kind: Secret\n', '"', '\\'];
    for (let i = 0; i < 1500; i++) {
      let s = '';
      for (let j = Math.floor(rnd() * 30); j > 0; j--) s += parts[Math.floor(rnd() * parts.length)]!;
      for (const f of ['nginx.conf', 'a.pem', 'k.yaml', 'n.txt', '.tls-lens.yaml']) {
        for (const finding of lint(s, f)) assert.notEqual(finding.ruleId, 'core/internal-error', `${f}: ${JSON.stringify(s)}: ${finding.message}`);
      }
    }
  });
});

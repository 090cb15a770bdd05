/**
 * Layer: the language server over stdio. An nginx file open in the editor names a
 * certificate file in the workspace (through the policy's pathMappings): the server reads
 * it and reports at the directive.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DAY, makeCert } from '../support/certs';
import { LspSession, fileUri } from '../support/lspClient';

void describe('the server reads the certificate files nginx names', () => {
  let ws = '';
  let s: LspSession;
  let notAfter = '';
  before(async () => {
    ws = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-lsp-certs-'));
    mkdirSync(path.join(ws, 'nginx'), { recursive: true });
    mkdirSync(path.join(ws, 'deploy', 'tls'), { recursive: true });
    const now = Date.now();
    const expired = await makeCert({ cn: 'old.example.test', dns: ['old.example.test'], notBefore: new Date(now - 100 * DAY), notAfter: new Date(now - 10 * DAY) });
    writeFileSync(path.join(ws, 'deploy', 'tls', 'old.crt'), expired.pem);
    notAfter = new Date(now - 10 * DAY).toISOString().slice(0, 10);
    writeFileSync(path.join(ws, '.tls-lens.yaml'), 'pathMappings:\n  "/etc/nginx/": deploy\n');
    // The tlsLens.pathMappings setting adds to the policy file's (relative to the workspace folder).
    s = await LspSession.start({ workspaceFolders: [ws], settings: () => ({ pathMappings: { '/srv/tls/': 'deploy/tls' } }) });
  });
  after(() => {
    s?.dispose();
    rmSync(ws, { recursive: true, force: true });
  });

  void test('an expired certificate is reported at ssl_certificate', async () => {
    const file = path.join(ws, 'nginx', 'nginx.conf');
    const text = 'http {\n    server {\n        listen 443 ssl;\n        server_name old.example.test;\n        ssl_certificate /etc/nginx/tls/old.crt;\n    }\n}\n';
    writeFileSync(file, text);
    const uri = fileUri(file);
    await s.open(uri, 'nginx', text);
    const p = await s.diagnostics(uri);
    const expired = p.diagnostics.filter((d) => d.code === 'cert/expired');
    assert.deepEqual(
      expired.map((d) => [d.range.start.line, d.range.start.character, d.message]),
      [[4, 24, `certificate CN=old.example.test (in /etc/nginx/tls/old.crt), named by ssl_certificate, expired 10 days ago (notAfter ${notAfter})`]],
    );
  });

  void test('through the tlsLens.pathMappings setting', async () => {
    const file = path.join(ws, 'nginx', 'srv.conf');
    const text = 'server {\n    listen 443 ssl;\n    ssl_certificate /srv/tls/old.crt;\n}\n';
    writeFileSync(file, text);
    const uri = fileUri(file);
    await s.open(uri, 'nginx', text);
    const p = await s.diagnostics(uri);
    assert.deepEqual(p.diagnostics.filter((d) => d.code === 'cert/expired').map((d) => [d.range.start.line, d.range.start.character]), [[2, 20]]);
  });

  void test('a hover on the path shows what the latest lint read: the files are not read again per hover', async () => {
    const cert = path.join(ws, 'deploy', 'tls', 'hover.crt');
    const now = Date.now();
    writeFileSync(cert, (await makeCert({ cn: 'hover.example.test', dns: ['hover.example.test'], notBefore: new Date(now - DAY), notAfter: new Date(now + 60 * DAY) })).pem);
    const file = path.join(ws, 'nginx', 'hover.conf');
    const text = 'server {\n    listen 443 ssl;\n    server_name hover.example.test;\n    ssl_certificate /etc/nginx/tls/hover.crt;\n}\n';
    writeFileSync(file, text);
    const uri = fileUri(file);
    await s.open(uri, 'nginx', text);
    await s.diagnostics(uri);
    const shows = async (): Promise<string> => JSON.stringify((await s.hover(uri, { line: 3, character: 30 }))?.contents ?? null);
    assert.match(await shows(), /hover\.example\.test/);
    // Gone from the disk (no file event for it): the hover still shows what this version's lint read.
    rmSync(cert);
    assert.match(await shows(), /hover\.example\.test/);
    // A new version is linted again, and the hover follows it.
    const mark = s.mark();
    await s.change(uri, 2, [{ text: text + '# edited\n' }]);
    await s.diagnostics(uri, { after: mark, accept: (p) => p.version === 2 });
    assert.doesNotMatch(await shows(), /hover\.example\.test/);
  });
});

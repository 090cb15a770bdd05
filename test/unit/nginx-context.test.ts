import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryHost, includerHttpContext, lintFile, resolvePolicy, type Host } from '../../server/src/core';
import { NOW } from '../support/lint';

const SITE = 'server {\n    listen 443 ssl;\n    server_name a.test;\n    location / { proxy_pass https://app; }\n}\n';
const policy = resolvePolicy({ nginxVersion: '1.24.0' });

async function ruleIds(host: Host, file: string): Promise<string[]> {
  const r = await lintFile(host, file, file, { policy, now: NOW, gather: { nginx: { httpContext: (p) => includerHttpContext(host, p) } } });
  assert.ok('findings' in r, JSON.stringify(r));
  return r.findings.map((f) => f.ruleId).sort();
}

describe('snippets judged in the context of the nginx.conf that includes them', () => {
  test('what nginx.conf sets in http counts; what it does not set is reported in the snippet', async () => {
    const good = new MemoryHost({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_certificate /x.crt;\n    ssl_certificate_key /x.key;\n    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\n    ssl_session_cache shared:SSL:10m;\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    proxy_ssl_verify on;\n    proxy_ssl_trusted_certificate /ca.pem;\n    proxy_ssl_server_name on;\n    include sites-enabled/*;\n}\n',
      '/etc/nginx/sites-enabled/a': SITE,
    });
    assert.deepEqual(await ruleIds(good, '/etc/nginx/sites-enabled/a'), []);
    const bare = new MemoryHost({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    ssl_stapling on;\n    include sites-enabled/*;\n}\n',
      '/etc/nginx/sites-enabled/a': SITE,
    });
    assert.deepEqual(await ruleIds(bare, '/etc/nginx/sites-enabled/a'), [
      'nginx/default-protocols',
      'nginx/missing-certificate',
      'nginx/missing-hsts',
      'nginx/session-tickets',
      'nginx/upstream-unverified',
      'nginx/weak-ciphers',
    ], 'stapling without a resolver is nginx.conf\'s finding, not the snippet\'s');
  });

  test('no includer: judged as included by the stock nginx.conf of the layout, saying so; an unread include in http is judged by its name', async () => {
    const alone = new MemoryHost({ '/srv/sites-enabled/a': SITE });
    assert.equal(await includerHttpContext(alone, '/srv/sites-enabled/a'), undefined);
    const r = await lintFile(alone, '/srv/sites-enabled/a', 'a', { policy, now: NOW, gather: { nginx: { httpContext: (p) => includerHttpContext(alone, p) } } });
    assert.ok('findings' in r);
    assert.deepEqual(r.findings.map((f) => f.ruleId).sort(), ['nginx/default-protocols', 'nginx/missing-certificate', 'nginx/missing-hsts', 'nginx/session-tickets', 'nginx/upstream-unverified', 'nginx/weak-ciphers']);
    for (const f of r.findings) assert.ok(f.assumptions?.some((a) => /Debian\/Ubuntu's stock \/etc\/nginx\/nginx.conf .*nginx.base: debian/.test(a)), `${f.ruleId}: ${f.message}`);
    assert.match(r.findings.find((f) => f.ruleId === 'nginx/default-protocols')!.message, /sets "ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3" in http, so this server enables TLSv1 and TLSv1.1/);
    const missing = new MemoryHost({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    include /nowhere/headers.conf;\n    include sites-enabled/*;\n}\n',
      '/etc/nginx/sites-enabled/a': SITE,
    });
    const ctx = await includerHttpContext(missing, '/etc/nginx/sites-enabled/a');
    assert.deepEqual(ctx?.map((d) => [d.name, d.args[0]?.value]), [['include', '/nowhere/headers.conf']], 'the unread include stays, as an unknown');
    const m = await lintFile(missing, '/etc/nginx/sites-enabled/a', 'a', { policy, now: NOW, gather: { nginx: { httpContext: (p) => includerHttpContext(missing, p) } } });
    assert.ok('findings' in m);
    const ids = m.findings.map((f) => f.ruleId);
    assert.ok(!ids.includes('nginx/missing-hsts'), 'headers.conf likely sets the header: not judged');
    assert.ok(ids.includes('nginx/default-protocols'), 'a headers file sets no ssl_protocols: judged');
    assert.match(m.findings.find((f) => f.ruleId === 'nginx/include-unknown')!.message, /Strict-Transport-Security not judged: `include \/nowhere\/headers.conf;` \(nginx.conf, line 3\)/);
    const inServer = new MemoryHost({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    server {\n        include sites-enabled/*;\n    }\n}\n',
      '/etc/nginx/sites-enabled/a': SITE,
    });
    assert.equal(await includerHttpContext(inServer, '/etc/nginx/sites-enabled/a'), undefined, 'not included directly in http');
  });

  test('the context keeps each directive\'s file, so findings never point into another file', async () => {
    const host = new MemoryHost({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    add_header Strict-Transport-Security "max-age=60";\n    include sites-enabled/*;\n}\n',
      '/etc/nginx/sites-enabled/a': 'server {\n    listen 443 ssl;\n    ssl_certificate /x.crt;\n    ssl_certificate_key /x.key;\n    location /api/ { add_header X-A b; }\n}\n',
    });
    const context = await includerHttpContext(host, '/etc/nginx/sites-enabled/a');
    assert.ok(context?.every((d) => d.file === '/etc/nginx/nginx.conf'));
    const r = await lintFile(host, '/etc/nginx/sites-enabled/a', 'a', { policy, now: NOW, gather: { nginx: { httpContext: (p) => includerHttpContext(host, p) } } });
    assert.ok('findings' in r);
    const hsts = r.findings.filter((f) => f.ruleId.includes('hsts'));
    assert.deepEqual(hsts.map((f) => [f.ruleId, f.range.start.line]), [['nginx/hsts-dropped', 4]], 'the short max-age is nginx.conf\'s finding');
    assert.equal(hsts[0]!.related[0]!.file, '/etc/nginx/nginx.conf');
    assert.match(hsts[0]!.fixes[0]!.edits[0]!.newText, /add_header Strict-Transport-Security "max-age=60";/);
  });
});

describe('includer context: regressions', () => {
  test('the snippet\'s own top-level lines stay its own (and are judged there)', async () => {
    const host = new MemoryHost({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    include sites-enabled/*;\n}\n',
      '/etc/nginx/sites-enabled/a': 'ssl_session_tickets on;\nserver {\n    listen 443 ssl;\n    ssl_certificate /x.crt;\n    ssl_certificate_key /x.key;\n}\n',
    });
    const context = await includerHttpContext(host, '/etc/nginx/sites-enabled/a');
    assert.deepEqual(context, []);
    assert.ok((await ruleIds(host, '/etc/nginx/sites-enabled/a')).includes('nginx/session-tickets'));
  });

  test('a broken include inside another site\'s server does not make http unknown', async () => {
    const host = new MemoryHost({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    include sites-enabled/*;\n}\n',
      '/etc/nginx/sites-enabled/a': SITE,
      '/etc/nginx/sites-enabled/b': 'server {\n    listen 80;\n    include snippets/gone.conf;\n}\n',
    });
    assert.deepEqual((await includerHttpContext(host, '/etc/nginx/sites-enabled/a'))?.map((d) => d.name), ['add_header']);
  });
});

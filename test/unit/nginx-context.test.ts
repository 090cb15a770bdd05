import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryHost, includerHttpContext, lintFile, resolvePolicy, type Host } from '../../server/src/core';
import { NOW } from '../support/lint';

const SITE = 'server {\n    listen 443 ssl;\n    server_name a.test;\n    location / { proxy_pass https://app; }\n}\n';
const policy = resolvePolicy({ nginxVersion: '1.24.0' });

async function ruleIds(host: Host, file: string): Promise<string[]> {
  const r = await lintFile(host, file, file, { policy, now: NOW, resolveHttpContext: (p) => includerHttpContext(host, p) });
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

  test('no includer, several, or an unreadable include: the context is unknown and nothing is guessed', async () => {
    const alone = new MemoryHost({ '/srv/sites-enabled/a': SITE });
    assert.equal(await includerHttpContext(alone, '/srv/sites-enabled/a'), undefined);
    assert.deepEqual(await ruleIds(alone, '/srv/sites-enabled/a'), []);
    const missing = new MemoryHost({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    include /nowhere/headers.conf;\n    include sites-enabled/*;\n}\n',
      '/etc/nginx/sites-enabled/a': SITE,
    });
    assert.equal(await includerHttpContext(missing, '/etc/nginx/sites-enabled/a'), undefined);
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
    const r = await lintFile(host, '/etc/nginx/sites-enabled/a', 'a', { policy, now: NOW, resolveHttpContext: (p) => includerHttpContext(host, p) });
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

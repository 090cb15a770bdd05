import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryHost, lintFile, resolvePolicy } from '../../server/src/core';
import { NOW } from '../support/lint';

test('missing includes and cycles are located on the include, globs matching nothing are fine', async () => {
  const host = new MemoryHost({
    '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    include mime.types;\n    include conf.d/*.conf;\n    include sites-enabled/*;\n}\n',
    '/etc/nginx/conf.d/a.conf': 'include /etc/nginx/conf.d/b.inc;\n',
    '/etc/nginx/conf.d/b.inc': 'include /etc/nginx/conf.d/a.conf;\n',
  });
  const r = await lintFile(host, '/etc/nginx/nginx.conf', 'nginx.conf', { policy: resolvePolicy(), now: NOW });
  assert.ok('findings' in r);
  const inc = r.findings.filter((f) => f.ruleId === 'nginx/include-not-found');
  assert.deepEqual(
    inc.map((f) => [f.severity, f.range.start.line, f.range.start.character]),
    [['error', 3, 12]],
    'mime.types is a file nginx ships (known content, not "not found"); conf.d/*.conf leads into a cycle; sites-enabled/* matches nothing, which is fine',
  );
  const a = await lintFile(host, '/etc/nginx/conf.d/a.conf', 'a.conf', { policy: resolvePolicy(), now: NOW });
  assert.ok('findings' in a);
  assert.deepEqual(a.findings.filter((f) => f.ruleId === 'nginx/include-not-found').map((f) => f.severity), ['error'], 'the cycle is reported in the file that closes it');
});

test('the cycle is shown on the include that leads into it; relative includes without nginx.conf are not guessed', async () => {
  const host = new MemoryHost({
    '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    include mime.types;\n    include conf.d/*.conf;\n}\n',
    '/etc/nginx/mime.types': 'types { text/html html; }\n',
    '/etc/nginx/conf.d/a.conf': 'include /etc/nginx/conf.d/b.inc;\n',
    '/etc/nginx/conf.d/b.inc': 'include /etc/nginx/conf.d/a.conf;\n',
    '/repo/deploy/sites-enabled/app': 'server {\n    include snippets/ssl.conf;\n    include /etc/ssl/absent.conf;\n}\n',
  });
  const r = await lintFile(host, '/etc/nginx/nginx.conf', 'nginx.conf', { policy: resolvePolicy(), now: NOW });
  assert.ok('findings' in r);
  assert.deepEqual(r.findings.filter((f) => f.ruleId === 'nginx/include-not-found').map((f) => [f.severity, f.range.start.line]), [['error', 3]]);
  const app = await lintFile(host, '/repo/deploy/sites-enabled/app', 'app', { policy: resolvePolicy(), now: NOW });
  assert.ok('findings' in app);
  assert.deepEqual(app.findings.filter((f) => f.ruleId === 'nginx/include-not-found').map((f) => f.range.start.line), [2], 'only the absolute one');
});

/** nginx.base: a lone site file is judged as included by its platform's stock nginx.conf, saying so. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryHost, RULE_IDS, baseFromLayout, includerHttpContext, layoutBase, lintFile, parsePolicyFile, resolvePolicy } from '../../server/src/core';
import { lint, NOW } from '../support/lint';

const SITE = 'server {\n    listen 443 ssl;\n    ssl_session_tickets off;\n    ssl_certificate /c.pem;\n    ssl_certificate_key /k.pem;\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\n}\n';

describe('nginx.base', () => {
  test('the layout decides by default: sites-* is Debian, conf.d alone the official image, else none', async () => {
    assert.equal(baseFromLayout('/repo/sites-enabled/a'), 'debian');
    assert.equal(baseFromLayout('/repo/sites-available/a.conf'), 'debian');
    assert.equal(baseFromLayout('/repo/conf.d/a.conf'), 'official-image');
    assert.equal(baseFromLayout('/repo/conf.d/a.conf', true), 'debian');
    assert.equal(baseFromLayout('/repo/site.conf'), 'none');
    const host = new MemoryHost({ '/r/conf.d/a.conf': SITE, '/r/sites-enabled/b': SITE, '/s/conf.d/a.conf': SITE });
    assert.equal(await layoutBase(host, '/r/conf.d/a.conf'), 'debian', 'a conf.d/ beside sites-enabled/ is Debian\'s');
    assert.equal(await layoutBase(host, '/s/conf.d/a.conf'), 'official-image');
  });

  test('Debian: a site without ssl_protocols inherits TLSv1 and TLSv1.1 from the stock nginx.conf, reported naming it', () => {
    const f = lint(SITE, 'sites-enabled/a').filter((x) => x.ruleId === 'nginx/default-protocols');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.severity, 'warning');
    assert.match(f[0]!.message, /^no ssl_protocols here: Debian\/Ubuntu's stock \/etc\/nginx\/nginx.conf \(nginx-common\) sets "ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3" in http, so this server enables TLSv1 and TLSv1.1/);
    assert.deepEqual(f[0]!.assumptions, ["no nginx.conf in the workspace includes this file; judged as included by Debian/Ubuntu's stock /etc/nginx/nginx.conf (nginx-common) (nginx.base: debian)"]);
    assert.equal(lint(SITE.replace('    ssl_ciphers', '    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_ciphers'), 'sites-enabled/a').length, 0, 'its own ssl_protocols: nothing inherited, nothing assumed');
  });

  test('official image and none: nothing set in http, so nginx\'s version default decides; the assumption names the base', () => {
    const official = lint(SITE, 'conf.d/a.conf', { nginxVersion: '1.24.0' }).filter((x) => x.ruleId === 'nginx/default-protocols');
    assert.match(official[0]!.message, /^no ssl_protocols here or above: nginx 1.24.0 then enables TLSv1 TLSv1.1/);
    assert.deepEqual(official[0]!.assumptions, ["no nginx.conf in the workspace includes this file; judged as included by the official nginx image's stock /etc/nginx/nginx.conf (nginx.base: official-image)"]);
    assert.deepEqual(lint(SITE, 'conf.d/a.conf', { nginxVersion: '1.27.3' }), [], 'nginx 1.27.3 defaults to TLSv1.2 TLSv1.3');
    const none = lint(SITE, 'site.nginx', { nginxVersion: '1.24.0' }).filter((x) => x.ruleId === 'nginx/default-protocols');
    assert.deepEqual(none[0]!.assumptions, ['the http block that includes this file is not in the workspace; assumed it sets no TLS directive']);
  });

  test('the policy setting wins over the layout; bad values are located', () => {
    const f = lint(SITE, 'sites-enabled/a', { nginxBase: 'official-image', nginxVersion: '1.27.3' });
    assert.deepEqual(f, []);
    const ok = parsePolicyFile('nginx:\n  base: official-image\n', RULE_IDS);
    assert.deepEqual(ok, { input: { nginxBase: 'official-image' }, problems: [] });
    assert.equal(resolvePolicy(ok.input).nginxBase, 'official-image');
    const bad = parsePolicyFile('nginx:\n  base: alpine\n  version: 1\n', RULE_IDS);
    assert.deepEqual(bad.problems.map((p) => [p.message, p.range.start.line]), [
      ['nginx setting "base" must be one of debian, official-image, none', 1],
      ['unknown nginx setting "version" (expected base)', 2],
    ]);
  });

  test('a workspace nginx.conf wins over any base', async () => {
    const host = new MemoryHost({ '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    ssl_protocols TLSv1.2 TLSv1.3;\n    include sites-enabled/*;\n}\n', '/etc/nginx/sites-enabled/a': SITE });
    const r = await lintFile(host, '/etc/nginx/sites-enabled/a', 'a', { policy: resolvePolicy(), now: NOW, gather: { nginx: { httpContext: (p) => includerHttpContext(host, p) } } });
    assert.ok('findings' in r);
    assert.deepEqual(r.findings, []);
  });
});

/**
 * Includes deeper than http: `include snippets/ssl-params.conf;` inside a server or a
 * location is followed, so that server's effective configuration sees the snippet's lines
 * (findings stay in their own file), and the snippet opened on its own is judged in that
 * server's context.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { MemoryHost, TextDoc, hoverAt, includeContext, includerHttpContext, lintFile, resolvePolicy, type Finding, type Host } from '../../server/src/core';
import { NodeHost } from '../../server/src/host/nodeHost';
import { NOW } from '../support/lint';
import { findTool } from '../support/tools';

const policy = resolvePolicy({ nginxVersion: '1.24.0' });

async function lintAt(host: Host, file: string): Promise<Finding[]> {
  const r = await lintFile(host, file, file, { policy, now: NOW, gather: { nginx: { httpContext: (p) => includerHttpContext(host, p) } } });
  assert.ok('findings' in r, JSON.stringify(r));
  return r.findings;
}
const ids = (fs: readonly Finding[]): string[] => [...new Set(fs.map((f) => f.ruleId))].sort();

const SSL_PARAMS =
  'ssl_certificate /etc/ssl/site.crt;\nssl_certificate_key /etc/ssl/site.key;\nssl_protocols TLSv1.2 TLSv1.3;\n' +
  'ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256;\nssl_session_cache shared:SSL:10m;\n' +
  'add_header Strict-Transport-Security "max-age=63072000" always;\n';

const CONF = 'events {}\nhttp {\n    server {\n        listen 443 ssl;\n        server_name a.test;\n        include snippets/ssl-params.conf;\n        location / {\n            include snippets/proxy.conf;\n        }\n    }\n}\n';

describe('includes inside server and location blocks', () => {
  test('the server sees what its snippets set: nothing missing is reported, nothing points into them', async () => {
    const host = new MemoryHost({
      '/etc/nginx/nginx.conf': CONF,
      '/etc/nginx/snippets/ssl-params.conf': SSL_PARAMS,
      '/etc/nginx/snippets/proxy.conf': 'proxy_pass https://app.internal;\nproxy_ssl_verify on;\nproxy_ssl_trusted_certificate /etc/ssl/ca.pem;\nproxy_ssl_server_name on;\n',
    });
    assert.deepEqual(await lintAt(host, '/etc/nginx/nginx.conf'), []);
  });

  test('what a snippet lacks is reported in the including server; its own lines are judged in its own file', async () => {
    const host = new MemoryHost({
      '/etc/nginx/nginx.conf': CONF,
      // No certificate, no HSTS, weak protocols; an unverified upstream.
      '/etc/nginx/snippets/ssl-params.conf': 'ssl_protocols TLSv1 TLSv1.2;\n',
      '/etc/nginx/snippets/proxy.conf': 'proxy_pass https://app.internal;\n',
    });
    const conf = await lintAt(host, '/etc/nginx/nginx.conf');
    // What neither nginx.conf nor the snippet sets: certificate, HSTS, ciphers (nginx's default), ticket rotation.
    assert.deepEqual(ids(conf), ['nginx/missing-certificate', 'nginx/missing-hsts', 'nginx/session-tickets', 'nginx/weak-ciphers']);
    assert.ok(conf.every((f) => f.file === '/etc/nginx/nginx.conf'));
    // The include resolved: ssl_protocols is known, so no "default protocols" finding in nginx.conf.
    assert.ok(!conf.some((f) => f.ruleId === 'nginx/default-protocols'));
    // The snippets, opened on their own, are judged inside that server.
    const ssl = await lintAt(host, '/etc/nginx/snippets/ssl-params.conf');
    assert.deepEqual(ids(ssl), ['nginx/weak-protocol']);
    const proxy = await lintAt(host, '/etc/nginx/snippets/proxy.conf');
    assert.deepEqual(ids(proxy), ['nginx/upstream-unverified']);
    assert.equal(proxy[0]!.range.start.line, 0);
  });

  test('a snippet opened on its own gets the server\'s inherited values: a resolver in http counts', async () => {
    const host = new MemoryHost({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    resolver 127.0.0.53;\n    server {\n        listen 443 ssl;\n        include snippets/stapling.conf;\n    }\n}\n',
      '/etc/nginx/snippets/stapling.conf': 'ssl_stapling on;\n',
    });
    assert.deepEqual(ids(await lintAt(host, '/etc/nginx/snippets/stapling.conf')), []);
    host.set('/etc/nginx/nginx.conf', 'events {}\nhttp {\n    server {\n        listen 443 ssl;\n        include snippets/stapling.conf;\n    }\n}\n');
    assert.deepEqual(ids(await lintAt(host, '/etc/nginx/snippets/stapling.conf')), ['nginx/stapling-without-resolver']);
  });

  test('servers read from an include in http are judged in their own file, never at nginx.conf', async () => {
    const host = new MemoryHost({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    include sites-enabled/*;\n}\n',
      // Everything wrong that can be: each finding belongs to this file.
      '/etc/nginx/sites-enabled/a': 'server {\n    listen 443 ssl;\n    server_name a.test;\n    location / { proxy_pass https://app; }\n}\n',
    });
    assert.deepEqual(await lintAt(host, '/etc/nginx/nginx.conf'), []);
    const site = await lintAt(host, '/etc/nginx/sites-enabled/a');
    assert.ok(site.some((f) => f.ruleId === 'nginx/missing-certificate') && site.some((f) => f.ruleId === 'nginx/upstream-unverified'), JSON.stringify(ids(site)));
  });

  test('hover on the server shows the values its snippets set, with their file', async () => {
    const host = new MemoryHost({ '/etc/nginx/nginx.conf': CONF, '/etc/nginx/snippets/ssl-params.conf': SSL_PARAMS, '/etc/nginx/snippets/proxy.conf': 'proxy_pass https://app;\n' });
    const { included } = await includeContext(host, '/etc/nginx/nginx.conf', () => CONF);
    const doc = new TextDoc('/etc/nginx/nginx.conf', CONF);
    const md = hoverAt(doc, { line: 2, character: 5 }, NOW, policy, undefined, undefined, included)?.markdown ?? '';
    assert.match(md, /\| ssl_protocols \| `TLSv1\.2 TLSv1\.3` \| here, from \/etc\/nginx\/snippets\/ssl-params\.conf \|/);
    assert.match(md, /Strict-Transport-Security \| `max-age=63072000` always \| here, from /);
    assert.doesNotMatch(md, /has an `include`/);
    const unknown = hoverAt(doc, { line: 2, character: 5 }, NOW, policy)?.markdown ?? '';
    assert.match(unknown, /has an `include`/, 'without what the includes read, the hover says values are unknown');
  });

  test('included in two servers, or not at all: the context is unknown and nothing is guessed', async () => {
    const two = new MemoryHost({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    server { listen 443 ssl; include snippets/p.conf; }\n    server { listen 8443 ssl; include snippets/p.conf; }\n}\n',
      '/etc/nginx/snippets/p.conf': 'proxy_pass https://app;\n',
    });
    assert.equal(await includerHttpContext(two, '/etc/nginx/snippets/p.conf'), undefined);
    assert.deepEqual(await lintAt(two, '/etc/nginx/snippets/p.conf'), []);
  });

  test('an include that cannot be read hides what its name says it sets, and only that', async () => {
    const host = new MemoryHost({ '/etc/nginx/nginx.conf': CONF, '/etc/nginx/snippets/proxy.conf': 'proxy_pass http://app;\n' });
    const conf = await lintAt(host, '/etc/nginx/nginx.conf');
    // ssl-params.conf likely sets ssl_*: protocols, ciphers, certificate and tickets are not judged; HSTS is, saying what it assumed.
    assert.deepEqual(ids(conf), ['nginx/include-not-found', 'nginx/missing-hsts']);
    assert.match(conf.find((f) => f.ruleId === 'nginx/include-not-found')!.message, /not found.*likely sets ssl_protocols, ssl_ciphers, ssl_certificate and ssl_session_tickets, not judged here/);
    assert.deepEqual(conf.find((f) => f.ruleId === 'nginx/missing-hsts')!.assumptions, ['`include snippets/ssl-params.conf;` (line 6) is not in the workspace; assumed it sets no Strict-Transport-Security']);
  });
});

// The same tree on disk, read by the real nginx: it accepts it, and TLS Lens agrees nothing is missing.
const nginx = findTool('nginx');
const openssl = findTool('openssl');
test('nginx -t accepts the tree with snippets in server and location, and the lint of nginx.conf is clean', { skip: nginx.skip ?? openssl.skip }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-deep-'));
  try {
    const conf = path.join(dir, 'conf');
    mkdirSync(path.join(conf, 'snippets'), { recursive: true });
    const key = path.join(dir, 'k.pem');
    const cert = path.join(dir, 'c.pem');
    const r = spawnSync(openssl.path!, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=t', '-keyout', key, '-out', cert], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${dir};\n`).join('');
    writeFileSync(path.join(conf, 'nginx.conf'), `daemon off;\npid ${dir}/p;\n` + CONF.replace('http {\n', `http {\n    access_log off;\n${temp}`).replace('listen 443 ssl', 'listen 127.0.0.1:18444 ssl'));
    writeFileSync(path.join(conf, 'snippets', 'ssl-params.conf'), SSL_PARAMS.replace('/etc/ssl/site.crt', cert).replace('/etc/ssl/site.key', key));
    writeFileSync(path.join(conf, 'snippets', 'proxy.conf'), `proxy_pass https://127.0.0.1:9;\nproxy_ssl_verify on;\nproxy_ssl_trusted_certificate ${cert};\nproxy_ssl_server_name on;\n`);
    const t = spawnSync(nginx.path!, ['-t', '-p', dir + '/', '-c', 'conf/nginx.conf', '-e', path.join(dir, 'e.log')], { encoding: 'utf8' });
    assert.equal(t.status, 0, t.stderr);
    const host = new NodeHost();
    assert.deepEqual(await lintAt(host, path.join(conf, 'nginx.conf')), []);
    assert.deepEqual(await lintAt(host, path.join(conf, 'snippets', 'proxy.conf')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Applying every TLS Lens fix to a weak nginx config yields a config that the real
 * `nginx -t` accepts and that re-lints clean.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { TextDoc, applyEdits, combineFixes, lintDocument, resolvePolicy, type Finding, type PolicyInput } from '../../server/src/core';
import { LineIndex } from '../../server/src/core/text';
import { findTool } from '../support/tools';

const nginx = findTool('nginx');
const openssl = findTool('openssl');
const skip = nginx.skip ?? openssl.skip ?? false;
let prefix = '';
let version = '';

before(() => {
  if (skip) return;
  prefix = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-fixall-'));
  mkdirSync(path.join(prefix, 'conf'));
  mkdirSync(path.join(prefix, 'logs'));
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=fix.test', '-keyout', path.join(prefix, 'conf', 'site.key'), '-out', path.join(prefix, 'conf', 'site.crt')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  version = /nginx\/(\d+\.\d+\.\d+)/.exec(spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr)?.[1] ?? '';
  assert.ok(version, 'nginx -v prints its version');
});
after(() => {
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

function nginxT(config: string): { ok: boolean; output: string } {
  writeFileSync(path.join(prefix, 'conf', 'nginx.conf'), config);
  const r = spawnSync('nginx', ['-t', '-p', prefix + '/', '-c', 'conf/nginx.conf', '-e', path.join(prefix, 'logs', 'error.log')], { encoding: 'utf8' });
  return { ok: r.status === 0, output: r.stderr };
}

const WEAK = `pid logs/nginx.pid;
events {}
http {
    access_log off;
    client_body_temp_path logs/client;
    proxy_temp_path logs/proxy;
    fastcgi_temp_path logs/fastcgi;
    uwsgi_temp_path logs/uwsgi;
    scgi_temp_path logs/scgi;
    ssl_protocols SSLv3 TLSv1 TLSv1.2;
    server {
        listen 127.0.0.1:8443;
        ssl on;
        server_name fix.test;
        ssl_certificate site.crt;
        ssl_certificate_key site.key;
        ssl_protocols TLSv1 TLSv1.1 # old Android
            TLSv1.2 TLSv1.3;
        ssl_early_data on;
        location /api/ {
            proxy_pass https://127.0.0.1:9443;
            proxy_ssl_protocols TLSv1.1 TLSv1.2;
        }
    }
    server {
        listen 127.0.0.1:8444 ssl;
        ssl_certificate site.crt;
        ssl_certificate_key site.key;
        ssl_protocols tlsv1 TLSv1.2;  # case does not matter to nginx
    }
}
`;

function lint(text: string, input: PolicyInput): Finding[] {
  return lintDocument(new TextDoc('nginx.conf', text), { policy: resolvePolicy(input), now: new Date() });
}

test('every fix applied: nginx -t accepts the result and it re-lints clean', { skip }, () => {
  const policy: PolicyInput = { nginxVersion: version };
  assert.ok(nginxT(WEAK).ok, 'the weak config is valid nginx to start with');
  const before = lint(WEAK, policy);
  assert.ok(before.length >= 8, before.map((f) => f.ruleId).join(', '));
  let text = WEAK;
  for (let pass = 0; pass < 5; pass++) {
    const findings = lint(text, policy);
    const { edits } = combineFixes(findings);
    if (edits.length === 0) break;
    const lines = new LineIndex(text);
    text = applyEdits(text, edits, (p) => lines.offsetAt(p));
  }
  assert.deepEqual(lint(text, policy).map((f) => `${f.ruleId}: ${f.message}`), [], text);
  const t = nginxT(text);
  assert.ok(t.ok, `${t.output}\n${text}`);
  assert.match(text, /# old Android/, 'comments survive');
  assert.match(text, /listen 127\.0\.0\.1:8443 ssl;/);
});

/**
 * What issue 11 says nginx refuses, held to the real `nginx -t`: a byte order mark and
 * `listen … spdy` make it fail; TLS Lens reports each, and its fix makes nginx accept the file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { lintFile, resolvePolicy, type Finding } from '../../server/src/core';
import { NodeHost } from '../../server/src/host/nodeHost';
import { applyFix, NOW } from '../support/lint';
import { findTool } from '../support/tools';

const nginx = findTool('nginx');
let prefix = '';

before(() => {
  if (nginx.skip) return;
  prefix = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-refused-'));
  mkdirSync(path.join(prefix, 'conf'));
  mkdirSync(path.join(prefix, 'logs'));
});
after(() => {
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

function nginxT(): { ok: boolean; output: string } {
  const r = spawnSync(nginx.path!, ['-t', '-p', prefix + '/', '-c', 'conf/nginx.conf', '-e', path.join(prefix, 'logs', 'error.log')], { encoding: 'utf8' });
  return { ok: r.status === 0, output: r.stderr };
}

const temp = () => ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${prefix}/logs;\n`).join('');
const conf = () => `pid ${prefix}/logs/p;\nevents {}\nhttp {\n    access_log off;\n${temp()}    server {\n        listen 127.0.0.1:18611 LISTEN;\n    }\n}\n`;

async function lintConf(): Promise<Finding[]> {
  const r = await lintFile(new NodeHost(), path.join(prefix, 'conf', 'nginx.conf'), 'nginx.conf', { policy: resolvePolicy(), now: NOW });
  assert.ok('findings' in r);
  return r.findings;
}

test('a UTF-8 byte order mark: nginx -t fails on it, TLS Lens reports it, its fix makes nginx accept the file', { skip: nginx.skip }, async () => {
  const file = path.join(prefix, 'conf', 'nginx.conf');
  const text = conf().replace(' LISTEN', '');
  writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
  const before = nginxT();
  assert.equal(before.ok, false);
  assert.match(before.output, /unknown directive "\ufeffpid"/);
  const f = (await lintConf()).find((x) => x.ruleId === 'nginx/byte-order-mark');
  assert.ok(f, 'reported');
  writeFileSync(file, applyFix(readFileSync(file, 'utf8'), f));
  assert.equal(readFileSync(file)[0], 'p'.charCodeAt(0), 'the mark is gone');
  const after = nginxT();
  assert.ok(after.ok, after.output);
  assert.deepEqual((await lintConf()).filter((x) => x.ruleId === 'nginx/byte-order-mark'), []);
});

test('listen … spdy: nginx -t refuses it, TLS Lens reports it, its fix (http2) makes nginx accept the file', { skip: nginx.skip }, async () => {
  const file = path.join(prefix, 'conf', 'nginx.conf');
  const text = conf().replace('LISTEN', 'spdy');
  writeFileSync(file, text);
  const before = nginxT();
  assert.equal(before.ok, false);
  assert.match(before.output, /invalid parameter "spdy"/);
  const f = (await lintConf()).find((x) => x.ruleId === 'nginx/listen-spdy');
  assert.ok(f, 'reported');
  writeFileSync(file, applyFix(text, f));
  const after = nginxT();
  assert.ok(after.ok, after.output);
  assert.deepEqual((await lintConf()).filter((x) => x.ruleId === 'nginx/listen-spdy'), []);
});

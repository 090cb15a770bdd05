/**
 * `tls-lens probe --config DIR` as a process against a real nginx: its configuration copied
 * into a temporary workspace, each live finding linked to the line that causes it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProbeReport } from '../../server/src/core/probe';
import { makeTestPki, nginxFixture, startNginx, type NginxServer } from '../support/nginxServer';
import { findTool, repoPath } from '../support/tools';

const CLI = repoPath('dist', 'cli.js');
const nginx = findTool('nginx');
const skip = nginx.skip ?? false;
let srv: NginxServer;
let ws = '';
let ca = '';
let otherCertPem = '';
let name = '';

before(async () => {
  if (skip) return;
  const pki = await makeTestPki();
  const fx = await nginxFixture(pki, 'legacy');
  name = fx.serverName;
  srv = await startNginx(nginx.path!, fx.spec);
  otherCertPem = (await pki.leaf({ cn: name, dns: [name] })).certPem;
  ws = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-probe-config-'));
  mkdirSync(path.join(ws, 'etc', 'nginx'), { recursive: true });
  writeFileSync(path.join(ws, 'etc', 'nginx', 'nginx.conf'), srv.config);
  writeFileSync(path.join(ws, 'etc', 'nginx', 'site0.crt'), readFileSync(path.join(srv.prefix, 'conf', 'site0.crt')));
  ca = path.join(ws, 'root.pem');
  writeFileSync(ca, pki.root.certPem);
});
after(async () => {
  await srv?.stop();
  if (ws) rmSync(ws, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd: ws || process.cwd() });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The 1-based line of the configuration holding `needle`. */
function lineOf(needle: string): number {
  const i = srv.config.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, needle);
  return i + 1;
}

describe('tls-lens probe --config', { skip }, () => {
  test('json: the server block found by name, findings linked to ssl_protocols, ssl_ciphers, the server and ssl_certificate', async () => {
    const r = await run(['probe', `${name}:${srv.port}`, '--connect-to', '127.0.0.1', '--ca', ca, '--config', 'etc', '--format', 'json', '--fail-on', 'never']);
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as ProbeReport;
    const conf = path.join('etc', 'nginx', 'nginx.conf');
    assert.deepEqual(
      rep.config?.definitions.map((d) => [d.kind, d.match, d.at.file, d.at.range.start.line + 1, d.certificate?.map((c) => c.matchesLive)]),
      [['nginx', 'exact', conf, lineOf(`server_name ${name}`), [true]]],
    );
    const links = (id: string): string[] => [...new Set(rep.findings.filter((f) => f.ruleId === id).flatMap((f) => (f.config ?? []).map((l) => `${l.file}:${l.range.start.line + 1}`)))];
    assert.deepEqual(links('probe/weak-protocol'), [`${conf}:${lineOf('ssl_protocols TLSv1 TLSv1.1')}`]);
    assert.ok(rep.findings.some((f) => f.ruleId === 'probe/weak-cipher'), 'the legacy fixture accepts weak suites');
    for (const l of links('probe/weak-cipher')) assert.equal(l, `${conf}:${lineOf('ssl_ciphers')}`);
    assert.deepEqual(links('probe/missing-hsts'), [`${conf}:${lineOf(`listen 127.0.0.1:${srv.port} ssl`) - 1}`]);
    assert.ok(!rep.findings.some((f) => f.ruleId === 'probe/certificate-differs'));
  });

  test('text: the configuration section, and a certificate the workspace does not configure', async () => {
    writeFileSync(path.join(ws, 'etc', 'nginx', 'site0.crt'), otherCertPem);
    const r = await run(['probe', `${name}:${srv.port}`, '--connect-to', '127.0.0.1', '--ca', ca, '--config', 'etc', '--fail-on', 'never', '--no-scan']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Configuration of ${name.replace(/\./g, '\\.')}:${srv.port} \\(1 nginx file, 0 manifest files read\\)`));
    assert.match(r.stdout, /ssl_certificate site0\.crt \(etc\/nginx\/nginx\.conf:\d+\) CN=.*: NOT the certificate the server sends/);
    assert.match(r.stdout, new RegExp(`warning the server sends a different certificate .*\\[probe/certificate-differs\\]\\n  config: etc/nginx/nginx\\.conf:${lineOf('ssl_certificate site0.crt')}:\\d+ ssl_certificate site0\\.crt`));
  });

  test('without --config nothing is read; a --config that is not a folder is a usage error', async () => {
    const r = await run(['probe', `${name}:${srv.port}`, '--connect-to', '127.0.0.1', '--ca', ca, '--format', 'json', '--no-scan', '--fail-on', 'never']);
    assert.equal((JSON.parse(r.stdout) as ProbeReport).config, undefined);
    const bad = await run(['probe', `${name}:${srv.port}`, '--config', 'no-such-dir']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--config no-such-dir: not a folder/);
  });
});

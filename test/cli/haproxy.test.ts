/**
 * The bundled CLI on HAProxy configurations: `tls-lens check` over a workspace (SARIF with
 * the rule pages), and `tls-lens probe --config DIR` against a real HAProxy the test starts,
 * its live findings linked to the HAProxy lines that cause them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProbeReport } from '../../server/src/core/probe';
import { haproxyWorkspace, startHaproxy, type HaproxyServer, type HaproxyWorkspace } from '../support/haproxy';
import { findTool, repoPath } from '../support/tools';

const CLI = repoPath('dist', 'cli.js');
const haproxy = findTool('haproxy');

function run(cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const LIVE = `global
    log stdout format raw local0 emerg
    ssl-default-bind-options ssl-min-ver TLSv1.0
    ssl-default-bind-ciphers DEFAULT:@SECLEVEL=0
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend https
    bind 127.0.0.1:@PORT@ ssl crt site.pem
    acl www hdr(host) -i www.example.test
    http-request return status 200 content-type text/plain string ok
`;

describe('tls-lens on HAProxy configurations', () => {
  let fx: HaproxyWorkspace;
  let ws = '';
  before(async () => {
    fx = await haproxyWorkspace();
    ws = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-cli-haproxy-'));
    mkdirSync(path.join(ws, 'etc', 'haproxy'), { recursive: true });
    writeFileSync(path.join(ws, 'etc', 'haproxy', 'site.pem'), readFileSync(path.join(fx.dir, 'site.pem')));
  });
  after(() => {
    rmSync(ws, { recursive: true, force: true });
    rmSync(fx.dir, { recursive: true, force: true });
  });

  test('check: HAProxy findings with exit 1, SARIF carrying the rule pages', async () => {
    writeFileSync(path.join(ws, 'etc', 'haproxy', 'haproxy.cfg'), fx.fixture('legacy').replaceAll(fx.dir, '/etc/haproxy'));
    const json = await run(ws, ['check', 'etc', '--format', 'json']);
    assert.equal(json.code, 1, json.stderr);
    const ids = new Set((JSON.parse(json.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId));
    for (const id of ['haproxy/weak-protocol', 'haproxy/ignored-version-options', 'haproxy/weak-ciphers', 'haproxy/server-unverified', 'haproxy/http-without-redirect', 'haproxy/missing-hsts', 'haproxy/weak-dh']) assert.ok(ids.has(id), id);
    const sarif = await run(ws, ['check', 'etc', '--format', 'sarif']);
    const rules = (JSON.parse(sarif.stdout) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; help?: { markdown: string } }> } } }> }).runs[0]!.tool.driver.rules;
    const page = rules.find((r) => r.id === 'haproxy/weak-protocol');
    assert.ok(page?.help?.markdown.startsWith('# haproxy/weak-protocol'));
  });

  describe('probe --config against a real HAProxy', { skip: haproxy.skip }, () => {
    let srv: HaproxyServer;
    before(async () => {
      srv = await startHaproxy(haproxy.path!, fx.dir, LIVE);
      writeFileSync(path.join(ws, 'etc', 'haproxy', 'haproxy.cfg'), srv.config);
    });
    after(async () => {
      await srv?.stop();
    });

    const lineOf = (needle: string): number => srv.config.split('\n').findIndex((l) => l.includes(needle)) + 1;

    test('the frontend found by its ACL name; weak versions linked to ssl-default-bind-options, HSTS to the frontend; the certificate is the one configured', async () => {
      const r = await run(ws, ['probe', `www.example.test:${srv.port}`, '--connect-to', '127.0.0.1', '--ca', path.join(fx.dir, 'ca.pem'), '--config', 'etc', '--format', 'json', '--fail-on', 'never']);
      assert.equal(r.code, 0, r.stderr);
      const rep = JSON.parse(r.stdout) as ProbeReport;
      const conf = path.join('etc', 'haproxy', 'haproxy.cfg');
      assert.deepEqual(rep.config?.definitions.map((d) => [d.kind, d.match, d.at.file, d.at.range.start.line + 1, d.certificate?.map((c) => c.matchesLive)]), [['haproxy', 'exact', conf, lineOf('acl www'), [true]]]);
      assert.deepEqual(rep.config?.searched.formats, [{ id: 'haproxy', title: 'HAProxy', files: 1 }]);
      const links = (id: string): string[] => [...new Set(rep.findings.filter((f) => f.ruleId === id).flatMap((f) => (f.config ?? []).map((l) => `${l.file}:${l.range.start.line + 1}`)))];
      assert.ok(rep.findings.some((f) => f.ruleId === 'probe/weak-protocol'), 'HAProxy accepts TLS 1.0 here');
      assert.deepEqual(links('probe/weak-protocol'), [`${conf}:${lineOf('ssl-default-bind-options')}`]);
      assert.deepEqual(links('probe/missing-hsts'), [`${conf}:${lineOf('frontend https')}`]);
      assert.ok(!rep.findings.some((f) => f.ruleId === 'probe/certificate-differs'));
    });

    test('text: the configuration section names the HAProxy file read; another certificate in the workspace differs', async () => {
      const other = await fx.pki.leaf({ cn: 'www.example.test', dns: ['www.example.test'] });
      writeFileSync(path.join(ws, 'etc', 'haproxy', 'site.pem'), other.chainPem + other.keyPem);
      const r = await run(ws, ['probe', `www.example.test:${srv.port}`, '--connect-to', '127.0.0.1', '--ca', path.join(fx.dir, 'ca.pem'), '--config', 'etc', '--fail-on', 'never']);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.includes('(0 nginx files, 1 HAProxy file, 0 manifest files read)'), r.stdout);
      assert.ok(r.stdout.includes('HAProxy frontend https'), r.stdout);
      assert.ok(r.stdout.includes('probe/certificate-differs'), r.stdout);
    });
  });
});

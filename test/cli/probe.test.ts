/** `tls-lens probe` as a process (the bundled CLI) against real nginx servers the test starts. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, startProbeServers, type ProbeFixtures } from '../support/nginxServer';
import { findTool, repoPath } from '../support/tools';

const CLI = repoPath('dist', 'cli.js');
const nginx = findTool('nginx');
const openssl = findTool('openssl');
const skip = nginx.skip ?? openssl.skip ?? false;
let fx: ProbeFixtures;
let ca: string;

before(async () => {
  if (skip) return;
  fx = await startProbeServers(nginx.path!, openssl.path!);
  ca = path.join(fx.dir, 'test-root.pem');
  writeFileSync(ca, fx.rootPem);
});
after(() => fx?.stop());

/** Runs the CLI asynchronously (the servers live in this process's event loop). */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd: fx?.dir ?? process.cwd() });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('tls-lens probe', { skip }, () => {
  test('text: grade, suites, chain and findings; exit 1 on warnings, 0 with --fail-on error', async () => {
    const r = await run(['probe', `${fx.host}:${fx.ports.valid}`, '--connect-to', '127.0.0.1', '--ca', ca]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^probe\.test:\d+ → 127\.0\.0\.1, \d+ ms, profile intermediate\nGrade A\+: score 93/);
    assert.match(r.stdout, /TLSv1\.3 +accepted/);
    assert.match(r.stdout, /OCSP staple: good/);
    assert.match(r.stdout, /warning .* \[probe\/no-forward-secrecy\]/);
    assert.equal((await run(['probe', `${fx.host}:${fx.ports.valid}`, '--connect-to', '127.0.0.1', '--ca', ca, '--fail-on', 'error'])).code, 0);
  });

  test('json: the report, with findings in the check format', async () => {
    const r = await run(['probe', `${fx.host}:${fx.ports.expired}`, '--connect-to=127.0.0.1', '--ca', ca, '--format', 'json', '--fail-on', 'error']);
    assert.equal(r.code, 1, r.stderr);
    const rep = JSON.parse(r.stdout) as { version: number; endpoint: string; grade: { letter: string }; findings: { ruleId: string; severity: string }[] };
    assert.equal(rep.version, 1);
    assert.equal(rep.endpoint, `probe.test:${fx.ports.expired}`);
    assert.equal(rep.grade.letter, 'T');
    assert.ok(rep.findings.some((f) => f.ruleId === 'probe/certificate-expiry' && f.severity === 'error'));
    assert.doesNotMatch(r.stdout, /PRIVATE KEY/);
  });

  test('--sni decides the name checked', async () => {
    const r = await run(['probe', `127.0.0.1:${fx.ports.wrongHost}`, '--sni', 'probe.test', '--ca', ca, '--format', 'json', '--no-scan']);
    const rep = JSON.parse(r.stdout) as { grade: { letter: string }; hostname: { name: string; matches: boolean } };
    assert.deepEqual(rep.hostname.name, 'probe.test');
    assert.equal(rep.hostname.matches, false);
    assert.equal(rep.grade.letter, 'M');
  });

  test('--client-cert/--client-key for an mTLS endpoint; the key never appears in the output', async () => {
    const cert = path.join(fx.dir, 'client.crt');
    const key = path.join(fx.dir, 'client.key');
    writeFileSync(cert, fx.clientCertPem);
    writeFileSync(key, fx.clientKeyPem);
    const base = ['probe', `${fx.host}:${fx.ports.mtls}`, '--connect-to', '127.0.0.1', '--ca', ca, '--format', 'json', '--no-scan', '--fail-on', 'never'];
    const without = JSON.parse((await run(base)).stdout) as { errors: { message: string }[] };
    assert.match(without.errors.map((e) => e.message).join(), /client certificate/);
    const r = await run([...base, '--client-cert', cert, '--client-key', key]);
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as { errors: unknown[]; hsts?: { present: boolean } };
    assert.deepEqual(rep.errors.filter((e) => !/not asked for/.test(JSON.stringify(e))), []);
    assert.equal(rep.hsts?.present, true);
    assert.doesNotMatch(r.stdout + r.stderr, /PRIVATE KEY/);
  });

  test('refused: exit 2 with a clear message', async () => {
    const r = await run(['probe', `127.0.0.1:${await freePort()}`, '--timeout', '2000']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /connection refused/);
    assert.equal(r.stdout, '');
  });

  test('usage errors: exit 2 with the probe usage', async () => {
    for (const args of [['probe'], ['probe', 'a', 'b'], ['probe', 'x:99999'], ['probe', 'x', '--timeout', '0'], ['probe', 'x', '--format', 'sarif'], ['probe', 'x', '--client-cert', 'c.pem']]) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /Usage: tls-lens probe/, args.join(' '));
    }
    const help = await run(['probe', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--connect-to IP/);
  });
});

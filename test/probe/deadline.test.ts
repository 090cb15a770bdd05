/**
 * The probe's total budget (`deadlineMs`, `--deadline`): against a fake server that never
 * answers, with one connection at a time, the number of connections it sees shows that the
 * deadline — not each connection's own timeout — ended the probe, and the failure lists what
 * was not reached. Counted, never timed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, afterEach, test } from 'node:test';
import { resolvePolicy } from '../../server/src/core';
import { buildProbeReport, probeEndpoint, probeReportText, ProbeError } from '../../server/src/core/probe';
import { startFakeTls, type FakeTlsServer } from '../support/fakeTls';
import { repoPath } from '../support/tools';

let fake: FakeTlsServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => void unhandled.push(e);
process.on('unhandledRejection', onUnhandled);
after(() => {
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, []);
});

async function allClosed(f: FakeTlsServer): Promise<number> {
  for (let i = 0; i < 100 && f.openSockets() > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return f.openSockets();
}

/**
 * Without a deadline, a silent server costs one handshake and six version hellos (SSLv2 to
 * TLS 1.3), each waiting the whole timeout: 7 connections, 6 timeouts in a row at concurrency 1.
 */
const WITHOUT_DEADLINE = 7;

test('a silent server, one connection at a time: the deadline ends the probe, counted by connections, and says what it did not reach', async () => {
  fake = await startFakeTls({ versions: [0x0303], suites: [0xc02f], fault: 'silent' });
  await assert.rejects(
    probeEndpoint({ host: '127.0.0.1', port: fake.port }, { timeoutMs: 1000, concurrency: 1, deadlineMs: 1500 }),
    (e: unknown) => {
      assert.ok(e instanceof ProbeError);
      assert.equal(e.code, 'deadline', e.message);
      assert.match(e.message, /the deadline of 1500 ms passed before any ClientHello was answered/);
      const versions = (e.notReached ?? []).filter((x) => /^(SSLv\d|TLSv1(\.\d)?): not tested$/.test(x));
      assert.ok(versions.length >= 3, `most versions not reached: ${JSON.stringify(e.notReached)}`);
      assert.ok(e.notReached?.some((x) => /full handshake/.test(x)) || e.notReached?.length, JSON.stringify(e.notReached));
      return true;
    },
  );
  // The handshake and the scan's one connection at a time: the first two wait 1000 ms, a third
  // starts and the deadline ends it at 1500 ms; no fourth starts.
  assert.ok(fake.connections >= 2 && fake.connections <= 4, `${fake.connections} connections (without the deadline: ${WITHOUT_DEADLINE})`);
  assert.equal(await allClosed(fake), 0, 'every socket closed');
});

test('a server that answers some versions: the result stands, with what the deadline cut named and judged as incomplete', async () => {
  // TLS 1.3 and 1.2 are answered at once; TLS 1.1 hangs (a 1000 ms timeout), TLS 1.0 starts and
  // the deadline ends it; SSLv3, suite elimination and groups are never sent.
  fake = await startFakeTls({ versions: [0x0301, 0x0302, 0x0303, 0x0304], suites: [0xc02f, 0xc030, 0x009c], silentOnVersions: [0x0302, 0x0301, 0x0300] });
  const r = await probeEndpoint({ host: '127.0.0.1', port: fake.port }, { timeoutMs: 1000, concurrency: 1, deadlineMs: 1500 });
  assert.deepEqual(r.scan?.versions.filter((v) => v.accepted).map((v) => v.version), ['TLSv1.3', 'TLSv1.2']);
  assert.ok(r.notReached?.includes('SSLv3: not tested'), JSON.stringify(r.notReached));
  assert.match(r.scan?.versions.find((v) => v.version === 'TLSv1.1')?.refusal ?? '', /did not answer the ClientHello within 1000 ms/, 'TLS 1.1 timed out on its own');
  assert.equal(r.deadlineMs, 1500);
  const rep = buildProbeReport(r, resolvePolicy(), new Date());
  assert.deepEqual(rep.notReached, r.notReached);
  assert.match(probeReportText(rep), /^Not reached: the deadline of 1500 ms passed before .*SSLv3: not tested/m);
  assert.ok(rep.findings.some((f) => f.ruleId === 'probe/incomplete' && /the deadline of 1500 ms ended the probe before/.test(f.message)));
  assert.ok(fake.connections < 12, `${fake.connections} connections`);
  assert.equal(await allClosed(fake), 0);
});

test('tls-lens probe --deadline with --format json: a JSON error object on stdout, exit 2', async () => {
  fake = await startFakeTls({ versions: [0x0303], suites: [0xc02f], fault: 'silent' });
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, [repoPath('dist', 'cli.js'), 'probe', `127.0.0.1:${fake!.port}`, '--concurrency', '1', '--timeout', '1000', '--deadline', '1500', '--format', 'json']);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  assert.equal(r.code, 2, r.stderr);
  const rep = JSON.parse(r.stdout) as { version: number; endpoint: string; service: { label: string }; error: { code: string; message: string; notReached?: string[] } };
  assert.equal(rep.version, 1);
  assert.equal(rep.endpoint, `127.0.0.1:${fake.port}`);
  assert.equal(rep.service.label, 'HTTPS');
  assert.equal(rep.error.code, 'deadline');
  assert.ok((rep.error.notReached ?? []).length >= 3, r.stdout);
  assert.match(r.stderr, /deadline of 1500 ms.*not reached: /);
  assert.ok(fake.connections <= 4, `${fake.connections} connections`);
});

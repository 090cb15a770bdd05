/**
 * The vulnerability checks: positive cases from fake servers written to misbehave as the
 * vulnerable OpenSSL releases did (no real server here is vulnerable: Debian's OpenSSL 3
 * has no heartbeats, no compression and refuses an early ChangeCipherSpec), and from a real
 * `openssl s_server -client_renegotiation` for client-initiated renegotiation; negative cases
 * from a real nginx, with sslscan's own Heartbleed, fallback and renegotiation lines beside ours.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { resolvePolicy } from '../../server/src/core';
import { buildProbeReport, probeEndpoint, probeReportText } from '../../server/src/core/probe';
import { scanEndpoint } from '../../server/src/core/probe/scan';
import type { ProbeResult } from '../../server/src/core/probe/types';
import { startFakeTls, type FakeTlsServer, type FakeTlsSpec } from '../support/fakeTls';
import { freePort, isListening, makeTestPki, nginxFixture, startNginx, type NginxServer, type TestPki } from '../support/nginxServer';
import { runSslscan } from '../support/nginxServerSslscan';
import { findTool } from '../support/tools';

const nginx = findTool('nginx');
const openssl = findTool('openssl');
const sslscan = findTool('sslscan');

let fake: FakeTlsServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const BASE: FakeTlsSpec = { versions: [0x0302, 0x0303], suites: [0xc02f, 0xc030, 0xc013], serverOrder: true };
const ids = (r: ProbeResult): string[] => [...new Set(buildProbeReport(r, resolvePolicy(), new Date()).findings.map((f) => f.ruleId))];

describe('fake servers that misbehave as vulnerable releases did', () => {
  test('Heartbleed: a heartbeat response to a request longer than its payload', async () => {
    fake = await startFakeTls({ ...BASE, heartbeat: 'vulnerable' });
    const r = await scanEndpoint({ host: '127.0.0.1', port: fake.port }, { timeoutMs: 3000 });
    assert.equal(r.checks?.heartbleed?.vulnerable, true, r.checks?.heartbleed?.detail);
    assert.equal(r.checks?.heartbleed?.version, 'TLSv1.2');
    assert.match(r.checks.heartbleed.detail, /answered a heartbeat request claiming 16 payload bytes it did not carry with a 35-byte heartbeat response/);
    assert.ok(fake.hellos.some((h) => h.heartbeat), 'the heartbeat extension was offered');
  });

  test('a heartbeat server that discards the request (RFC 6520 §4) is not vulnerable, told by the close_notify fence', async () => {
    fake = await startFakeTls({ ...BASE, heartbeat: 'patched' });
    const r = await scanEndpoint({ host: '127.0.0.1', port: fake.port }, { timeoutMs: 3000 });
    assert.equal(r.checks?.heartbleed?.vulnerable, false);
    assert.match(r.checks.heartbleed.detail, /negotiated, and a heartbeat request longer than its payload was discarded/);
  });

  test('TLS compression: DEFLATE chosen', async () => {
    fake = await startFakeTls({ ...BASE, compression: true });
    const r = await scanEndpoint({ host: '127.0.0.1', port: fake.port }, { timeoutMs: 3000 });
    assert.equal(r.checks?.compression?.vulnerable, true);
    assert.ok(fake.hellos.some((h) => h.compression.join() === '1,0'), 'DEFLATE offered first, then null');
    assert.ok(fake.hellos.filter((h) => h.compression.join() !== '0').length === 1, 'only the compression check offers DEFLATE');
  });

  test('CCS injection: an early ChangeCipherSpec taken, the next record failing to decrypt', async () => {
    fake = await startFakeTls({ ...BASE, ccsInjection: true });
    const r = await scanEndpoint({ host: '127.0.0.1', port: fake.port }, { timeoutMs: 3000 });
    assert.equal(r.checks?.ccsInjection?.vulnerable, true);
    assert.match(r.checks.ccsInjection.detail, /bad_record_mac/);
  });

  test('findings, grade caps and the text report for all of them at once, with no RFC 5746 and no fallback SCSV', async () => {
    fake = await startFakeTls({ ...BASE, heartbeat: 'vulnerable', compression: true, ccsInjection: true, renegotiationInfo: false, fallbackScsv: false });
    const r = await probeEndpoint({ host: '127.0.0.1', port: fake.port }, { timeoutMs: 3000, concurrency: 4 });
    for (const id of ['probe/heartbleed', 'probe/ccs-injection', 'probe/tls-compression', 'probe/insecure-renegotiation', 'probe/fallback-scsv']) assert.ok(ids(r).includes(id), `${id} in ${ids(r).join(', ')}`);
    const rep = buildProbeReport(r, resolvePolicy(), new Date());
    assert.equal(rep.findings.find((f) => f.ruleId === 'probe/fallback-scsv')?.severity, 'warning', 'TLS 1.1 is still accepted: a real downgrade');
    const caps = rep.grade.caps.map((c) => `${c.letter} ${c.reason}`);
    assert.ok(caps.includes('F vulnerable to Heartbleed (CVE-2014-0160)'), caps.join('; '));
    assert.ok(caps.includes('C TLS compression is on (CRIME, CVE-2012-4929)'));
    const text = probeReportText(rep);
    assert.match(text, /^Heartbleed: VULNERABLE/m);
    assert.match(text, /^CCS injection: VULNERABLE/m);
    assert.match(text, /^TLS compression: VULNERABLE/m);
  });
});

describe('real servers', () => {
  let pki: TestPki;
  let ng: NginxServer | undefined;
  let serverName = '';
  let nginxResult: ProbeResult;
  before(async () => {
    pki = await makeTestPki();
    if (nginx.skip) return;
    const f = await nginxFixture(pki, 'legacy');
    serverName = f.serverName;
    ng = await startNginx(nginx.path!, f.spec);
    nginxResult = await probeEndpoint({ host: serverName, connectTo: '127.0.0.1', port: ng.port }, { timeoutMs: 5000, concurrency: 8, extraCaPem: pki.root.certPem });
  });
  after(() => ng?.stop());

  test('nginx (OpenSSL 3, TLS 1.0 to 1.2): none of the weaknesses', { skip: nginx.skip }, () => {
    const c = nginxResult.scan!.checks!;
    assert.equal(c.heartbleed?.vulnerable, false);
    assert.match(c.heartbleed.detail, /does not negotiate the heartbeat extension/);
    assert.equal(c.compression?.vulnerable, false);
    assert.equal(c.ccsInjection?.vulnerable, false);
    assert.match(c.ccsInjection.detail, /refused at once with unexpected_message/);
    assert.equal(nginxResult.scan?.secureRenegotiation, true);
    assert.equal(nginxResult.scan?.fallbackScsv, true);
    assert.equal(nginxResult.handshake?.clientRenegotiation?.vulnerable, false, nginxResult.handshake?.clientRenegotiation?.detail);
    for (const id of ['probe/heartbleed', 'probe/ccs-injection', 'probe/tls-compression', 'probe/insecure-renegotiation', 'probe/client-renegotiation', 'probe/fallback-scsv']) assert.ok(!ids(nginxResult).includes(id), id);
  });

  test('sslscan says the same of nginx: not vulnerable to Heartbleed, fallback SCSV supported, secure renegotiation', { skip: nginx.skip || sslscan.skip }, async () => {
    const ref = await runSslscan(sslscan.path!, '127.0.0.1', ng!.port, serverName);
    assert.match(ref.output, /^TLSv1\.2 not vulnerable to heartbleed$/m);
    assert.match(ref.output, /^Server supports TLS Fallback SCSV$/m);
    assert.match(ref.output, /^Secure session renegotiation supported$/m);
  });

  test('openssl s_server -client_renegotiation: client-initiated renegotiation completes', { skip: openssl.skip }, async () => {
    const leaf = await pki.leaf({ cn: 'reneg.test', dns: ['reneg.test'] });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-sserver-'));
    writeFileSync(path.join(dir, 'chain.pem'), leaf.chainPem);
    writeFileSync(path.join(dir, 'key.pem'), leaf.keyPem, { mode: 0o600 });
    const port = await freePort();
    const child: ChildProcess = spawn(openssl.path!, ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', path.join(dir, 'chain.pem'), '-key', path.join(dir, 'key.pem'), '-client_renegotiation', '-tls1_2', '-quiet', '-www'], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 200 && !(await isListening('127.0.0.1', port)); i++) await new Promise((r) => setTimeout(r, 25));
      const r = await probeEndpoint({ host: 'reneg.test', connectTo: '127.0.0.1', port }, { timeoutMs: 5000, concurrency: 4, extraCaPem: pki.root.certPem }, { scan: false });
      assert.equal(r.handshake?.clientRenegotiation?.vulnerable, true, r.handshake?.clientRenegotiation?.detail);
      const rep = buildProbeReport(r, resolvePolicy(), new Date());
      assert.match(rep.findings.find((f) => f.ruleId === 'probe/client-renegotiation')?.message ?? '', /completed a renegotiation the client asked for on a TLSv1\.2 connection/);
    } finally {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

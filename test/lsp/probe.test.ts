/**
 * `tlsLens.server.probe` through the bundled server over stdio: a real nginx endpoint,
 * work-done progress, the workspace policy, cancel, and errors as results.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import type { ProbeCommandResult } from '../../server/src/shared/probe';
import { LspSession } from '../support/lspClient';
import { freePort, startProbeServers, type ProbeFixtures } from '../support/nginxServer';
import { findTool } from '../support/tools';

const PROBE = 'tlsLens.server.probe';
const nginx = findTool('nginx');
const openssl = findTool('openssl');
const skip = nginx.skip ?? openssl.skip ?? false;
let fx: ProbeFixtures;
let s: LspSession;
let ws = '';
let caFile = '';

before(async () => {
  if (skip) return;
  fx = await startProbeServers(nginx.path!, openssl.path!);
  ws = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-lsp-probe-'));
  mkdirSync(ws, { recursive: true });
  // The workspace policy asks only one year of HSTS, and turns the OCSP note off.
  writeFileSync(path.join(ws, '.tls-lens.yaml'), 'thresholds:\n  hstsMinAgeSeconds: 31536000\nrules:\n  probe/ocsp-staple: off\n');
  caFile = path.join(ws, 'root.pem');
  writeFileSync(caFile, fx.rootPem);
  s = await LspSession.start({ workspaceFolders: [ws] });
});
after(async () => {
  if (s) await s.shutdownAndExit();
  await fx?.stop();
  if (ws) rmSync(ws, { recursive: true, force: true });
});

describe('workspace/executeCommand tlsLens.server.probe', { skip }, () => {
  test('probes, reports progress begin → report → end, judges with the workspace policy', async () => {
    const r = (await s.executeCommand(PROBE, [{ target: `${fx.host}:${fx.ports.valid}`, connectTo: '127.0.0.1', caFile }], 'probe-1')) as ProbeCommandResult;
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.report.grade.letter, 'A+');
    assert.equal(r.report.trust?.trusted, true);
    const ids = new Set(r.report.findings.map((f) => f.ruleId));
    assert.ok(!ids.has('probe/missing-hsts'), 'one year is enough under this policy');
    assert.ok(ids.has('probe/no-forward-secrecy'));
    const kinds = s.progress.filter((p) => p.token === 'probe-1').map((p) => p.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');
    assert.ok(kinds.includes('report'));
  });

  test('textDocument/codeLens offers "Probe" above the server_name of a TLS server, and contacts nothing', async () => {
    const uri = `file://${path.join(ws, 'sites-enabled', 'site')}`;
    await s.open(uri, 'nginx', 'server {\n    listen 443 ssl;\n    server_name lens.example.test;\n}\n');
    type Lens = { range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } };
    const lenses = await s.connection.sendRequest<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0]!.range.start.line, 2);
    assert.deepEqual(lenses[0]!.command, { title: 'Probe lens.example.test', command: 'tlsLens.probeEndpoint', arguments: [{ target: 'lens.example.test', fromFile: uri }] });
  });

  test('a refused endpoint is a result with the reason, not a protocol error', async () => {
    const r = (await s.executeCommand(PROBE, [{ target: `127.0.0.1:${await freePort()}` }])) as ProbeCommandResult;
    assert.deepEqual(r.ok ? 'ok' : [r.code, r.cancelled, /refused/.test(r.error)], ['refused', false, true]);
  });

  test('deadlineMs ends a probe of a silent listener with code deadline; starttls is checked; a bad client key says why', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((c) => sockets.push(c));
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = (await s.executeCommand(PROBE, [{ target: `127.0.0.1:${port}`, timeoutMs: 30_000, deadlineMs: 400, concurrency: 2 }])) as ProbeCommandResult;
      assert.deepEqual(r.ok ? 'ok' : [r.code, r.cancelled, /deadline of 400 ms/.test(r.error)], ['deadline', false, true]);
      const wrong = (await s.executeCommand(PROBE, [{ target: `127.0.0.1:${port}`, starttls: 'gopher' }])) as ProbeCommandResult;
      assert.deepEqual(wrong.ok ? 'ok' : [wrong.code, /starttls must be one of smtp/.test(wrong.error)], ['usage', true]);
      const keyFile = path.join(ws, 'bad.key');
      writeFileSync(keyFile, '-----BEGIN PRIVATE KEY-----\nMIIB*AIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n');
      const bad = (await s.executeCommand(PROBE, [{ target: `127.0.0.1:${port}`, clientCertFile: caFile, clientKeyFile: keyFile }])) as ProbeCommandResult;
      assert.deepEqual(bad.ok ? 'ok' : [bad.code, /bad base64 in the "PRIVATE KEY" block at line 2/.test(bad.error)], ['usage', true]);
      // The deadline probe: the handshake and one scan hello at most, both cut at 400 ms; the two refused requests contacted nothing.
      assert.ok(sockets.length >= 1 && sockets.length <= 2, `${sockets.length} connections`);
    } finally {
      sockets.forEach((c) => c.destroy());
      server.close();
    }
  });

  test('cancel aborts the probe and says so', async () => {
    // A listener that never answers: only the cancel ends the probe before the 30 s timeout.
    const sockets: net.Socket[] = [];
    const server = net.createServer((c) => sockets.push(c));
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const port = (server.address() as net.AddressInfo).port;
    const cts = new CancellationTokenSource();
    try {
      const pending = s.executeCommand(PROBE, [{ target: `127.0.0.1:${port}`, timeoutMs: 30_000 }], 'probe-cancel', cts.token);
      setTimeout(() => cts.cancel(), 300);
      const r = (await pending) as ProbeCommandResult | null;
      // vscode-jsonrpc may surface the cancel as the request's own cancellation or as the server's answer.
      if (r) assert.deepEqual(r.ok ? 'ok' : [r.code, r.cancelled], ['cancelled', true]);
    } catch (e) {
      assert.match(String(e), /cancel/i);
    } finally {
      sockets.forEach((c) => c.destroy());
      server.close();
    }
    // The server is still alive and answers.
    const again = (await s.executeCommand(PROBE, [{ target: 'not a host' }])) as ProbeCommandResult;
    assert.equal(again.ok, false);
  });
});

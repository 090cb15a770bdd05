/**
 * Compare with config and the manifest Probe lenses through the bundled server over stdio:
 * a real nginx whose configuration is in the workspace folder; Ingress, Gateway API and
 * Istio Gateway documents for the lenses.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProbeCommandResult } from '../../server/src/shared/probe';
import { LspSession, fileUri } from '../support/lspClient';
import { makeTestPki, nginxFixture, startNginx, type NginxServer } from '../support/nginxServer';
import { findTool } from '../support/tools';

const nginx = findTool('nginx');
const skip = nginx.skip ?? false;
let srv: NginxServer;
let s: LspSession;
let ws = '';
let caFile = '';
let name = '';

before(async () => {
  if (skip) return;
  const pki = await makeTestPki();
  const fx = await nginxFixture(pki, 'modern');
  name = fx.serverName;
  srv = await startNginx(nginx.path!, fx.spec);
  ws = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-lsp-probe-config-'));
  mkdirSync(path.join(ws, 'nginx'));
  writeFileSync(path.join(ws, 'nginx', 'nginx.conf'), srv.config);
  writeFileSync(path.join(ws, 'nginx', 'site0.crt'), readFileSync(path.join(srv.prefix, 'conf', 'site0.crt')));
  caFile = path.join(ws, 'root.pem');
  writeFileSync(caFile, pki.root.certPem);
  s = await LspSession.start({ workspaceFolders: [ws] });
});
after(async () => {
  if (s) await s.shutdownAndExit();
  await srv?.stop();
  if (ws) rmSync(ws, { recursive: true, force: true });
});

type Lens = { range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } };

describe('compare with config over LSP', { skip }, () => {
  test('tlsLens.server.probe links each finding to the workspace file (URI + range) and compares the certificate', async () => {
    const r = (await s.executeCommand('tlsLens.server.probe', [{ target: `${name}:${srv.port}`, connectTo: '127.0.0.1', caFile, scan: false }])) as ProbeCommandResult;
    assert.ok(r.ok, JSON.stringify(r));
    const conf = path.join(ws, 'nginx', 'nginx.conf');
    const lines = srv.config.split('\n');
    const d = r.report.config?.definitions ?? [];
    assert.deepEqual(
      d.map((x) => [x.kind, x.at.uri, x.at.range.start.line, x.certificate?.[0]?.matchesLive]),
      [['nginx', fileUri(conf), lines.findIndex((l) => l.includes(`server_name ${name}`)), true]],
    );
    const hsts = r.report.findings.find((f) => f.ruleId === 'probe/missing-hsts');
    assert.ok(hsts, JSON.stringify(r.report.findings.map((f) => f.ruleId)));
    assert.deepEqual(
      hsts.config?.map((l) => [l.uri, l.range.start.line]),
      [[fileUri(conf), lines.findIndex((l) => l.includes(`listen 127.0.0.1:${srv.port} ssl`)) - 1]],
    );
    const off = (await s.executeCommand('tlsLens.server.probe', [{ target: `${name}:${srv.port}`, connectTo: '127.0.0.1', caFile, scan: false, compareWithConfig: false }])) as ProbeCommandResult;
    assert.ok(off.ok && off.report.config === undefined);
  });

  test('textDocument/codeLens: Probe above Ingress TLS hosts, Gateway API HTTPS listener hostnames and Istio TLS hosts; none for wildcards', async () => {
    const uri = fileUri(path.join(ws, 'k8s', 'edge.yaml'));
    const text = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  tls:
    - hosts: [shop.example.test, "*.example.test"]
      secretName: web-tls
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
spec:
  listeners:
    - name: https
      protocol: HTTPS
      port: 8443
      hostname: api.example.test
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: ig
spec:
  servers:
    - port: { number: 443, name: https, protocol: HTTPS }
      hosts: [mesh.example.test]
      tls: { mode: SIMPLE, credentialName: c }
`;
    await s.open(uri, 'yaml', text);
    const lenses = await s.connection.sendRequest<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
    const probes = lenses.filter((l) => l.command.command === 'tlsLens.probeEndpoint');
    assert.deepEqual(
      probes.map((l) => [l.range.start.line, l.command.title, l.command.arguments]),
      [
        [6, 'Probe shop.example.test', [{ target: 'shop.example.test', fromFile: uri }]],
        [18, 'Probe api.example.test:8443', [{ target: 'api.example.test:8443', fromFile: uri }]],
        [27, 'Probe mesh.example.test', [{ target: 'mesh.example.test', fromFile: uri }]],
      ],
    );
  });
});

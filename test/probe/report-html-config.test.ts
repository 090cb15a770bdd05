/** The webview's "compare with config" parts: each link numbered as configLinks numbers it, everything escaped, no new script. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configLinks, renderProbeReport } from '../../client/src/probe/html';
import { resolvePolicy } from '../../server/src/core';
import { buildProbeReport, type ProbeReport } from '../../server/src/core/probe';
import { NOW, TLS13, handshake, leafDer, result, scan } from './results';

const at = (file: string, line: number, label: string): { file: string; range: { start: { line: number; character: number }; end: { line: number; character: number } }; label: string; uri: string } => ({
  file,
  range: { start: { line, character: 4 }, end: { line, character: 20 } },
  label,
  uri: `file://${file}`,
});

async function report(): Promise<ProbeReport> {
  const r = result({ scan: scan({ TLSv1: [0xc013], 'TLSv1.2': [0xc02f], 'TLSv1.3': TLS13 }), handshake: handshake(await leafDer(), { hsts: { present: false } }) });
  const rep = buildProbeReport(r, resolvePolicy(), NOW);
  rep.config = {
    name: 'example.test',
    port: 443,
    searched: { nginxFiles: 2, manifests: 0 },
    definitions: [
      {
        kind: 'nginx',
        title: 'nginx server /ws/nginx.conf:10',
        at: at('/ws/nginx.conf', 11, 'server_name example.test'),
        match: 'exact',
        certificate: [{ at: at('/ws/nginx.conf', 12, 'ssl_certificate <x>.crt'), sha256: 'AB', subject: 'CN=<b>', matchesLive: false }],
      },
    ],
  };
  rep.findings = rep.findings.map((f) =>
    f.ruleId === 'probe/weak-protocol' ? { ...f, config: [at('/ws/nginx.conf', 3, 'ssl_protocols TLSv1 "<img src=x>"')] } : f.ruleId === 'probe/missing-hsts' ? { ...f, config: [at('/ws/nginx.conf', 9, 'no add_header')] } : f,
  );
  return rep;
}

test('every config link is an anchor numbered in configLinks order, with the file and line shown', async () => {
  const rep = await report();
  const html = renderProbeReport(rep, 'N0NCE', 'vscode-webview://x', { displayPath: (f) => f.replace('/ws/', '') });
  const anchors = [...html.matchAll(/<a href="#" class="cfg" data-link="(\d+)" title="[^"]*">([^<]*)<\/a>/g)].map((m) => [Number(m[1]), m[2]]);
  const links = configLinks(rep);
  assert.equal(links.length, 4);
  assert.deepEqual(
    anchors.sort((a, b) => (a[0] as number) - (b[0] as number)),
    links.map((l, i) => [i, `${l.file.replace('/ws/', '')}:${l.range.start.line + 1}`]),
  );
  assert.match(html, /NOT the certificate the server sends/);
  assert.match(html, /<h2>Configuration<\/h2>/);
});

test('labels and subjects are escaped; still one nonce\'d script and no inline handlers', async () => {
  const html = renderProbeReport(await report(), 'N0NCE', 'vscode-webview://x');
  assert.doesNotMatch(html, /<img src=x>|<b>|<x>/);
  assert.match(html, /&lt;img src=x&gt;/);
  assert.deepEqual(html.match(/<script[^>]*>/g), ['<script nonce="N0NCE">']);
  assert.doesNotMatch(html, /\son[a-z]+=/i);
  assert.match(html, /postMessage\(\{ type: 'openConfig', index: Number\(a\.getAttribute\('data-link'\)\) \}\)/);
});

test('without a comparison: no Configuration section, no links', async () => {
  const r = result({ handshake: handshake(await leafDer()) });
  const rep = buildProbeReport(r, resolvePolicy(), NOW);
  const html = renderProbeReport(rep, 'N', 'c');
  assert.doesNotMatch(html, /class="cfg"|<h2>Configuration/);
  assert.deepEqual(configLinks(rep), []);
});

/**
 * Layer: the bundled language server over stdio, with an HAProxy configuration open: its
 * diagnostics (the crt file it names read from the workspace, the policy's haproxyVersion),
 * quick fixes, the hover of a keyword and of the crt path, the Probe lens on TLS bind lines,
 * and Check Workspace finding `.cfg` files by their text.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CodeLensRequest, type CodeAction, type CodeLens } from 'vscode-languageserver-protocol/node';
import { DAY, makeCert } from '../support/certs';
import { LspSession, fileUri } from '../support/lspClient';

const CONF = `global
    ssl-default-bind-options ssl-min-ver TLSv1.0 no-tlsv10
frontend https
    mode http
    bind :443 ssl crt certs/old.pem
    acl site hdr(host) -i www.example.test
    default_backend app
backend app
    mode http
    server s1 10.0.0.1:443 ssl verify none
`;

void describe('the language server with HAProxy files', () => {
  let ws = '';
  let s: LspSession;
  before(async () => {
    ws = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-lsp-haproxy-'));
    mkdirSync(path.join(ws, 'haproxy', 'certs'), { recursive: true });
    mkdirSync(path.join(ws, 'lb'), { recursive: true });
    const now = Date.now();
    const expired = await makeCert({ cn: 'old.example.test', dns: ['old.example.test'], notBefore: new Date(now - 100 * DAY), notAfter: new Date(now - 10 * DAY) });
    writeFileSync(path.join(ws, 'haproxy', 'certs', 'old.pem'), expired.pem);
    writeFileSync(path.join(ws, '.tls-lens.yaml'), 'haproxyVersion: "2.0"\n');
    writeFileSync(path.join(ws, 'lb', 'edge.cfg'), 'frontend f\n    bind :443 ssl crt a.pem ssl-min-ver TLSv1.1\n');
    writeFileSync(path.join(ws, 'lb', 'settings.cfg'), '[main]\nkey = value\n');
    s = await LspSession.start({ workspaceFolders: [ws] });
  });
  after(() => {
    s?.dispose();
    rmSync(ws, { recursive: true, force: true });
  });

  const file = (): string => path.join(ws, 'haproxy', 'haproxy.cfg');

  void test('diagnostics: rules, the crt file read from the workspace, the version from the policy', async () => {
    writeFileSync(file(), CONF);
    const uri = fileUri(file());
    await s.open(uri, 'haproxy', CONF);
    const p = await s.diagnostics(uri);
    const codes = p.diagnostics.map((d) => `${String(d.code)}@${d.range.start.line}`).sort();
    for (const want of ['cert/expired@4', 'haproxy/ignored-version-options@1', 'haproxy/missing-hsts@2', 'haproxy/server-unverified@9', 'haproxy/weak-protocol@1', 'haproxy/weak-dh@4']) assert.ok(codes.includes(want), `${want} in ${codes.join(', ')}`);
    const expired = p.diagnostics.find((d) => d.code === 'cert/expired')!;
    const message = typeof expired.message === 'string' ? expired.message : expired.message.value;
    assert.ok(message.includes('certificate CN=old.example.test (in certs/old.pem), named by crt'), message);
    assert.equal(p.diagnostics.find((d) => d.code === 'haproxy/weak-protocol')?.source, 'tls-lens');
    assert.ok(p.diagnostics.find((d) => d.code === 'haproxy/weak-protocol')?.codeDescription?.href.endsWith('docs/rules/haproxy/weak-protocol.md'));
  });

  void test('quick fixes come back as code actions', async () => {
    const uri = fileUri(file());
    const p = await s.diagnostics(uri);
    const weak = p.diagnostics.find((d) => d.code === 'haproxy/weak-protocol')!;
    const actions = ((await s.codeActions(uri, weak.range, [weak])) ?? []) as CodeAction[];
    const edit = actions.find((a) => a.title === 'Accept TLSv1.2 and newer only')?.edit?.changes?.[uri];
    assert.deepEqual(edit?.map((e) => e.newText), ['TLSv1.2']);
  });

  void test('hover: a keyword with the default for the policy\'s version; the crt path with the file\'s certificate', async () => {
    const uri = fileUri(file());
    const kw = await s.hover(uri, { line: 1, character: 35 });
    const kwText = JSON.stringify(kw?.contents);
    assert.ok(kwText.includes('ssl-min-ver') && kwText.includes('HAProxy 2.0'), kwText);
    const crt = await s.hover(uri, { line: 4, character: 25 });
    const crtText = JSON.stringify(crt?.contents);
    assert.ok(crtText.includes('CN=old.example.test') && crtText.includes('expired'), crtText);
  });

  void test('a Probe lens on the TLS bind line, for the host its ACL names', async () => {
    const uri = fileUri(file());
    const lenses = (await s.within('codeLens', s.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }))) as CodeLens[];
    const probe = lenses.filter((l) => l.command?.command === 'tlsLens.probeEndpoint');
    assert.deepEqual(probe.map((l) => [l.command!.title, l.range.start.line]), [['Probe www.example.test', 4]]);
  });

  void test('Check Workspace reads .cfg files and lints those with HAProxy sections', async () => {
    const mark = s.mark();
    await s.executeCommand('tlsLens.server.checkWorkspace');
    const edge = s.publishesFor(fileUri(path.join(ws, 'lb', 'edge.cfg')), mark).at(-1);
    assert.ok(edge?.diagnostics.some((d) => d.code === 'haproxy/weak-protocol'), JSON.stringify(edge));
    assert.ok(!s.publishesFor(fileUri(path.join(ws, 'lb', 'settings.cfg')), mark).some((p) => p.diagnostics.length > 0));
  });
});

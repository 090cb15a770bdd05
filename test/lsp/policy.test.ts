/**
 * Layer: the language server over stdio — policy files, ignore patterns, the
 * tlsLens.policyFile setting, and Check Workspace's cancel and close behaviour.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CancellationTokenSource, DidChangeWatchedFilesNotification, DiagnosticSeverity, FileChangeType, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { LspSession, fileUri } from '../support/lspClient';

const CHECK_WORKSPACE = 'tlsLens.server.checkWorkspace';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-policy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function workspace(name: string, files: Record<string, string>): { root: string; uri: (rel: string) => string; write: (rel: string, text: string) => void } {
  const root = path.join(tmp, name);
  const write = (rel: string, text: string): void => {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  return { root, uri: (rel) => fileUri(path.join(root, rel)), write };
}

const summary = (ds: Diagnostic[]): string[] => ds.map((d) => `${String(d.code)}:${d.severity}@${d.range.start.line}:${d.range.start.character}`);

void describe('policy files in the editor', () => {
  const ws = workspace('nested', {
    '.tls-lens.yaml': 'ignore:\n  - vendor/**\n',
    'sub/.tls-lens.yaml': 'extends: legacy\nignore:\n  - generated/**\n',
    'vendor/nginx.conf': 'ssl_protocols SSLv3;\n',
    'sub/generated/site.nginx': 'ssl_protocols SSLv3;\n',
    'sub/site.nginx': 'ssl_protocols SSLv3 TLSv1;\n',
    'app.nginx': 'ssl_protocols TLSv1;\n',
  });
  let s: LspSession;
  before(async () => {
    s = await LspSession.start({ workspaceFolders: [ws.root] });
  });
  after(() => s?.dispose());

  const openWait = async (rel: string): Promise<Diagnostic[]> => {
    await s.open(ws.uri(rel), 'nginx', `ssl_protocols ${rel.startsWith('sub/site') ? 'SSLv3 TLSv1' : rel === 'app.nginx' ? 'TLSv1' : 'SSLv3'};\n`);
    return (await s.diagnostics(ws.uri(rel))).diagnostics;
  };

  void test('ignore patterns are relative to their policy file; the nearest policy file governs', async () => {
    assert.deepEqual(await openWait('vendor/nginx.conf'), [], 'root policy ignores vendor/**');
    assert.deepEqual(await openWait('sub/generated/site.nginx'), [], 'sub policy ignores generated/** below sub/');
    assert.deepEqual(summary(await openWait('sub/site.nginx')), ['nginx/weak-protocol:1@0:14'], 'legacy profile: only SSLv3');
    assert.deepEqual(summary(await openWait('app.nginx')), ['nginx/weak-protocol:2@0:14'], 'root policy: intermediate');
  });

  void test('hover stays silent in ignored files', async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    await s.open(ws.uri('vendor/cert.pem'), 'pem', pem);
    await s.diagnostics(ws.uri('vendor/cert.pem'));
    assert.equal(await s.hover(ws.uri('vendor/cert.pem'), { line: 1, character: 1 }), null);
    await s.open(ws.uri('cert.pem'), 'pem', pem);
    assert.notEqual(await s.hover(ws.uri('cert.pem'), { line: 1, character: 1 }), null);
  });

  void test('Check Workspace skips ignored files', async () => {
    const result = await s.executeCommand(CHECK_WORKSPACE);
    assert.deepEqual(result, {
      filesChecked: 4, // .tls-lens.yaml, sub/.tls-lens.yaml, sub/site.nginx, app.nginx (+ cert.pem is not on disk)
      filesWithFindings: 2,
      findings: { error: 1, warning: 1, info: 0, hint: 0 },
      cancelled: false,
      errors: [],
    });
  });

  void test('a changed policy file re-lints open documents (didChangeWatchedFiles)', async () => {
    const mark = s.mark();
    ws.write('.tls-lens.yaml', 'rules:\n  nginx/weak-protocol: error\nignore:\n  - vendor/**\n');
    await s.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: ws.uri('.tls-lens.yaml'), type: FileChangeType.Changed }] });
    const p = await s.diagnostics(ws.uri('app.nginx'), { after: mark, accept: (x) => x.diagnostics[0]?.severity === DiagnosticSeverity.Error });
    assert.deepEqual(summary(p.diagnostics), ['nginx/weak-protocol:1@0:14']);
  });

  void test('closing a file the workspace check reported keeps its findings in Problems', async () => {
    ws.write('app.nginx', 'ssl_protocols TLSv1;\n');
    await s.executeCommand(CHECK_WORKSPACE);
    const mark = s.mark();
    await s.close(ws.uri('app.nginx'));
    const p = await s.diagnostics(ws.uri('app.nginx'), { after: mark });
    assert.deepEqual(summary(p.diagnostics), ['nginx/weak-protocol:1@0:14'], 're-linted from disk, not cleared');
    const mark2 = s.mark();
    await s.close(ws.uri('vendor/nginx.conf'));
    assert.deepEqual((await s.diagnostics(ws.uri('vendor/nginx.conf'), { after: mark2 })).diagnostics, [], 'never reported: cleared');
  });
});

void describe('the tlsLens.policyFile setting', () => {
  const ws = workspace('named', {
    'policies/team.yaml': 'rules:\n  nginx/weak-protocol: off\n',
    'site.nginx': 'ssl_protocols TLSv1;\n',
  });
  let s: LspSession;
  before(async () => {
    s = await LspSession.start({ workspaceFolders: [ws.root], settings: () => ({ policyFile: 'policies/team.yaml' }) });
  });
  after(() => s?.dispose());

  void test('the named file governs, and is itself checked as a policy file', async () => {
    await s.open(ws.uri('site.nginx'), 'nginx', 'ssl_protocols TLSv1;\n');
    assert.deepEqual((await s.diagnostics(ws.uri('site.nginx'))).diagnostics, []);
    await s.open(ws.uri('policies/team.yaml'), 'yaml', 'rules:\n  nginx/weak-protocol: off\ncolour: blue\n');
    const p = await s.diagnostics(ws.uri('policies/team.yaml'));
    assert.deepEqual(summary(p.diagnostics), ['policy/invalid:1@2:0']);
  });

  void test('edits to the named file apply without a restart', async () => {
    ws.write('policies/team.yaml', 'rules:\n  nginx/weak-protocol: warning\n');
    const mark = s.mark();
    await s.change(ws.uri('site.nginx'), 2, [{ text: 'ssl_protocols TLSv1;\n# touched\n' }]);
    const p = await s.diagnostics(ws.uri('site.nginx'), { after: mark });
    assert.deepEqual(summary(p.diagnostics), ['nginx/weak-protocol:2@0:14']);
  });
});

void describe('cancelling Check Workspace', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 1500; i++) files[`conf.d/site${String(i).padStart(4, '0')}.conf`] = 'ssl_protocols TLSv1;\n';
  const ws = workspace('many', files);
  let s: LspSession;
  before(async () => {
    s = await LspSession.start({ workspaceFolders: [ws.root] });
  });
  after(() => s?.dispose());

  void test('stops early, says so, and keeps the earlier run\'s diagnostics for files it did not reach', async () => {
    const full = (await s.executeCommand(CHECK_WORKSPACE)) as { filesChecked: number };
    assert.equal(full.filesChecked, 1500);
    const last = ws.uri('conf.d/site1499.conf');
    assert.equal(s.publishesFor(last).length, 1);
    const source = new CancellationTokenSource();
    const pending = s.executeCommand(CHECK_WORKSPACE, [], 'cancel-me', source.token);
    await s.waitUntil('progress from the second run', () => s.progress.some((p) => p.token === 'cancel-me' && p.value.kind === 'report'));
    source.cancel();
    const r = (await pending) as { cancelled: boolean; filesChecked: number };
    assert.equal(r.cancelled, true);
    assert.ok(r.filesChecked < 1500, `stopped early (${r.filesChecked})`);
    // The third run only clears what it should: nothing here, all files still have findings.
    const mark = s.mark();
    const again = (await s.executeCommand(CHECK_WORKSPACE)) as { filesWithFindings: number };
    assert.equal(again.filesWithFindings, 1500);
    assert.ok(s.publishesFor(last, mark).every((p) => p.diagnostics.length === 1), 'never cleared');
  });
});

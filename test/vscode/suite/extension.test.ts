import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as vscode from 'vscode';
import type { CheckWorkspaceResult } from '../../../server/src/shared/protocol';

// Runs inside the VS Code extension host, on the examples/ workspace.
const folder = (): vscode.Uri => {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the examples folder is open');
  return f.uri;
};
const file = (...parts: string[]): vscode.Uri => vscode.Uri.joinPath(folder(), ...parts);

/** Resolves when the diagnostics of `uri` satisfy `ok` — no sleeping, only events. */
function diagnosticsOf(uri: vscode.Uri, ok: (d: readonly vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    let sub: vscode.Disposable | undefined;
    const timer = setTimeout(() => {
      sub?.dispose();
      reject(new Error(`diagnostics of ${uri.fsPath} never matched; last: ${JSON.stringify(vscode.languages.getDiagnostics(uri))}`));
    }, 45_000);
    const check = (): boolean => {
      const d = vscode.languages.getDiagnostics(uri);
      if (!ok(d)) return false;
      clearTimeout(timer);
      sub?.dispose();
      resolve(d);
      return true;
    };
    if (!check()) {
      sub = vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some((u) => u.toString() === uri.toString())) check();
      });
    }
  });
}

const tlsLens = (d: readonly vscode.Diagnostic[]): vscode.Diagnostic[] => d.filter((x) => x.source === 'tls-lens');

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

describe('TLS Lens in VS Code', () => {
  it('activates on an nginx file and reports weak protocols as diagnostics', async () => {
    const uri = file('nginx', 'sites-enabled', 'weak.example.com');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'nginx');
    const diags = tlsLens(await diagnosticsOf(uri, (d) => tlsLens(d).some((x) => x.message.includes('TLSv1.1'))));
    const weak = diags.filter((d) => (typeof d.code === 'object' ? d.code.value : d.code) === 'nginx/weak-protocol');
    assert.ok(weak.length >= 2, JSON.stringify(diags));
    for (const d of weak) {
      const text = doc.getText(d.range);
      assert.ok(['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1'].includes(text), `squiggle covers "${text}"`);
      // The code links the rule's page through the client's command, which opens it rendered.
      const code = d.code as { value: string; target: vscode.Uri };
      assert.equal(code.target.scheme, 'command', code.target.toString());
      assert.equal(code.target.path, 'tlsLens.showRuleDocumentation');
      assert.deepEqual(JSON.parse(code.target.query), ['nginx/weak-protocol']);
    }
    assert.ok(weak.some((d) => d.severity === vscode.DiagnosticSeverity.Warning));
    const ext = vscode.extensions.getExtension('tls-lens.tls-lens');
    assert.ok(ext?.isActive, 'the extension is active');
  });

  it('offers a quick fix that removes the weak versions and keeps what the profile allows', async () => {
    const uri = file('nginx', 'sites-enabled', 'weak.example.com');
    const [first] = tlsLens(await diagnosticsOf(uri, (d) => tlsLens(d).length > 0)).filter((d) => doc(uri).getText(d.range) === 'TLSv1');
    assert.ok(first, 'a TLSv1 diagnostic');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, first.range);
    const fix = actions.find((a) => a.title.startsWith('Remove TLSv1'));
    assert.ok(fix, actions.map((a) => a.title).join(', '));
    assert.equal(fix.kind?.value, 'quickfix');
    const edits = fix.edit?.get(uri) ?? [];
    assert.equal(edits.length, 2, 'the weak versions go, TLSv1.3 comes in');
    // Applied to the line (edits from the end backwards), the fix leaves what the profile allows.
    const line = doc(uri).lineAt(first.range.start.line);
    let fixed = line.text;
    for (const e of [...edits].sort((a, b) => b.range.start.character - a.range.start.character)) {
      assert.equal(e.range.start.line, line.lineNumber);
      fixed = fixed.slice(0, e.range.start.character) + e.newText + fixed.slice(e.range.end.character);
    }
    assert.equal(fixed.trim(), 'ssl_protocols TLSv1.2 TLSv1.3;');
  });

  it('hovers a PEM certificate with subject, SANs, validity, key and fingerprint', async () => {
    const uri = file('certs', 'valid.crt');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'pem');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(2, 3));
    const text = hoverText(hovers);
    assert.match(text, /Subject \| [^|\n]*CN=example\.com \|/);
    assert.match(text, /DNS:`www\.example\.com`/);
    // The example certificate ages with the clock: compare with what it says.
    const cert = new X509Certificate(await vscode.workspace.fs.readFile(uri));
    const days = Math.floor((new Date(cert.validTo).getTime() - Date.now()) / 86_400_000);
    assert.match(text, days >= 1 ? new RegExp(`expires in ${days} days?`) : /expire/);
    assert.match(text, /RSA 2048 bits/);
    assert.match(text, /SHA-256 \| `([0-9A-F]{2}:){31}[0-9A-F]{2}`/);
  });

  it('says "expired" on the expired example certificate', async () => {
    const uri = file('certs', 'expired.crt');
    await vscode.workspace.openTextDocument(uri);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(1, 1));
    assert.match(hoverText(hovers), /expired \d+ days? ago/);
  });

  it('runs the contributed "Check Workspace" command', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('tlsLens.checkWorkspace'));
    const result = await vscode.commands.executeCommand<CheckWorkspaceResult>('tlsLens.checkWorkspace');
    assert.ok(result, 'the command returns its result');
    assert.equal(result.cancelled, false);
    assert.ok(result.filesChecked >= 9, JSON.stringify(result));
    // weak.example.com's ssl_prefer_server_ciphers on is not advised off: its own list enables weak suites.
    assert.deepEqual(result.findings, { error: 8, warning: 12, info: 3, hint: 0 });
    assert.equal(result.filesWithFindings, 9);
    // A file nobody opened now has its diagnostic in Problems too.
    const unopened = file('nginx', 'conf.d', 'legacy-backend.conf');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === unopened.toString()), 'not opened by the suite');
    const [d] = tlsLens(vscode.languages.getDiagnostics(unopened));
    assert.ok(d, 'legacy-backend.conf has a finding');
    assert.match(d.message, /proxy_ssl_protocols enables TLSv1\.1/);
    assert.deepEqual([d.range.start.line, d.range.start.character], [8, 20]);
  });
});

function doc(uri: vscode.Uri): vscode.TextDocument {
  const d = vscode.workspace.textDocuments.find((t) => t.uri.toString() === uri.toString());
  assert.ok(d, `${uri.fsPath} is open`);
  return d;
}

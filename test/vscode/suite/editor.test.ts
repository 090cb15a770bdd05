import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TlsLensExports } from '../../../client/src/extension';
import type { StatusView } from '../../../client/src/statusText';

// Runs inside the VS Code extension host, on the examples/ workspace, with a folder of its own
// (examples/zz-editor/, removed afterwards) for a policy file and the files it governs.
const root = (): vscode.Uri => {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the examples folder is open');
  return f.uri;
};
const zz = (...parts: string[]): vscode.Uri => vscode.Uri.joinPath(root(), 'zz-editor', ...parts);
const write = (uri: vscode.Uri, text: string): Thenable<void> => vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));

const SITE = 'server {\n    listen 443 ssl;\n    server_name zz.example.test;\n    ssl_certificate a.crt;\n    ssl_certificate_key a.key;\n    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256;\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    ssl_protocols TLSv1 TLSv1.2;\n    ssl_prefer_server_ciphers off;\n}\n';

const ours = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'tls-lens');
const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);

/** Waits (events, then a re-check) until `ok` holds for the value `get` gives. */
async function until<T>(what: string, get: () => Thenable<T> | T, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const giveUp = Date.now() + ms;
  let last: T;
  for (;;) {
    last = await get();
    if (ok(last)) return last;
    if (Date.now() > giveUp) throw new Error(`${what} never came; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const status = (): Thenable<StatusView | undefined> => vscode.commands.executeCommand<StatusView | undefined>('tlsLens.languageStatusShown');

describe('TLS Lens in the editor: status, code actions, rule pages, the policy file, the output', () => {
  before(async () => {
    await vscode.extensions.getExtension('tls-lens.tls-lens')?.activate();
    await write(zz('.tls-lens.yaml'), 'extends: modern\n');
    await write(zz('site.nginx'), SITE);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('tlsLens').update('profile', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(zz(), { recursive: true });
  });

  it('the language status item: the profile and policy file in effect, a warning when a setting is overridden or the policy file is broken', async () => {
    const site = zz('site.nginx');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(site));
    await until('diagnostics', () => ours(site), (d) => d.length > 0);
    const plain = await until('the status of zz-editor/site.nginx', status, (s) => s?.text === 'TLS Lens: modern');
    assert.deepEqual(plain, {
      text: 'TLS Lens: modern',
      detail: 'zz-editor/.tls-lens.yaml',
      severity: 'info',
      command: { title: 'Open Policy File', command: 'tlsLens.openPolicyFile', arguments: [zz('.tls-lens.yaml').toString(), 0] },
    });

    // A person sets the profile: the policy file's extends still wins, and the item says so.
    await vscode.workspace.getConfiguration('tlsLens').update('profile', 'legacy', vscode.ConfigurationTarget.Global);
    const overridden = await until('the override warning', status, (s) => s?.severity === 'warning');
    assert.equal(overridden?.text, 'TLS Lens: modern');
    assert.equal(overridden?.detail, 'tlsLens.profile is overridden');
    assert.equal(overridden?.sentence, 'tlsLens.profile (legacy) is overridden by extends: modern in zz-editor/.tls-lens.yaml');

    // A broken policy file is not used: the settings apply, and the item points at the problem.
    await write(zz('.tls-lens.yaml'), '# team policy\nextends: modrn\n');
    const broken = await until('the broken-policy warning', status, (s) => s?.text === 'TLS Lens: legacy');
    assert.equal(broken?.severity, 'warning');
    assert.equal(broken?.detail, 'zz-editor/.tls-lens.yaml: 1 problem, not used');
    assert.equal(broken?.sentence, 'zz-editor/.tls-lens.yaml has 1 problem and is not used: the settings apply (line 2: unknown profile modrn; did you mean "modern"?)');
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>(broken.command!.command, ...(broken.command!.arguments ?? []));
    assert.equal(editor.document.uri.toString(), zz('.tls-lens.yaml').toString());
    assert.equal(editor.selection.active.line, 1, 'opened at its first problem');
    await write(zz('.tls-lens.yaml'), 'extends: modern\n');
    await vscode.workspace.getConfiguration('tlsLens').update('profile', undefined, vscode.ConfigurationTarget.Global);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(site));
    await until('the plain status again', status, (s) => s?.severity === 'info' && s.text === 'TLS Lens: modern');
  });

  it('code actions on a diagnostic: its fix, "Disable … for this line / file", "Show documentation"; each does what it says', async () => {
    const site = zz('site.nginx');
    const doc = await vscode.workspace.openTextDocument(site);
    await vscode.window.showTextDocument(doc);
    const weak = await until('the TLSv1 diagnostic', () => ours(site).filter((d) => codeOf(d) === 'nginx/weak-protocol'), (d) => d.length === 1);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', site, weak[0]!.range, vscode.CodeActionKind.QuickFix.value);
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Remove TLSv1 from ssl_protocols and add TLSv1.3', 'Disable nginx/weak-protocol for this line', 'Disable nginx/weak-protocol for this file', 'Show documentation for nginx/weak-protocol'],
    );
    const restore = async (): Promise<void> => {
      const e = new vscode.WorkspaceEdit();
      e.replace(site, new vscode.Range(0, 0, doc.lineCount, 0), SITE);
      await vscode.workspace.applyEdit(e);
      await until('the diagnostic back', () => ours(site).filter((d) => codeOf(d) === 'nginx/weak-protocol'), (d) => d.length === 1);
    };
    for (const title of ['Disable nginx/weak-protocol for this line', 'Disable nginx/weak-protocol for this file']) {
      const a = actions.find((x) => x.title === title)!;
      assert.ok(await vscode.workspace.applyEdit(a.edit!), title);
      const comment = title.endsWith('line') ? '    # tls-lens-disable-next-line nginx/weak-protocol\n    ssl_protocols' : '# tls-lens-disable-file nginx/weak-protocol\nserver {';
      assert.ok(doc.getText().includes(comment), doc.getText());
      // Silenced, and the comment is used (no core/unused-suppression).
      await until(`${title}: no diagnostics`, () => ours(site), (d) => d.length === 0);
      await restore();
    }

    // "Fix all" (source.fixAll.tls-lens, as on save), resolved when asked: the profile's versions stay.
    const fixAll = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', site, new vscode.Range(0, 0, 0, 0), 'source.fixAll.tls-lens', 5);
    assert.equal(fixAll.length, 1);
    assert.ok(await vscode.workspace.applyEdit(fixAll[0]!.edit!));
    assert.match(doc.getText(), /ssl_protocols TLSv1\.2 TLSv1\.3;/);
    await restore();

    // The rule's page opens rendered (a Markdown preview), not as the raw file.
    const docs = actions.find((x) => x.title === 'Show documentation for nginx/weak-protocol')!;
    await vscode.commands.executeCommand(docs.command!.command, ...((docs.command!.arguments ?? []) as unknown[]));
    const preview = await until(
      'the rule page in a Markdown preview',
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType)),
      (tabs) => tabs.some((t) => t.label.includes('weak-protocol')),
    );
    assert.ok(preview.length >= 1);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.path.endsWith('/docs/rules/nginx/weak-protocol.md') && vscode.window.visibleTextEditors.some((e) => e.document === d)), 'no editor on the raw page');
  });

  it('the policy file: completion and hover from TLS Lens\'s own server; "did you mean" with a fix; "not used" said once', async () => {
    const policy = zz('.tls-lens.yaml');
    await write(policy, 'extend: modern\nrules:\n  nginx/weak-protocl: warning\n');
    const doc = await vscode.workspace.openTextDocument(policy);
    await vscode.window.showTextDocument(doc);
    const diags = await until('the policy problems', () => ours(policy), (d) => d.length === 2);
    assert.deepEqual(
      diags.map((d) => d.message),
      [
        'unknown key "extend"; did you mean "extends"? (while this file has errors, it is not used: files get the built-in defaults and editor settings)',
        'unknown rule "nginx/weak-protocl"; did you mean "nginx/weak-protocol"?',
      ],
    );
    const fixes = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', policy, diags[1]!.range, vscode.CodeActionKind.QuickFix.value);
    assert.equal(fixes[0]?.title, 'Change to "nginx/weak-protocol"');
    assert.ok(await vscode.workspace.applyEdit(fixes[0].edit!));
    assert.equal(doc.lineAt(2).text, '  nginx/weak-protocol: warning');

    // Completion and hover on a file being written.
    const e = new vscode.WorkspaceEdit();
    e.replace(policy, new vscode.Range(0, 0, doc.lineCount, 0), 'extends: \nrules:\n  nginx/weak-protocol: error\n  \n');
    await vscode.workspace.applyEdit(e);

    const items = async (line: number, character: number): Promise<vscode.CompletionItem[]> => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', policy, new vscode.Position(line, character));
      // Only TLS Lens's own (word-based suggestions are plain text).
      return list.items.filter((i) => i.kind === vscode.CompletionItemKind.Property || i.kind === vscode.CompletionItemKind.EnumMember);
    };
    const label = (i: vscode.CompletionItem): string => (typeof i.label === 'string' ? i.label : i.label.label);
    const profiles = await until('profile completions', () => items(0, 9), (l) => l.length === 3);
    assert.deepEqual(profiles.map(label).sort(), ['intermediate', 'legacy', 'modern']);
    const rules = await items(3, 2);
    assert.ok(rules.some((i) => label(i) === 'nginx/missing-hsts'), `rule ids offered: ${rules.length}`);
    assert.ok(rules.length > 100);
    const hoverText = async (line: number, character: number): Promise<string> => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', policy, new vscode.Position(line, character));
      return hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')).join('\n');
    };
    assert.match(await hoverText(0, 2), /\*\*extends\*\* \(modern \| intermediate \| legacy\)/);
    assert.match(await hoverText(2, 6), /\[Documentation\]\(command:tlsLens\.showRuleDocumentation\?/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await write(policy, 'extends: modern\n');
  });

  it('the Output channel logs the start and version, each folder\'s policy and the index size; no file contents', async () => {
    const ext = vscode.extensions.getExtension<TlsLensExports>('tls-lens.tls-lens');
    // The language client's channel is a log channel: VS Code keeps it as "TLS Lens.log" in the extension's log folder.
    const file = path.join(ext!.exports.logUri.fsPath, 'TLS Lens.log');
    const read = (): string => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
    const log = await until('the output channel lines', read, (t) => t.includes('workspace index:') && t.includes('policy for'));
    assert.match(log, /TLS Lens \d+\.\d+\.\d+ language server started \(Node v\d+/);
    assert.match(log, new RegExp(`policy for ${root().fsPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no policy file; the settings apply \\(profile intermediate\\)`));
    assert.match(log, /workspace index: \d+ manifest files, \d+ resources \(read in \d+ ms\)/);
    assert.doesNotMatch(log, /BEGIN (CERTIFICATE|PRIVATE KEY)|ssl_protocols/, 'names and counts only');
  });
});

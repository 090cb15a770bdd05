/**
 * Layer: the language server over stdio — what an editor builds on: suppression and
 * documentation code actions, a lazily resolved "Fix all", completion and hover in the
 * policy file, `tlsLens/status`, `tlsLens/probeTargets` and the output channel's lines.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CompletionRequest, type CodeAction, type CompletionItem, type Diagnostic, type MarkupContent, type Range, type TextEdit } from 'vscode-languageserver-protocol/node';
import { LspSession, fileUri } from '../support/lspClient';
import { repoPath } from '../support/tools';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-editor-lsp-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function workspace(name: string, files: Record<string, string>): { root: string; uri: (rel: string) => string } {
  const root = path.join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  mkdirSync(root, { recursive: true });
  return { root, uri: (rel) => fileUri(path.join(root, rel)) };
}

const all = (uri: string, diagnostics: Diagnostic[]): { textDocument: { uri: string }; range: Range; context: { diagnostics: Diagnostic[] } } => ({
  textDocument: { uri },
  range: diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  context: { diagnostics },
});

function apply(text: string, action: CodeAction, uri: string): string {
  const edits = action.edit?.changes?.[uri];
  assert.ok(edits, `${action.title} has an edit`);
  return TextDocument.applyEdits(TextDocument.create(uri, 'x', 1, text), edits);
}

const SITE = 'server {\n    listen 443 ssl;\n    ssl_certificate a.crt;\n    ssl_certificate_key a.key;\n    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256;\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    ssl_protocols TLSv1 TLSv1.2;\n}\n';

void describe('suppression and documentation code actions', () => {
  const ws = workspace('suppress', {});
  let s: LspSession;
  before(async () => {
    s = await LspSession.start({ workspaceFolders: [ws.root], capabilities: { window: { showDocument: { support: true } } } });
  });
  after(() => s?.dispose());

  void test('"Disable for this line" writes a disable-next-line comment the linter honours; "for this file" a disable-file one', async () => {
    const uri = ws.uri('site.nginx');
    await s.open(uri, 'nginx', SITE);
    const { diagnostics } = await s.diagnostics(uri);
    assert.deepEqual(diagnostics.map((d) => d.code), ['nginx/weak-protocol']);
    const actions = (await s.codeActions(uri, diagnostics[0]!.range, diagnostics)) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), [
      'Remove TLSv1 from ssl_protocols and add TLSv1.3',
      'Disable nginx/weak-protocol for this line',
      'Disable nginx/weak-protocol for this file',
      'Show documentation for nginx/weak-protocol',
    ]);
    const line = apply(SITE, actions[1]!, uri);
    assert.match(line, /\n {4}# tls-lens-disable-next-line nginx\/weak-protocol\n {4}ssl_protocols TLSv1 TLSv1\.2;/);
    const file = apply(SITE, actions[2]!, uri);
    assert.ok(file.startsWith('# tls-lens-disable-file nginx/weak-protocol\nserver {'), file);
    for (const [i, text] of [line, file].entries()) {
      const mark = s.mark();
      await s.change(uri, 2 + i, [{ text }]);
      const p = await s.diagnostics(uri, { after: mark, accept: (x) => x.version === 2 + i });
      assert.deepEqual(p.diagnostics, [], `silenced, and the comment is not "unused":\n${text}`);
    }
    // A second rule joins the existing file-level comment.
    const second = `${file.replace('ssl_protocols TLSv1 TLSv1.2;', 'ssl_protocols TLSv1 TLSv1.2;\n    ssl_early_data on;')}`;
    const mark = s.mark();
    await s.change(uri, 4, [{ text: second }]);
    const p = await s.diagnostics(uri, { after: mark, accept: (x) => x.version === 4 });
    assert.deepEqual(p.diagnostics.map((d) => d.code), ['nginx/early-data']);
    const more = (await s.codeActions(uri, p.diagnostics[0]!.range, p.diagnostics)) as CodeAction[];
    const joined = apply(second, more.find((a) => a.title === 'Disable nginx/early-data for this file')!, uri);
    assert.ok(joined.startsWith('# tls-lens-disable-file nginx/weak-protocol nginx/early-data\n'), joined);
  });

  void test('no line-level comment inside a YAML block scalar, and no suppression of a broken policy file', async () => {
    const uri = ws.uri('values.yaml');
    const text = 'ca: |\n  -----BEGIN CERTIFICATE-----\n  !!!!\n  -----END CERTIFICATE-----\n';
    await s.open(uri, 'yaml', text);
    const { diagnostics } = await s.diagnostics(uri);
    assert.deepEqual(diagnostics.map((d) => d.code), ['pem/malformed']);
    const titles = ((await s.codeActions(uri, diagnostics[0]!.range, diagnostics)) as CodeAction[]).map((a) => a.title);
    assert.deepEqual(titles, ['Disable pem/malformed for this file', 'Show documentation for pem/malformed'], 'a comment line in the block would become certificate text');
    const policy = ws.uri('.tls-lens.yaml');
    await s.open(policy, 'yaml', 'extend: modern\n');
    const pd = (await s.diagnostics(policy)).diagnostics;
    const pt = ((await s.codeActions(policy, pd[0]!.range, pd)) as CodeAction[]).map((a) => a.title);
    assert.deepEqual(pt, ['Change to "extends"', 'Show documentation for policy/invalid']);
  });

  void test('in HAProxy files too: "Disable for this line" above the bind line, and the finding is gone', async () => {
    const uri = ws.uri('haproxy.cfg');
    const text = 'frontend f\n    mode http\n    bind :9446 ssl crt a.pem ssl-min-ver SSLv3\n';
    await s.open(uri, 'haproxy', text);
    const { diagnostics } = await s.diagnostics(uri, { accept: (p) => p.diagnostics.some((d) => d.code === 'haproxy/weak-protocol') });
    const weak = diagnostics.filter((d) => d.code === 'haproxy/weak-protocol');
    const actions = (await s.codeActions(uri, weak[0]!.range, weak)) as CodeAction[];
    const line = actions.find((a) => a.title === 'Disable haproxy/weak-protocol for this line');
    assert.ok(line, actions.map((a) => a.title).join(' | '));
    const fixed = apply(text, line, uri);
    assert.equal(fixed, 'frontend f\n    mode http\n    # tls-lens-disable-next-line haproxy/weak-protocol\n    bind :9446 ssl crt a.pem ssl-min-ver SSLv3\n');
    const mark = s.mark();
    await s.change(uri, 2, [{ text: fixed }]);
    const p = await s.diagnostics(uri, { after: mark, accept: (x) => x.version === 2 });
    assert.deepEqual(p.diagnostics.filter((d) => d.code === 'haproxy/weak-protocol' || String(d.code).startsWith('core/')), []);
  });

  void test('"Show documentation" asks the client to show the rule\'s page (window/showDocument)', async () => {
    const uri = ws.uri('site.nginx');
    const actions = (await s.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'x', source: 'tls-lens', code: 'nginx/missing-hsts' },
    ])) as CodeAction[];
    const docs = actions.find((a) => a.title === 'Show documentation for nginx/missing-hsts');
    assert.deepEqual(docs?.command, { title: 'Show documentation for nginx/missing-hsts', command: 'tlsLens.server.showRuleDocumentation', arguments: ['nginx/missing-hsts'] });
    await s.executeCommand(docs.command.command, docs.command.arguments);
    assert.deepEqual(s.shownDocuments, [fileUri(repoPath('docs', 'rules', 'nginx', 'missing-hsts.md'))]);
  });
});

void describe('a client that applies edits but does not resolve code actions', () => {
  const ws = workspace('apply-edit', {});
  let s: LspSession;
  before(async () => {
    s = await LspSession.start({ workspaceFolders: [ws.root], capabilities: { workspace: { applyEdit: true } } });
  });
  after(() => s?.dispose());

  void test('"Fix all" is a command: the server sends the edit with workspace/applyEdit when it is chosen', async () => {
    const uri = ws.uri('site.nginx');
    const text = SITE.replace('listen 443 ssl;', 'listen 443 ssl;\n    ssl_early_data on;');
    await s.open(uri, 'nginx', text);
    const { diagnostics } = await s.diagnostics(uri);
    const actions = (await s.codeActions(uri, diagnostics[0]!.range, diagnostics)) as CodeAction[];
    const fixAll = actions.find((a) => a.title === 'Fix all TLS Lens problems in this file (2 fixable)');
    assert.deepEqual(fixAll?.command, { title: 'Fix all TLS Lens problems in this file (2 fixable)', command: 'tlsLens.server.fixAll', arguments: [uri] });
    assert.equal(fixAll.edit, undefined, 'no edits in the light bulb\'s answer');
    await s.executeCommand(fixAll.command.command, fixAll.command.arguments);
    const change = s.appliedEdits[0]?.edit.documentChanges?.[0] as { textDocument: { uri: string; version: number }; edits: TextEdit[] } | undefined;
    assert.deepEqual(change?.textDocument, { uri, version: 1 });
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'nginx', 1, text), change.edits);
    assert.match(fixed, /ssl_early_data off;[\s\S]*ssl_protocols TLSv1\.2 TLSv1\.3;/);
  });
});

void describe('the light bulb right after an edit', () => {
  const ws = workspace('after-edit', {});
  let s: LspSession;
  before(async () => {
    // A long pause before re-linting: the edit below stays unlinted while the requests are answered.
    s = await LspSession.start({
      workspaceFolders: [ws.root],
      settings: () => ({ lintDelayMs: 5000 }),
      capabilities: { textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } }, dataSupport: true, resolveSupport: { properties: ['edit'] } } } },
    });
  });
  after(() => s?.dispose());

  void test('answers from the last lint without waiting for the next; source.fixAll lints the new text first', async () => {
    const uri = ws.uri('site.nginx');
    const text = SITE.replace('listen 443 ssl;', 'listen 443 ssl;\n    ssl_early_data on;');
    await s.open(uri, 'nginx', text);
    const { diagnostics } = await s.diagnostics(uri);
    const edited = text.replace('ssl_early_data on;', 'ssl_early_data on;\n    ssl_session_tickets on;');
    await s.change(uri, 2, [{ text: edited }]);
    const bulb = await s.connection.sendRequest<CodeAction[]>('textDocument/codeAction', all(uri, diagnostics));
    assert.ok(bulb.some((a) => a.title === 'Fix all TLS Lens problems in this file (2 fixable)'), bulb.map((a) => a.title).join(' | '));
    assert.deepEqual(s.publishesFor(uri).map((p) => p.version), [1], 'answered before version 2 was linted');
    const source = await s.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { ...all(uri, []), context: { diagnostics: [], only: ['source.fixAll'] } });
    assert.equal(source.length, 1);
    assert.deepEqual(s.publishesFor(uri).map((p) => p.version), [1, 2], 'the whole-file request linted version 2 at once');
    const resolved = await s.connection.sendRequest<CodeAction>('codeAction/resolve', source[0]);
    assert.match(apply(edited, resolved, uri), /ssl_early_data off;[\s\S]*ssl_protocols TLSv1\.2 TLSv1\.3;/);
  });
});

void describe('a client with its own documentation viewer and lazy edits', () => {
  const ws = workspace('vscode-like', {});
  let s: LspSession;
  before(async () => {
    s = await LspSession.start({
      workspaceFolders: [ws.root],
      initializationOptions: { showDocumentationCommand: 'tlsLens.showRuleDocumentation' },
      capabilities: {
        textDocument: {
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } }, dataSupport: true, resolveSupport: { properties: ['edit'] } },
          completion: { completionItem: { snippetSupport: true } },
        },
      },
    });
  });
  after(() => s?.dispose());

  void test('"Fix all" comes without its edit and is resolved when chosen; no request lints again', async () => {
    const uri = ws.uri('site.nginx');
    const text = SITE.replace('listen 443 ssl;', 'listen 443 ssl;\n    ssl_early_data on;');
    await s.open(uri, 'nginx', text);
    const { diagnostics } = await s.diagnostics(uri);
    const mark = s.mark();
    let fixAll: CodeAction | undefined;
    for (let i = 0; i < 20; i++) {
      const actions = await s.connection.sendRequest<CodeAction[]>('textDocument/codeAction', all(uri, diagnostics));
      fixAll = actions.find((a) => a.title === 'Fix all TLS Lens problems in this file (2 fixable)');
      assert.ok(fixAll && fixAll.edit === undefined && fixAll.data !== undefined, JSON.stringify(actions.map((a) => a.title)));
      assert.equal(actions.find((a) => a.title.startsWith('Show documentation'))?.command?.command, 'tlsLens.showRuleDocumentation');
    }
    const resolved = await s.connection.sendRequest<CodeAction>('codeAction/resolve', fixAll);
    const fixed = apply(text, resolved, uri);
    assert.match(fixed, /ssl_early_data off;/);
    assert.match(fixed, /ssl_protocols TLSv1\.2 TLSv1\.3;/);
    // A hover is answered after every request before it: had any code action linted, it would have published.
    await s.hover(uri, { line: 0, character: 0 });
    assert.deepEqual(s.publishesFor(uri, mark), [], 'code actions read the last lint; they never lint again');
  });

  void test('the policy file: completion of keys, rule ids and levels from the schema; hover links the rule page', async () => {
    const uri = ws.uri('.tls-lens.yaml');
    const text = 'extends: \nrules:\n  nginx/weak-protocol: error\n  \n';
    await s.open(uri, 'yaml', text);
    await s.diagnostics(uri);
    const complete = async (line: number, character: number): Promise<CompletionItem[]> => {
      const r = (await s.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character } })) as CompletionItem[];
      return r;
    };
    assert.deepEqual((await complete(0, 9)).map((c) => c.label), ['modern', 'intermediate', 'legacy']);
    const ids = await complete(3, 2);
    assert.ok(ids.length > 100 && ids.every((c) => c.label.includes('/')), `rule ids: ${ids.length}`);
    assert.ok(!ids.some((c) => c.label === 'nginx/weak-protocol'), 'a rule already set is not offered again');
    const hsts = ids.find((c) => c.label === 'nginx/missing-hsts')!;
    assert.equal(hsts.insertTextFormat, 2 /* snippet */);
    assert.deepEqual(hsts.textEdit, { range: { start: { line: 3, character: 2 }, end: { line: 3, character: 2 } }, newText: 'nginx/missing-hsts: $0' });
    const levels = await complete(2, 23);
    assert.deepEqual(levels.map((c) => c.label), ['off', 'hint', 'info', 'warning', 'error']);
    const h = await s.hover(uri, { line: 2, character: 6 });
    const md = (h?.contents as MarkupContent).value;
    assert.match(md, /^\*\*nginx\/weak-protocol\*\*\n\nssl_protocols enables/);
    assert.match(md, /\[Documentation\]\(command:tlsLens\.showRuleDocumentation\?%5B%22nginx%2Fweak-protocol%22%5D\)$/);
    const other = ws.uri('site.nginx');
    assert.deepEqual(await s.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: other }, position: { line: 0, character: 0 } }), [], 'nothing outside policy files');
  });
});

void describe('tlsLens/status, tlsLens/probeTargets and the output channel', () => {
  const ws = workspace('status', {
    '.tls-lens.yaml': 'extends: modern\nrules:\n  nginx/early-data: off\nignore:\n  - vendor/**\n',
    'broken/.tls-lens.yaml': 'extends: intermediate\ncolour: blue\n',
    'broken/site.nginx': 'ssl_protocols TLSv1;\n',
    'vendor/x.nginx': 'ssl_protocols TLSv1;\n',
    'nginx/conf.d/shop.conf': 'server {\n    listen 443 ssl;\n    server_name shop.example.com www.example.com;\n    ssl_certificate a.crt;\n    ssl_certificate_key a.key;\n}\nserver {\n    listen 8443 ssl;\n    server_name admin.example.com;\n    ssl_certificate a.crt;\n    ssl_certificate_key a.key;\n}\n',
    'k8s/ingress.yaml': 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\nspec:\n  tls:\n    - hosts: [api.example.com, shop.example.com]\n      secretName: web-tls\n',
  });
  let s: LspSession;
  before(async () => {
    s = await LspSession.start({ workspaceFolders: [ws.root], settings: () => ({ profile: 'legacy', rules: { 'nginx/early-data': 'error', 'nginx/weak-protocol': 'error' } }) });
  });
  after(() => s?.dispose());

  const status = (rel: string): Promise<unknown> => s.connection.sendRequest('tlsLens/status', { textDocument: { uri: ws.uri(rel) } });

  void test('the profile and its source, the policy file, and the settings it overrides', async () => {
    const st = (await status('nginx/conf.d/shop.conf')) as Record<string, unknown>;
    assert.deepEqual(st, {
      enabled: true,
      format: 'nginx',
      profile: 'modern',
      profileFrom: 'policy file',
      policyFile: { path: path.join(ws.root, '.tls-lens.yaml'), uri: ws.uri('.tls-lens.yaml'), named: false, problems: 0, rules: 1, profile: 'modern' },
      overrides: [
        { setting: 'tlsLens.profile', settingValue: 'legacy', policyValue: 'extends: modern' },
        { setting: 'tlsLens.rules', settingValue: 'nginx/early-data: error', policyValue: 'rules: nginx/early-data: off' },
      ],
    });
  });

  void test('a broken policy file is named with its first problem, and the settings apply', async () => {
    const st = (await status('broken/site.nginx')) as { profile: string; profileFrom: string; policyFile: { problems: number; firstProblem: unknown }; overrides: unknown[] };
    assert.equal(st.profile, 'legacy');
    assert.equal(st.profileFrom, 'settings');
    assert.equal(st.policyFile.problems, 1);
    assert.deepEqual(st.policyFile.firstProblem, { message: 'unknown key "colour" (expected extends, nginxVersion, haproxyVersion, thresholds, require, rules, ignore, privateKeyAllowedPaths, pathMappings, nginx, keystorePasswords)', line: 1 });
    assert.deepEqual(st.overrides, [], 'a broken file overrides nothing');
    const ignored = (await status('vendor/x.nginx')) as { enabled: boolean; disabledBy?: string };
    assert.deepEqual([ignored.enabled, ignored.disabledBy], [false, 'ignore']);
  });

  void test('the endpoints the workspace defines, once each, with where', async () => {
    const r = await s.connection.sendRequest<{ targets: Array<{ target: string; file: string; line: number }>; truncated: boolean }>('tlsLens/probeTargets', {});
    assert.deepEqual(
      r.targets.map((t) => [t.target, path.relative(ws.root, t.file), t.line]),
      [
        ['shop.example.com', 'nginx/conf.d/shop.conf', 2],
        ['www.example.com', 'nginx/conf.d/shop.conf', 2],
        ['admin.example.com:8443', 'nginx/conf.d/shop.conf', 8],
        ['api.example.com', 'k8s/ingress.yaml', 5],
      ],
    );
    assert.equal(r.truncated, false);
  });

  void test('the output channel: start and version, each folder\'s policy, the index size; no file contents', async () => {
    await s.waitUntil('the index line', () => s.logMessages.some((m) => m.includes('workspace index:')));
    const lines = s.logMessages.filter((m) => /TLS Lens .* language server started|policy for|workspace index/.test(m));
    assert.match(lines[0] ?? '', /^\[3\] TLS Lens \d+\.\d+\.\d+ language server started \(Node v\d+/);
    assert.ok(lines.includes(`[3] policy for ${ws.root}: ${path.join(ws.root, '.tls-lens.yaml')} (profile modern, 1 rule level, 1 ignore pattern)`), lines.join('\n'));
    assert.ok(lines.some((m) => /^\[3\] workspace index: 1 manifest file, 1 resource \(read in \d+ ms\)$/.test(m)), lines.join('\n'));
    assert.ok(!s.logMessages.some((m) => m.includes('colour: blue') || m.includes('ssl_protocols')), 'never a file\'s text');
  });
});

/** Layer: the language server over stdio — the file-wide fix-all code action. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction } from 'vscode-languageserver-protocol/node';
import { LspSession, fileUri } from '../support/lspClient';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-fixall-lsp-'));
let s: LspSession;
before(async () => {
  s = await LspSession.start({ workspaceFolders: [tmp] });
});
after(() => {
  s?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const TEXT = 'server {\n    listen 443;\n    ssl on;\n    ssl_certificate site.crt;\n    ssl_certificate_key site.key;\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    ssl_protocols SSLv3 TLSv1 TLSv1.2;\n    ssl_early_data on;\n    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\n}\n';

test('source.fixAll.tls-lens fixes the whole file; quick fixes offer it too', async () => {
  const uri = fileUri(path.join(tmp, 'site.nginx'));
  await s.open(uri, 'nginx', TEXT);
  const { diagnostics } = await s.diagnostics(uri);
  assert.equal(diagnostics.length, 4);
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const source = await s.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range,
    context: { diagnostics: [], only: ['source.fixAll'] },
  });
  assert.deepEqual(source.map((a) => [a.title, a.kind]), [['Fix all TLS Lens problems in this file', 'source.fixAll.tls-lens']]);
  const edits = source[0]!.edit!.changes![uri]!;
  const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'nginx', 1, TEXT), edits);
  assert.equal(fixed, 'server {\n    listen 443 ssl;\n    ssl_certificate site.crt;\n    ssl_certificate_key site.key;\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_early_data off;\n    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\n}\n');
  const quick = (await s.codeActions(uri, diagnostics[1]!.range, diagnostics)) as CodeAction[];
  assert.ok(quick.some((a) => a.title === 'Fix all TLS Lens problems in this file (3 fixable)' && a.kind === 'quickfix'), quick.map((a) => a.title).join(' | '));
  const none = await s.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [], only: ['refactor'] } });
  assert.deepEqual(none, []);
});

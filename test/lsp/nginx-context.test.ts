/**
 * Layer: the language server over stdio. Snippets are judged with their nginx.conf: the
 * server keeps loaded includer trees and drops them when nginx.conf is edited (unsaved),
 * closed, or changes on disk, re-linting the open snippets it includes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DidChangeWatchedFilesNotification, FileChangeType, type DidChangeWatchedFilesRegistrationOptions, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { LspSession, fileUri } from '../support/lspClient';

const SITE = 'server {\n    listen 443 ssl;\n    server_name a.test;\n    ssl_certificate /x.crt;\n    ssl_certificate_key /x.key;\n    add_header Strict-Transport-Security "max-age=63072000" always;\n}\n';
const CONF = (http: string): string => `events {}\nhttp {\n${http}    include sites-enabled/*;\n}\n`;
const has = (p: PublishDiagnosticsParams, code: string): boolean => p.diagnostics.some((d) => d.code === code);

describe('nginx context in the language server', () => {
  let dir = '';
  let session: LspSession;
  let conf = '';
  let site = '';

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-lsp-nginx-'));
    mkdirSync(path.join(dir, 'sites-enabled'));
    conf = path.join(dir, 'nginx.conf');
    site = path.join(dir, 'sites-enabled', 'a');
    writeFileSync(conf, CONF(''));
    writeFileSync(site, SITE);
    session = await LspSession.start({
      workspaceFolders: [dir],
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
      settings: () => ({ lintDelayMs: 0 }),
    });
  });

  after(async () => {
    await session?.shutdownAndExit().catch(() => undefined);
    session?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the server asks to watch nginx files', async () => {
    await session.waitUntil('a watcher registration', () => session.registrations.some((r) => r.registrations.some((x) => x.method === DidChangeWatchedFilesNotification.method)));
    const reg = session.registrations.flatMap((r) => r.registrations).find((x) => x.method === DidChangeWatchedFilesNotification.method)!;
    const globs = (reg.registerOptions as DidChangeWatchedFilesRegistrationOptions).watchers.map((w) => w.globPattern);
    assert.deepEqual(globs, ['**/*.conf', '**/nginx.conf', '**/sites-*/**']);
  });

  test('unsaved edits of nginx.conf re-lint the open snippet; closing it without saving goes back to the disk', async () => {
    const siteUri = fileUri(site);
    const confUri = fileUri(conf);
    let mark = session.mark();
    await session.open(siteUri, 'nginx', SITE);
    const first = await session.diagnostics(siteUri, { after: mark });
    assert.ok(has(first, 'nginx/default-protocols'), JSON.stringify(first.diagnostics));

    await session.open(confUri, 'nginx', CONF(''));
    mark = session.mark();
    await session.change(confUri, 2, [{ text: CONF('    ssl_protocols TLSv1.2 TLSv1.3;\n') }]);
    await session.diagnostics(siteUri, { after: mark, accept: (p) => !has(p, 'nginx/default-protocols'), what: 'the snippet re-linted with the unsaved http settings' });

    mark = session.mark();
    await session.close(confUri);
    await session.diagnostics(siteUri, { after: mark, accept: (p) => has(p, 'nginx/default-protocols'), what: 'the snippet judged with nginx.conf on disk again' });
  });

  test('a change on disk, reported by the client, reloads the includer', async () => {
    const siteUri = fileUri(site);
    writeFileSync(conf, CONF('    ssl_protocols TLSv1.2 TLSv1.3;\n'));
    const mark = session.mark();
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: fileUri(conf), type: FileChangeType.Changed }] });
    await session.diagnostics(siteUri, { after: mark, accept: (p) => !has(p, 'nginx/default-protocols'), what: 'the snippet re-linted after nginx.conf changed on disk' });
  });
});

/**
 * Layer: the language server over stdio, on binary certificate containers read from disk:
 * the details request (what the VS Code custom editor shows), the inventory and Check
 * Workspace's diagnostics. The keystore password reaches the server only through its environment.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CertificateDetails, CertificateInventoryResult } from '../../server/src/shared/protocol';
import { makePki, run } from '../support/keystores';
import { LspSession, fileUri, serverPath } from '../support/lspClient';
import { findTool } from '../support/tools';

const openssl = findTool('openssl');
const keytool = findTool('keytool', 'openjdk-17-jre-headless');
const skip = openssl.skip ?? keytool.skip;
const PASSWORD = 'lsp-keystore-pw';
let ws = '';

before(() => {
  ws = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-lsp-containers-'));
  if (skip) return;
  const pkiDir = path.join(ws, '.pki');
  mkdirSync(pkiDir);
  mkdirSync(path.join(ws, 'stores'));
  const pki = makePki(openssl.path!, pkiDir);
  const o = (...a: string[]): string => run(openssl.path!, a, pkiDir);
  o('pkcs12', '-export', '-in', pki.leafCrt, '-inkey', pki.leafKey, '-certfile', pki.caCrt, '-name', 'app', '-passout', `pass:${PASSWORD}`, '-out', path.join(ws, 'stores', 'app.p12'));
  o('x509', '-in', pki.oldCrt, '-outform', 'DER', '-out', path.join(ws, 'stores', 'old.der'));
  run(keytool.path!, ['-importcert', '-noprompt', '-alias', 'ca', '-file', pki.caCrt, '-storetype', 'JKS', '-keystore', path.join(ws, 'stores', 'trust.jks'), '-storepass', 'changeit'], pkiDir);
  // The PKI's own files are not part of the workspace under test.
  rmSync(pkiDir, { recursive: true, force: true });
});
after(() => rmSync(ws, { recursive: true, force: true }));

describe('binary containers over LSP', { skip }, () => {
  let s: LspSession;
  before(async () => {
    s = await LspSession.start({ workspaceFolders: [ws], command: { file: process.execPath, args: [serverPath], env: { ...process.env, TLS_LENS_KEYSTORE_PASSWORD: PASSWORD } } });
  });
  after(() => s?.dispose());

  test('details of a whole PKCS#12 (opened with the password from the environment) and of a JKS', async () => {
    const p12 = await s.within('details', s.connection.sendRequest<CertificateDetails>('tlsLens/certificateDetails', { textDocument: { uri: fileUri(path.join(ws, 'stores', 'app.p12')) }, position: { line: 0, character: 0 } }));
    assert.equal(p12.container, 'PKCS#12 keystore');
    assert.deepEqual(p12.items.map((i) => `${i.entry.kind} ${i.entry.container}`), ['certificate PKCS#12 · "app"', 'certificate PKCS#12', 'key PKCS#12 · "app"']);
    assert.equal(p12.items[2]!.facts.find((f) => f.label === 'Matches')?.value, 'certificate CN=app.example.test (PKCS#12 · "app")');
    assert.deepEqual(p12.notes, [{ severity: 'info', message: 'opened with the password from the environment variable TLS_LENS_KEYSTORE_PASSWORD (its MAC verifies)' }]);
    assert.ok(!JSON.stringify(p12).includes(PASSWORD));
    const jks = await s.within('details', s.connection.sendRequest<CertificateDetails>('tlsLens/certificateDetails', { textDocument: { uri: fileUri(path.join(ws, 'stores', 'trust.jks')) }, position: { line: 0, character: 0 } }));
    assert.equal(jks.container, 'JKS keystore');
    assert.deepEqual(jks.items.map((i) => [i.entry.container, i.facts.find((f) => f.label === 'Subject')?.value]), [['JKS entry "ca" (trusted certificate)', 'CN=Keystore Test CA']]);
    assert.match(jks.notes?.[0]?.message ?? '', /integrity digest does not verify with the password from the environment variable TLS_LENS_KEYSTORE_PASSWORD/);
  });

  test('the inventory lists what the containers hold; Check Workspace publishes their findings', async () => {
    const inv = await s.within('inventory', s.connection.sendRequest<CertificateInventoryResult>('tlsLens/certificateInventory', {}));
    assert.deepEqual(inv.entries.map((e) => `${path.basename(e.file)} ${e.kind} ${e.kind === 'certificate' ? e.status : e.algorithm}`), [
      'old.der certificate expired',
      'app.p12 certificate ok',
      'app.p12 certificate ok',
      'trust.jks certificate ok',
      'app.p12 key RSA 2048',
    ]);
    assert.deepEqual(inv.notes.map((n) => [path.basename(n.file), n.severity]), [['trust.jks', 'warning']]);
    const mark = s.mark();
    await s.executeCommand('tlsLens.server.checkWorkspace');
    const der = await s.diagnostics(fileUri(path.join(ws, 'stores', 'old.der')), { after: mark });
    assert.deepEqual(der.diagnostics.map((d) => [d.code, d.range.start.line]), [['cert/expired', 0]]);
    const p12 = await s.diagnostics(fileUri(path.join(ws, 'stores', 'app.p12')), { after: mark });
    assert.deepEqual(p12.diagnostics.map((d) => d.code), ['cert/private-key-committed']);
  });
});

/**
 * Layer: the language server over stdio. CodeLens on certificates and keys, the details
 * request for a bundle and the workspace inventory (progress, cancellation).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CancellationTokenSource, CodeLensRefreshRequest, CodeLensRequest, WorkDoneProgress, type CodeLens } from 'vscode-languageserver-protocol/node';
import type { CertificateDetails, CertificateInventoryResult } from '../../server/src/shared/protocol';
import { DAY, makeCert } from '../support/certs';
import { LspSession, fileUri } from '../support/lspClient';

const DETAILS = 'tlsLens/certificateDetails';
const INVENTORY = 'tlsLens/certificateInventory';
const SHOW_DETAILS = 'tlsLens.showCertificateDetails';

let ws = '';
let chain = '';
let keyPem = '';
let soonPem = '';
let notAfter = '';
const now = Date.now();

function file(rel: string, text: string): string {
  const p = path.join(ws, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

before(async () => {
  ws = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-lsp-certs-'));
  const ca = await makeCert({ cn: 'LSP CA', ca: true, notBefore: new Date(now - 10 * DAY), notAfter: new Date(now + 3650 * DAY) });
  const leafEnd = new Date(now + 49 * DAY + 3 * 3600_000);
  notAfter = leafEnd.toISOString().slice(0, 10);
  const leaf = await makeCert({ cn: 'api.example.com', dns: ['api.example.com', 'www.example.com', 'example.com'], notBefore: new Date(now - DAY), notAfter: leafEnd, issuer: { cert: ca.cert, keys: ca.keys } });
  chain = `${leaf.pem}\n${ca.pem}\n`;
  soonPem = (await makeCert({ cn: 'soon.example.com', notBefore: new Date(now - 80 * DAY), notAfter: new Date(now + 3 * DAY + 3600_000) })).pem;
  // A key made for this test only.
  keyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  file('tls/chain.pem', chain);
  file('tls/soon.crt', soonPem);
  file('tls/server.key', keyPem);
  file('off/.tls-lens.yaml', 'ignore:\n  - "*.crt"\n');
  file('off/hidden.crt', soonPem);
});

after(() => rmSync(ws, { recursive: true, force: true }));

describe('certificates over LSP', () => {
  let s: LspSession;
  before(async () => {
    s = await LspSession.start({
      workspaceFolders: [ws],
      settings: (item) => (item.scopeUri?.endsWith('/nolens.pem') ? { codeLens: false } : {}),
    });
  });
  after(() => s?.dispose());

  const lenses = (uri: string): Promise<CodeLens[] | null> =>
    s.within(`codeLens for ${uri}`, s.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }));

  test('advertises CodeLens', () => {
    assert.deepEqual(s.initializeResult?.capabilities.codeLensProvider, { resolveProvider: false });
  });

  test('a lens above each certificate and key, with "Show details" for certificates', async () => {
    const uri = fileUri(path.join(ws, 'tls', 'chain.pem'));
    const text = `${chain}\n${keyPem}`;
    await s.open(uri, 'pem', text);
    const got = (await lenses(uri)) ?? [];
    const caLine = text.split('\n').findIndex((l, i) => i > 0 && l.startsWith('-----BEGIN CERTIFICATE'));
    const keyLine = text.split('\n').findIndex((l) => l.startsWith('-----BEGIN RSA PRIVATE KEY'));
    assert.deepEqual(
      got.map((l) => [l.range.start.line, l.command?.title]),
      [
        [0, `CN=api.example.com · 3 SANs · expires ${notAfter} (49 d)`],
        [0, 'Show details (1 of 2)'],
        [caLine, got[2]?.command?.title],
        [caLine, 'Show details (2 of 2)'],
        [keyLine, 'RSA 2048 private key'],
      ],
    );
    assert.match(got[2]!.command!.title, /^CN=LSP CA · expires \d{4}-\d{2}-\d{2} \(\d+ d\)$/);
    for (const [i, l] of got.entries()) {
      assert.equal(l.command?.command, SHOW_DETAILS);
      // Certificates also pass their position in the bundle.
      assert.deepEqual(l.command?.arguments, i < 4 ? [uri, l.range.start, i < 2 ? 0 : 1] : [uri, l.range.start]);
    }
    assert.ok(!JSON.stringify(got).includes(keyPem.split('\n')[1]!.slice(0, 24)), 'no key material in lenses');
  });

  test('a huge bundle: lenses for the first 1000 blocks, then one saying how many more', async () => {
    const uri = fileUri(path.join(ws, 'huge.pem'));
    const one = soonPem.trim() + '\n';
    await s.open(uri, 'pem', one.repeat(1003));
    const got = (await lenses(uri)) ?? [];
    assert.equal(got.length, 2 * 1000 + 1);
    const last = got[got.length - 1]!;
    assert.equal(last.command?.title, '3 more certificate/key blocks without a CodeLens: see the Certificates view or tls-lens inspect');
    assert.equal(last.range.start.line, 1000 * one.trim().split('\n').length);
  });

  test('tlsLens.codeLens = false turns the lenses off', async () => {
    const uri = fileUri(path.join(ws, 'nolens.pem'));
    await s.open(uri, 'pem', chain);
    assert.deepEqual(await lenses(uri), []);
  });

  test('details: every fact of the whole bundle, focused on the asked certificate; files on disk too', async () => {
    const uri = fileUri(path.join(ws, 'tls', 'chain.pem'));
    const caLine = chain.split('\n').findIndex((l, i) => i > 0 && l.startsWith('-----BEGIN CERTIFICATE'));
    const d = await s.within('details', s.connection.sendRequest<CertificateDetails>(DETAILS, { textDocument: { uri }, position: { line: caLine, character: 0 } }));
    assert.equal(d.focus, 1);
    assert.deepEqual(d.items.map((i) => i.entry.kind), ['certificate', 'certificate', 'key']);
    // The labelled rows of certificateFacts (more may follow as the decoder learns more).
    assert.deepEqual(d.items[0]!.facts.slice(0, 8).map((f) => f.label), ['Subject', 'Issuer', 'SANs', 'Valid', 'Key', 'Signature', 'Serial', 'SHA-256']);
    assert.equal(d.items[0]!.facts[2]!.value, 'DNS:api.example.com, DNS:www.example.com, DNS:example.com');
    assert.equal(d.items[2]!.entry.title, 'RSA 2048 private key');
    // A key: its shape and whether a certificate beside it is its own, as the hover says it.
    assert.deepEqual(d.items[2]!.facts, [{ label: 'Key', value: 'RSA 2048 bits' }, { label: 'Matches', value: 'none of the 2 certificates beside it' }]);
    // A file nobody opened is read from disk.
    const soon = fileUri(path.join(ws, 'tls', 'soon.crt'));
    const e = await s.within('details', s.connection.sendRequest<CertificateDetails>(DETAILS, { textDocument: { uri: soon }, position: { line: 0, character: 0 } }));
    assert.equal(e.items[0]!.entry.kind === 'certificate' && e.items[0]!.entry.status, 'expiring');
    assert.equal(await s.within('details', s.connection.sendRequest(DETAILS, { textDocument: { uri: fileUri(path.join(ws, 'none.pem')) }, position: { line: 0, character: 0 } })), null);
  });

  test('inventory: the workspace, soonest expiry first, open editors\' text, policy ignore, with progress', async () => {
    const token = 'inv-1';
    const kinds: string[] = [];
    s.connection.onProgress(WorkDoneProgress.type, token, (v) => {
      kinds.push(v.kind);
    });
    const r = await s.within('inventory', s.connection.sendRequest<CertificateInventoryResult>(INVENTORY, { workDoneToken: token }));
    assert.equal(r.cancelled, false);
    assert.deepEqual(r.errors, []);
    // tls/chain.pem is open with the key appended; off/hidden.crt is ignored by its policy file.
    assert.deepEqual(
      r.entries.map((e) => `${path.relative(ws, e.file)} ${e.kind === 'certificate' ? e.commonName : e.title}`),
      ['tls/soon.crt soon.example.com', 'tls/chain.pem api.example.com', 'tls/chain.pem LSP CA', 'tls/chain.pem RSA 2048 private key', 'tls/server.key RSA 2048 private key'],
    );
    assert.equal(r.entries[0]!.uri, fileUri(path.join(ws, 'tls', 'soon.crt')));
    await s.waitUntil('progress end', () => kinds.includes('end'));
    assert.equal(kinds[0], 'begin');
  });

  test('inventory: cancelled midway returns what it found, marked cancelled', async () => {
    for (let i = 0; i < 400; i++) file(`many/${String(i).padStart(3, '0')}.crt`, soonPem);
    const token = 'inv-2';
    const source = new CancellationTokenSource();
    s.connection.onProgress(WorkDoneProgress.type, token, (v) => {
      if (v.kind === 'report') source.cancel();
    });
    const r = await s.within('inventory', s.connection.sendRequest<CertificateInventoryResult>(INVENTORY, { workDoneToken: token }, source.token));
    assert.equal(r.cancelled, true);
    assert.ok(r.entries.length < 400, `stopped early (${r.entries.length} entries)`);
    rmSync(path.join(ws, 'many'), { recursive: true, force: true });
  });
});

describe('CodeLens refresh', () => {
  test('a settings change asks clients that support it to refresh CodeLenses', async () => {
    const s = await LspSession.start({ workspaceFolders: [ws], capabilities: { workspace: { codeLens: { refreshSupport: true } } } });
    try {
      const refreshed = new Promise<void>((resolve) => {
        s.connection.onRequest(CodeLensRefreshRequest.type, () => resolve());
      });
      await s.configurationChanged({ tlsLens: { codeLens: false } });
      await s.within('workspace/codeLens/refresh', refreshed);
    } finally {
      s.dispose();
    }
  });
});

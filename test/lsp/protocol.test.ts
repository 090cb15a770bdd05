/**
 * Layer: the language server over stdio, as any LSP client sees it. Spawns
 * `node dist/server.js --stdio` and talks to it with vscode-languageserver-protocol
 * (see test/support/lspClient.ts). Every wait is for a message from the server, bounded
 * by a deadline that fails with what was received so far.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  DiagnosticSeverity,
  ResponseError,
  type CodeAction,
  type Diagnostic,
  type Range,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { LspSession, fileUri, serverPath } from '../support/lspClient';
import { opensslSelfSigned, type OpensslCert } from '../support/openssl';
import { findTool, repoPath } from '../support/tools';

const CHECK_WORKSPACE = 'tlsLens.server.checkWorkspace';
const openssl = findTool('openssl');

function range(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

/** A diagnostic without the parts that are checked separately (docs link, fix data). */
function core(d: Diagnostic): Omit<Diagnostic, 'codeDescription' | 'data'> {
  const rest: Diagnostic = { ...d };
  delete rest.codeDescription;
  delete rest.data;
  return rest;
}

/** The docs link is optional (docs may not be written yet); when present it must point at the rule's page. */
function assertDocsLink(d: Diagnostic): void {
  if (d.codeDescription === undefined) return;
  const doc = repoPath('docs', 'rules', `${String(d.code)}.md`);
  assert.equal(d.codeDescription.href, fileUri(doc));
  assert.ok(existsSync(doc), `codeDescription points at a missing page ${doc}`);
}

/** The same seeded bytes on every run, so a failure can be reproduced. */
function seededBytes(seed: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
}

/** A document the test edits the way an editor does: a local copy plus incremental didChange. */
class EditedDoc {
  doc: TextDocument;
  constructor(
    readonly uri: string,
    languageId: string,
    text: string,
  ) {
    this.doc = TextDocument.create(uri, languageId, 1, text);
  }
  get version(): number {
    return this.doc.version;
  }
  line(n: number): string {
    return this.doc.getText().split('\n')[n] ?? '';
  }
  open(s: LspSession): Promise<void> {
    return s.open(this.uri, this.doc.languageId, this.doc.getText(), this.doc.version);
  }
  /** Applies the changes locally and sends them as one incremental didChange. */
  change(s: LspSession, changes: Array<{ range: Range; text: string }>): Promise<void> {
    this.doc = TextDocument.update(this.doc, changes, this.doc.version + 1);
    return s.change(this.uri, this.doc.version, changes);
  }
}

let tmp = '';
let certs: { rsa: OpensslCert; ec: OpensslCert } | undefined;

before(() => {
  assert.ok(existsSync(serverPath), `${serverPath} is missing: run \`npx tsc -b && node scripts/bundle.mjs\` first`);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-lsp-'));
  if (openssl.path) {
    const dir = path.join(tmp, 'openssl');
    mkdirSync(dir);
    certs = {
      rsa: opensslSelfSigned(openssl.path, dir, {
        name: 'rsa',
        subject: '/CN=rsa.example.test/O=TLS Lens Protocol Test',
        san: 'DNS:rsa.example.test,DNS:www.rsa.example.test,IP:127.0.0.1',
        key: 'rsa2048',
        days: 30,
      }),
      ec: opensslSelfSigned(openssl.path, dir, {
        name: 'ec',
        subject: '/CN=ec.example.test',
        san: 'DNS:ec.example.test',
        key: 'p256',
        days: 400,
      }),
    };
  }
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A fresh folder for one session's documents (documents need not exist on disk). */
function folder(name: string): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const NGINX_SITE = ['server {', '    listen 443;', '    server_name example.test;', '    ssl_protocols SSLv3 TLSv1 TLSv1.2;', '}', ''].join('\n');

void describe('initialize, diagnostics, code actions and edits', () => {
  let s: LspSession;
  let ws = '';
  before(async () => {
    ws = folder('basic');
    s = await LspSession.start({ workspaceFolders: [ws] });
  });
  after(() => s?.dispose());

  void test('initialize advertises sync, hover, quick fixes and the checkWorkspace command', async () => {
    const r = s.initializeResult!;
    assert.deepEqual(r.capabilities.textDocumentSync, { openClose: true, change: 2 /* Incremental */, save: { includeText: false } });
    assert.equal(r.capabilities.hoverProvider, true);
    assert.deepEqual(r.capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.tls-lens'], resolveProvider: true });
    assert.deepEqual(r.capabilities.executeCommandProvider?.commands, [CHECK_WORKSPACE, 'tlsLens.server.probe', 'tlsLens.server.showRuleDocumentation', 'tlsLens.server.fixAll']);
    assert.equal(r.serverInfo?.name, 'TLS Lens');
    // The client advertised dynamic didChangeConfiguration: the server registers for it after `initialized`.
    await s.waitUntil('client/registerCapability for workspace/didChangeConfiguration', () =>
      s.registrations.some((p) => p.registrations.some((x) => x.method === 'workspace/didChangeConfiguration')),
    );
  });

  const site = (): EditedDoc => new EditedDoc(fileUri(path.join(ws, 'sites-enabled', 'example')), 'nginx', NGINX_SITE);
  let doc: EditedDoc;
  let published: Diagnostic[] = [];

  void test('didOpen of an nginx document publishes nginx/weak-protocol with exact ranges, severities and fixes', async () => {
    doc = site();
    await doc.open(s);
    const p = await s.diagnostics(doc.uri);
    assert.equal(p.version, 1);
    published = p.diagnostics;
    assert.deepEqual(published.map(core), [
      {
        range: range(3, 18, 3, 23),
        severity: DiagnosticSeverity.Error,
        code: 'nginx/weak-protocol',
        source: 'tls-lens',
        message: 'ssl_protocols enables SSLv3, deprecated by RFC 7568 (POODLE); the intermediate profile allows TLSv1.2, TLSv1.3',
      },
      {
        range: range(3, 24, 3, 29),
        severity: DiagnosticSeverity.Warning,
        code: 'nginx/weak-protocol',
        source: 'tls-lens',
        message: 'ssl_protocols enables TLSv1, deprecated by RFC 8996; the intermediate profile allows TLSv1.2, TLSv1.3',
      },
    ]);
    for (const d of published) {
      assertDocsLink(d);
      assert.deepEqual(d.data, {
        fixes: [
          {
            title: 'Remove SSLv3, TLSv1 from ssl_protocols and add TLSv1.3',
            edits: [
              { range: range(3, 18, 3, 30), newText: '' },
              { range: range(3, 37, 3, 37), newText: ' TLSv1.3' },
            ],
            preferred: true,
          },
        ],
      });
    }
    // The server asked for this document's settings.
    assert.ok(
      s.configurationRequests.some((items) => items.some((i) => i.section === 'tlsLens' && i.scopeUri === doc.uri)),
      `workspace/configuration requests: ${JSON.stringify(s.configurationRequests)}`,
    );
  });

  void test('the format comes from the file name when the language id says nothing, and plain text is not linted as nginx', async () => {
    const byName = fileUri(path.join(ws, 'conf.d', 'tls.conf'));
    const text = fileUri(path.join(ws, 'notes.txt'));
    await s.open(byName, 'plaintext', 'ssl_protocols TLSv1.1 TLSv1.3;\n');
    await s.open(text, 'plaintext', 'ssl_protocols TLSv1.1 TLSv1.3;\n');
    const p = await s.diagnostics(byName);
    assert.deepEqual(
      p.diagnostics.map((d) => [d.code, d.severity, d.range]),
      [['nginx/weak-protocol', DiagnosticSeverity.Warning, range(0, 14, 0, 21)]],
    );
    assert.deepEqual((await s.diagnostics(text)).diagnostics, []);
  });

  void test('codeAction returns a preferred quickfix whose edit fixes the line, then the suppressions', async () => {
    const first = published[0]!;
    const actions = (await s.codeActions(doc.uri, first.range, [first])) as CodeAction[];
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Remove SSLv3, TLSv1 from ssl_protocols and add TLSv1.3', 'Disable nginx/weak-protocol for this line', 'Disable nginx/weak-protocol for this file'],
      'no "Show documentation": this client can show no document',
    );
    const action = actions[0]!;
    assert.equal(action.kind, 'quickfix');
    assert.equal(action.isPreferred, true);
    assert.deepEqual(action.diagnostics, [first]);
    const edits = action.edit?.changes?.[doc.uri];
    assert.ok(edits, `edit for ${doc.uri}: ${JSON.stringify(action.edit)}`);
    const fixed = TextDocument.applyEdits(doc.doc, edits);
    assert.equal(fixed.split('\n')[3], '    ssl_protocols TLSv1.2 TLSv1.3;');
    assert.equal(fixed.split('\n').length, NGINX_SITE.split('\n').length, 'only that line changes');
  });

  void test('code actions ignore diagnostics from other sources and documents the server does not know', async () => {
    const foreign: Diagnostic = { ...published[0]!, source: 'other-linter' };
    assert.deepEqual(await s.codeActions(doc.uri, foreign.range, [foreign]), []);
    assert.deepEqual(await s.codeActions(doc.uri, range(0, 0, 0, 0), []), []);
  });

  void test('an incremental didChange that removes the weak protocols clears the diagnostics', async () => {
    const mark = s.mark();
    const fix = (published[0]!.data as { fixes: Array<{ edits: TextEdit[] }> }).fixes[0]!.edits;
    // A fix's edits all refer to the text before it; content changes apply one after another, so the last goes first.
    const backwards = [...fix].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
    await doc.change(
      s,
      backwards.map((e) => ({ range: e.range, text: e.newText })),
    );
    assert.equal(doc.line(3), '    ssl_protocols TLSv1.2 TLSv1.3;');
    const p = await s.diagnostics(doc.uri, { after: mark });
    assert.equal(p.version, 2);
    assert.deepEqual(p.diagnostics, []);
  });

  void test('edits in quick succession publish only for the final version', async () => {
    const mark = s.mark();
    await doc.change(s, [{ range: range(3, 18, 3, 18), text: 'TLSv1.1 ' }]); // v3
    await doc.change(s, [{ range: range(3, 18, 3, 18), text: 'SSLv2 ' }]); // v4
    await doc.change(s, [
      { range: range(3, 18, 3, 24), text: '' }, // drop "SSLv2 "
      { range: range(0, 0, 0, 0), text: '# edited\n' }, // and shift everything down a line
    ]); // v5
    assert.equal(doc.line(4), '    ssl_protocols TLSv1.1 TLSv1.2 TLSv1.3;');
    const final = await s.diagnostics(doc.uri, { after: mark, accept: (p) => p.version === 5, what: 'diagnostics for version 5' });
    assert.deepEqual(
      final.diagnostics.map((d) => [d.code, d.severity, d.range]),
      [['nginx/weak-protocol', DiagnosticSeverity.Warning, range(4, 18, 4, 25)]],
    );
    // A later edit is the barrier: any stale run for v3/v4 would have published before it.
    await doc.change(s, [{ range: range(4, 18, 4, 26), text: '' }]); // v6
    await s.diagnostics(doc.uri, { after: mark, accept: (p) => p.version === 6, what: 'diagnostics for version 6' });
    assert.deepEqual(
      s.publishesFor(doc.uri, mark).map((p) => [p.version, p.diagnostics.length]),
      [
        [5, 1],
        [6, 0],
      ],
    );
  });

  void test('a lint still waiting for its settings publishes nothing once the document has changed', async () => {
    const uri = fileUri(path.join(ws, 'slow-settings.nginx'));
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const previous = s.settings;
    // Hold back this document's settings until the edit below has reached the server.
    s.settings = async (item) => {
      if (item.scopeUri === uri) await gate;
      return previous(item);
    };
    try {
      const mark = s.mark();
      const asked = s.configurationRequests.length;
      await s.open(uri, 'nginx', 'ssl_protocols TLSv1;\n');
      await s.waitUntil('the settings request for the new document', () =>
        s.configurationRequests.slice(asked).some((items) => items.some((i) => i.scopeUri === uri)),
      );
      await s.change(uri, 2, [{ range: range(0, 14, 0, 19), text: 'TLSv1.3' }]);
      release(); // the answer goes out after the didChange, so the server sees the edit first
      await s.diagnostics(uri, { after: mark, accept: (p) => p.version === 2, what: 'diagnostics for version 2' });
      assert.deepEqual(
        s.publishesFor(uri, mark).map((p) => [p.version, p.diagnostics.length]),
        [[2, 0]],
        'nothing published for version 1, whose lint finished after the edit',
      );
    } finally {
      release();
      s.settings = previous;
    }
  });

  void test('hover is null outside PEM blocks and for documents that are not open', async () => {
    assert.equal(await s.hover(doc.uri, { line: 0, character: 0 }), null);
    assert.equal(await s.hover(fileUri(path.join(ws, 'never-opened.pem')), { line: 0, character: 0 }), null);
  });

  void test('didClose clears the document\'s diagnostics', async () => {
    const uri = fileUri(path.join(ws, 'closing.nginx'));
    await s.open(uri, 'nginx', 'ssl_protocols SSLv3;\n');
    const mark = s.mark();
    await s.diagnostics(uri, { accept: (p) => p.diagnostics.length === 1 });
    await s.close(uri);
    const p = await s.diagnostics(uri, { after: mark, accept: (x) => x.diagnostics.length === 0, what: 'empty diagnostics after didClose' });
    assert.deepEqual(p.diagnostics, []);
  });

  void test('an unknown command is answered with an error, not a crash', async () => {
    await assert.rejects(s.executeCommand('tlsLens.server.noSuchCommand'), (e: unknown) => {
      assert.ok(e instanceof ResponseError, `ResponseError, got ${String(e)}`);
      assert.match(e.message, /unknown command tlsLens\.server\.noSuchCommand/);
      return true;
    });
    assert.equal(await s.hover(doc.uri, { line: 0, character: 0 }), null, 'still answers');
  });

  void test(
    'one quick fix per fix, even when several diagnostics in the range share it',
    async () => {
      const d = site();
      const uri = d.uri.replace(/example$/, 'shared-fix');
      await s.open(uri, 'nginx', NGINX_SITE);
      const p = await s.diagnostics(uri);
      const actions = (await s.codeActions(uri, range(3, 0, 3, 40), p.diagnostics)) as CodeAction[];
      assert.deepEqual(
        actions.map((a) => a.title),
        ['Remove SSLv3, TLSv1 from ssl_protocols and add TLSv1.3', 'Disable nginx/weak-protocol for this line', 'Disable nginx/weak-protocol for this file'],
      );
    },
  );

  void test('no protocol errors on the client side', () => {
    assert.deepEqual(s.protocolErrors, []);
  });
});

void describe('hover on certificates made by openssl', { skip: openssl.skip }, () => {
  let s: LspSession;
  let uri = '';
  let lines: string[] = [];
  /** First line of each block in the document. */
  let begins: number[] = [];
  before(async () => {
    const ws = folder('hover');
    s = await LspSession.start({ workspaceFolders: [ws] });
    const text = `${certs!.rsa.certPem}\n${certs!.ec.certPem}\n${certs!.ec.keyPem}`;
    lines = text.split('\n');
    begins = lines.flatMap((l, i) => (l.startsWith('-----BEGIN ') ? [i] : []));
    assert.equal(begins.length, 3);
    uri = fileUri(path.join(ws, 'bundle.pem'));
    await s.open(uri, 'pem', text);
    assert.deepEqual(
      (await s.diagnostics(uri)).diagnostics.map((d) => [d.code, d.range.start.line]),
      [['cert/private-key-committed', begins[2]]],
      'a well-formed bundle has no findings but its committed key',
    );
  });
  after(() => s?.dispose());

  const md = async (line: number, character = 3): Promise<string> => {
    const h = await s.hover(uri, { line, character });
    assert.ok(h, `hover at ${line}:${character}`);
    const c = h.contents as { kind: string; value: string };
    assert.equal(c.kind, 'markdown');
    return c.value;
  };

  void test('RSA 2048: subject, issuer, SANs, "expires in", key, signature, fingerprint, block range', async () => {
    const h = await s.hover(uri, { line: begins[0]! + 2, character: 10 });
    assert.ok(h);
    const end = lines.indexOf('-----END CERTIFICATE-----');
    assert.deepEqual(h.range, range(begins[0]!, 0, end, '-----END CERTIFICATE-----'.length));
    const value = (h.contents as { value: string }).value;
    assert.match(value, /^\*\*Certificate\*\* \(1st of 2 in this file\)/);
    assert.match(value, /\| Subject \| CN=rsa\.example\.test, O=TLS Lens Protocol Test \|/);
    assert.match(value, /\| Issuer \| CN=rsa\.example\.test, O=TLS Lens Protocol Test \(self-signed\) \|/);
    assert.match(value, /\| SANs \| DNS:`rsa\.example\.test`, DNS:`www\.rsa\.example\.test`, IP:`127\.0\.0\.1` \|/);
    // notAfter is 30 days after creation, a moment ago: 29 full days remain.
    assert.match(value, /\*\*expires in 29 days\*\*/);
    assert.match(value, /\| Key \| RSA 2048 bits \|/);
    assert.match(value, /\| Signature \| RSA with SHA-256 \|/);
    assert.match(value, /\| SHA-256 \| `([0-9A-F]{2}:){31}[0-9A-F]{2}` \|/);
  });

  void test('hover on the BEGIN and END marker lines shows the same certificate', async () => {
    assert.match(await md(begins[0]!, 0), /CN=rsa\.example\.test/);
    const end = lines.indexOf('-----END CERTIFICATE-----');
    assert.match(await md(end, 5), /CN=rsa\.example\.test/);
  });

  void test('EC P-256: key type and the second certificate of the file', async () => {
    const value = await md(begins[1]! + 1);
    assert.match(value, /^\*\*Certificate\*\* \(2nd of 2 in this file\)/);
    assert.match(value, /\| Subject \| CN=ec\.example\.test \|/);
    assert.match(value, /\| SANs \| DNS:`ec\.example\.test` \|/);
    assert.match(value, /\*\*expires in 399 days\*\*/);
    assert.match(value, /\| Key \| EC P-256 \|/);
    assert.match(value, /\| Signature \| ECDSA with SHA-256 \|/);
  });

  void test('a private key block gets a note and never its contents', async () => {
    const value = await md(begins[2]! + 1);
    assert.match(value, /^\*\*PRIVATE KEY\*\*: private key material\. TLS Lens never shows its contents\./);
    assert.match(value, /\| Key \| EC P-256 \|\n\| Matches \| certificate CN=ec\.example\.test \|$/);
    const body = certs!.ec.keyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const l of body) assert.ok(!value.includes(l), 'no key material in the hover');
  });

  void test('no hover between blocks', async () => {
    const between = begins[1]! - 1;
    assert.equal(lines[between], '');
    assert.equal(await s.hover(uri, { line: between, character: 0 }), null);
  });

  void test('hover on a certificate inside an nginx file', async () => {
    const nginxUri = fileUri(path.join(tmp, 'hover', 'inline.nginx'));
    const text = `# pinned\n${certs!.ec.certPem}server { listen 443; }\n`;
    await s.open(nginxUri, 'nginx', text);
    const h = await s.hover(nginxUri, { line: 2, character: 1 });
    assert.match((h?.contents as { value: string } | undefined)?.value ?? '', /\| Subject \| CN=ec\.example\.test \|/);
    assert.equal(await s.hover(nginxUri, { line: 0, character: 1 }), null);
  });
});

void describe('settings pulled with workspace/configuration', () => {
  let s: LspSession;
  let current: Record<string, unknown> = {};
  let uri = '';
  before(async () => {
    const ws = folder('settings');
    s = await LspSession.start({ workspaceFolders: [ws], settings: () => current });
    uri = fileUri(path.join(ws, 'nginx.conf'));
  });
  after(() => s?.dispose());

  const summary = (ds: Diagnostic[]): Array<[string, number | undefined, string]> =>
    ds.map((d) => [String(d.code), d.severity, `${d.range.start.line}:${d.range.start.character}`]);

  /** Changes what the client answers, notifies the server, and returns the next publish. */
  const reconfigure = async (settings: Record<string, unknown>): Promise<Diagnostic[]> => {
    current = settings;
    const mark = s.mark();
    const requestsBefore = s.configurationRequests.length;
    await s.configurationChanged(null);
    const p = await s.diagnostics(uri, { after: mark, what: `diagnostics after settings ${JSON.stringify(settings)}` });
    assert.ok(s.configurationRequests.length > requestsBefore, 'the server pulled the settings again');
    return p.diagnostics;
  };

  void test('defaults (intermediate): SSLv3 and TLSv1 are flagged', async () => {
    await s.open(uri, 'nginx', 'ssl_protocols SSLv3 TLSv1 TLSv1.2;\n');
    const p = await s.diagnostics(uri);
    assert.deepEqual(summary(p.diagnostics), [
      ['nginx/weak-protocol', DiagnosticSeverity.Error, '0:14'],
      ['nginx/weak-protocol', DiagnosticSeverity.Warning, '0:20'],
    ]);
  });

  void test("profile 'legacy': TLSv1 is allowed, SSLv3 still flagged", async () => {
    const ds = await reconfigure({ profile: 'legacy' });
    assert.deepEqual(summary(ds), [['nginx/weak-protocol', DiagnosticSeverity.Error, '0:14']]);
    assert.equal(ds[0]!.message, 'ssl_protocols enables SSLv3, deprecated by RFC 7568 (POODLE); the legacy profile allows TLSv1, TLSv1.1, TLSv1.2, TLSv1.3');
  });

  void test("rules { 'nginx/weak-protocol': 'off' } + didChangeConfiguration: no diagnostics", async () => {
    assert.deepEqual(await reconfigure({ profile: 'legacy', rules: { 'nginx/weak-protocol': 'off' } }), []);
  });

  void test("rules { 'nginx/weak-protocol': 'error' } raises the TLSv1 warning to an error", async () => {
    const ds = await reconfigure({ rules: { 'nginx/weak-protocol': 'error' } });
    assert.deepEqual(summary(ds), [
      ['nginx/weak-protocol', DiagnosticSeverity.Error, '0:14'],
      ['nginx/weak-protocol', DiagnosticSeverity.Error, '0:20'],
    ]);
  });

  void test('enable: false turns TLS Lens off for the document; invalid values fall back to defaults', async () => {
    assert.deepEqual(await reconfigure({ enable: false }), []);
    const ds = await reconfigure({ enable: 'yes', profile: 'ancient', rules: 42, maxFileSizeKb: -1 });
    assert.equal(ds.length, 2);
  });
});

void describe('settings pushed with didChangeConfiguration (client without workspace/configuration)', () => {
  let s: LspSession;
  let uri = '';
  before(async () => {
    const ws = folder('push');
    s = await LspSession.start({ workspaceFolders: [ws], pullConfiguration: false });
    uri = fileUri(path.join(ws, 'nginx.conf'));
  });
  after(() => s?.dispose());

  void test('defaults apply, then the pushed tlsLens section does', async () => {
    await s.open(uri, 'nginx', 'ssl_protocols SSLv3 TLSv1 TLSv1.2;\n');
    assert.equal((await s.diagnostics(uri)).diagnostics.length, 2);
    const mark = s.mark();
    await s.configurationChanged({ tlsLens: { profile: 'legacy' } });
    const p = await s.diagnostics(uri, { after: mark });
    assert.deepEqual(
      p.diagnostics.map((d) => d.message),
      ['ssl_protocols enables SSLv3, deprecated by RFC 7568 (POODLE); the legacy profile allows TLSv1, TLSv1.1, TLSv1.2, TLSv1.3'],
    );
    assert.deepEqual(s.configurationRequests, [], 'never asked');
    assert.deepEqual(s.registrations, [], 'no dynamic registration without pull support');
  });
});

void describe('workspace/executeCommand tlsLens.server.checkWorkspace', () => {
  let s: LspSession;
  let ws = '';
  const file = (rel: string, text: string | Buffer): string => {
    const p = path.join(ws, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
    return p;
  };
  const BROKEN_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n!!not base64!!\n-----END CERTIFICATE-----\n';
  const GOOD_PEM = '# no PEM yet\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n';

  before(async () => {
    ws = folder('workspace');
    file('nginx.conf', 'events {}\nhttp {\n  server {\n    ssl_protocols TLSv1 TLSv1.2;\n  }\n}\n');
    file('conf.d/site.conf', 'server {\n    ssl_protocols SSLv3 TLSv1.1 TLSv1.2;\n}\n');
    file('certs/broken.pem', BROKEN_PEM);
    file('README.md', '# notes\nssl_protocols SSLv2;\n');
    file('sites-enabled/default', 'server { ssl_protocols TLSv1; }\n'); // open in the editor with other text
    file('.gitignore', 'ignored/\n*.bak.conf\n');
    file('ignored/nginx.conf', 'ssl_protocols SSLv2;\n');
    file('conf.d/old.bak.conf', 'ssl_protocols SSLv2;\n');
    file('node_modules/pkg/nginx.conf', 'ssl_protocols SSLv2;\n');
    file('image.png', seededBytes(7, 256));
    file('apache2/sites-available/shop.conf', '<VirtualHost *:443>\n    SSLEngine on\n</VirtualHost>\n');
    s = await LspSession.start({ workspaceFolders: [ws] });
  });
  after(() => s?.dispose());

  const uriOf = (rel: string): string => fileUri(path.join(ws, rel));

  void test('counts candidate files, honours .gitignore and node_modules, and uses open documents\' text', async () => {
    const open = uriOf('sites-enabled/default');
    await s.open(open, 'nginx', 'server { ssl_protocols TLSv1.2; }\n');
    assert.deepEqual((await s.diagnostics(open)).diagnostics, []);
    const mark = s.mark();
    const result = await s.executeCommand(CHECK_WORKSPACE, [], 'check-1');
    assert.deepEqual(result, {
      // nginx.conf, conf.d/site.conf, certs/broken.pem, README.md, sites-enabled/default; the Apache
      // file is not read (its one note is published) and is not counted as checked.
      filesChecked: 5,
      filesWithFindings: 4,
      findings: { error: 2, warning: 2, info: 1, hint: 0 },
      cancelled: false,
      errors: [],
    });
    const byUri = new Map(s.published.slice(mark).map((p) => [p.uri, p.diagnostics.map((d) => `${String(d.code)}@${d.range.start.line}:${d.range.start.character}`)]));
    assert.deepEqual(
      Object.fromEntries(byUri),
      {
        [uriOf('apache2/sites-available/shop.conf')]: ['apache/not-checked@0:0'],
        [uriOf('certs/broken.pem')]: ['pem/malformed@2:0'],
        [uriOf('conf.d/site.conf')]: ['nginx/weak-protocol@1:18', 'nginx/weak-protocol@1:24'],
        [uriOf('nginx.conf')]: ['nginx/weak-protocol@3:18'],
      },
      'published for exactly the files with findings, never for ignored ones',
    );
    const kinds = s.progress.filter((p) => p.token === 'check-1').map((p) => p.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds[kinds.length - 1], 'end');
  });

  void test('a second run clears diagnostics of files that were fixed on disk', async () => {
    file('certs/broken.pem', GOOD_PEM);
    const mark = s.mark();
    const result = (await s.executeCommand(CHECK_WORKSPACE)) as { filesWithFindings: number; findings: Record<string, number> };
    assert.equal(result.filesWithFindings, 3);
    assert.deepEqual(result.findings, { error: 1, warning: 2, info: 1, hint: 0 });
    assert.deepEqual(
      s.publishesFor(uriOf('certs/broken.pem'), mark).map((p) => p.diagnostics),
      [[]],
    );
  });
});

void describe('bad input', () => {
  let s: LspSession;
  let ws = '';
  const uriOf = (rel: string): string => fileUri(path.join(ws, rel));
  before(async () => {
    ws = folder('bad');
    s = await LspSession.start({
      workspaceFolders: [ws],
      // Per-resource settings: only the big file gets a 1 KiB cap.
      settings: (item) => (item.scopeUri?.endsWith('/big.nginx') ? { maxFileSizeKb: 1 } : {}),
    });
  });
  after(() => s?.dispose());

  const openAndWait = async (rel: string, languageId: string, text: string): Promise<Diagnostic[]> => {
    await s.open(uriOf(rel), languageId, text);
    return (await s.diagnostics(uriOf(rel))).diagnostics;
  };

  void test('binary content in a .pem: one info core/binary-file', async () => {
    const ds = await openAndWait('der.pem', 'pem', seededBytes(1, 600).toString('latin1') + '\u0000');
    assert.deepEqual(ds.map(core), [
      {
        range: range(0, 0, 0, 0),
        severity: DiagnosticSeverity.Information,
        code: 'core/binary-file',
        source: 'tls-lens',
        message: 'file holds binary data, not PEM text (a DER file?); not linted',
      },
    ]);
  });

  void test('text over maxFileSizeKb: one info core/file-too-large', async () => {
    const body = 'ssl_protocols SSLv3;\n'.repeat(146);
    const ds = await openAndWait('big.nginx', 'nginx', body + '#'.repeat(3 * 1024 - body.length - 1) + '\n'); // exactly 3 KiB
    assert.deepEqual(ds.map(core), [
      {
        range: range(0, 0, 0, 0),
        severity: DiagnosticSeverity.Information,
        code: 'core/file-too-large',
        source: 'tls-lens',
        message: 'file is 3 KiB, over the 1 KiB cap (tlsLens.maxFileSizeKb / --max-file-size-kb); not linted',
      },
    ]);
  });

  void test('malformed PEM: pem/malformed on the bad line', async () => {
    const ds = await openAndWait('bad.pem', 'pem', '-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHBfpegPjMCMA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBnVu\n  not*base64 \n-----END CERTIFICATE-----\n');
    assert.deepEqual(ds.map(core), [
      {
        range: range(2, 2, 2, 12),
        severity: DiagnosticSeverity.Error,
        code: 'pem/malformed',
        source: 'tls-lens',
        message: 'invalid base64 in PEM block "CERTIFICATE"',
      },
    ]);
  });

  void test('an unterminated nginx block: nginx/syntax at its "{"', async () => {
    const ds = await openAndWait('open.nginx', 'nginx', 'http {\n    server {\n        listen 443;\n');
    assert.deepEqual(
      ds.map((d) => [d.code, d.severity, d.range, d.message]),
      [
        ['nginx/syntax', DiagnosticSeverity.Error, range(0, 5, 0, 6), 'unexpected end of file: "http" block is not closed with "}"'],
        ['nginx/syntax', DiagnosticSeverity.Error, range(1, 11, 1, 12), 'unexpected end of file: "server" block is not closed with "}"'],
      ],
    );
  });

  void test('empty files: no diagnostics', async () => {
    assert.deepEqual(await openAndWait('empty.pem', 'pem', ''), []);
    assert.deepEqual(await openAndWait('empty.nginx', 'nginx', ''), []);
  });

  void test('random bytes: diagnostics only from known rules, inside the document', async () => {
    const asNginx = seededBytes(42, 4000).toString('utf8').replace(/\u0000/g, ' ');
    const ds = await openAndWait('random.nginx', 'nginx', asNginx);
    const lines = asNginx.split(/\r\n|\r|\n/);
    for (const d of ds) {
      assert.ok(['nginx/syntax', 'nginx/weak-protocol', 'pem/malformed'].includes(String(d.code)), `code ${String(d.code)}`);
      assert.ok(d.range.end.line < lines.length && d.range.end.character <= lines[d.range.end.line]!.length, `range ${JSON.stringify(d.range)} inside the text`);
    }
    const asPem = await openAndWait('random.pem', 'pem', seededBytes(43, 4000).toString('latin1'));
    assert.deepEqual(asPem.map((d) => d.code), ['core/binary-file']);
  });

  void test('the server still answers a hover afterwards', async () => {
    assert.ok(s.isRunning, `server exited; stderr: ${s.stderr}`);
    const h = await s.hover(uriOf('bad.pem'), { line: 1, character: 0 });
    assert.match((h?.contents as { value: string } | undefined)?.value ?? '', /invalid base64 in PEM block "CERTIFICATE"/);
    assert.equal(await s.hover(uriOf('random.nginx'), { line: 100_000, character: 5 }), null);
    if (certs) {
      const uri = uriOf('ok.crt');
      await s.open(uri, 'pem', certs.rsa.certPem);
      assert.match((((await s.hover(uri, { line: 1, character: 1 }))?.contents as { value: string } | undefined)?.value ?? ''), /RSA 2048 bits/);
    }
    assert.equal(s.stderr, '', 'nothing on stderr');
  });
});

void describe('shutdown and exit', () => {
  let s: LspSession | undefined;
  after(() => s?.dispose());

  void test('shutdown, then exit: the process ends with code 0', async () => {
    s = await LspSession.start({ workspaceFolders: [folder('shutdown')] });
    const status = await s.shutdownAndExit();
    assert.deepEqual(status, { code: 0, signal: null });
  });

  void test('exit without shutdown: the process ends with code 1 (as LSP specifies)', async () => {
    s?.dispose();
    s = await LspSession.start({ workspaceFolders: [folder('exit')] });
    await s.connection.sendNotification('exit');
    assert.deepEqual(await s.waitForExit(), { code: 1, signal: null });
  });

  void test(
    'a client that rejects client/registerCapability does not crash the server',
    async () => {
      s?.dispose();
      s = await LspSession.start({
        workspaceFolders: [folder('no-registration')],
        onRegistration: () => {
          throw new ResponseError(-32601, 'Unhandled method client/registerCapability');
        },
      });
      const uri = fileUri(path.join(tmp, 'no-registration', 'nginx.conf'));
      await s.open(uri, 'nginx', 'ssl_protocols TLSv1;\n');
      assert.equal((await s.diagnostics(uri)).diagnostics.length, 1);
      assert.ok(s.isRunning);
    },
  );
});

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CertificateDetails } from '../../../server/src/shared/protocol';

// Runs inside the VS Code extension host, on the examples/ workspace: binary certificate files
// open in TLS Lens's read-only custom editor with the details page, not as "binary".
const folder = (): vscode.Uri => {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the examples folder is open');
  return f.uri;
};

type Shown = Array<{ uri: string; title: string; html: string; details?: CertificateDetails }>;

function tool(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const found = r.status === 0 ? r.stdout.trim() : '';
  if (!found && process.env.TLS_LENS_REQUIRE_TOOLS === '1') throw new Error(`${name} is not installed, and TLS_LENS_REQUIRE_TOOLS=1 requires it`);
  return found || undefined;
}

function make(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** Resolves with the details page shown for `uri` once it lists `count` items. */
async function shownFor(uri: vscode.Uri, count: number): Promise<Shown[number]> {
  const giveUp = Date.now() + 45_000;
  let last: Shown = [];
  for (;;) {
    last = await vscode.commands.executeCommand<Shown>('tlsLens.containerEditorsShown');
    const hit = last.find((s) => s.uri === uri.toString() && s.details?.items.length === count);
    if (hit) return hit;
    if (Date.now() > giveUp) throw new Error(`no details page with ${count} items for ${uri.fsPath}; shown: ${JSON.stringify(last.map((s) => [s.uri, s.details?.items.length]))}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function customTab(uri: vscode.Uri): vscode.TabInputCustom | undefined {
  for (const t of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
    if (t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === uri.toString()) return t.input;
  }
  return undefined;
}

describe('Binary certificate files in VS Code', function () {
  let dir = '';
  let tools = true;
  before(async function () {
    await vscode.extensions.getExtension('tls-lens.tls-lens')?.activate();
    const openssl = tool('openssl');
    const keytool = tool('keytool');
    if (!openssl || !keytool) {
      tools = false;
      return;
    }
    dir = path.join(folder().fsPath, 'certs', 'zz-containers');
    fs.mkdirSync(dir, { recursive: true });
    const certs = path.join(folder().fsPath, 'certs');
    make(openssl, ['crl2pkcs7', '-nocrl', '-certfile', path.join(certs, 'chain.pem'), '-outform', 'DER', '-out', path.join(dir, 'bundle.p7b')], dir);
    make(keytool, ['-importcert', '-noprompt', '-alias', 'example-ca', '-file', path.join(certs, 'ca.crt'), '-storetype', 'JKS', '-keystore', path.join(dir, 'trust.jks'), '-storepass', 'changeit'], dir);
    make(openssl, ['x509', '-in', path.join(certs, 'valid.crt'), '-outform', 'DER', '-out', path.join(dir, 'valid-der.crt')], dir);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(function () {
    if (!tools) this.skip();
  });

  it('a PKCS#7 bundle opens in the custom editor with the details page (no script, strict CSP)', async () => {
    const uri = vscode.Uri.file(path.join(dir, 'bundle.p7b'));
    await vscode.commands.executeCommand('vscode.open', uri);
    assert.equal(customTab(uri)?.viewType, 'tlsLens.certificateContainer');
    const shown = await shownFor(uri, 2);
    assert.equal(shown.details?.container, 'PKCS#7 certificate bundle');
    assert.deepEqual(shown.details?.items.map((i) => i.facts.find((f) => f.label === 'Subject')?.value), ['C=US, O=TLS Lens Examples, CN=example.com', 'C=US, O=TLS Lens Examples, CN=TLS Lens Example CA']);
    assert.match(shown.html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-[^']+'; img-src 'none'; script-src 'none'/);
    assert.ok(!/<script/i.test(shown.html));
    assert.match(shown.html, /<h1>PKCS#7 certificate bundle<\/h1>/);
  });

  it('a JKS trust store: its certificate entries, read without the store password', async () => {
    const uri = vscode.Uri.file(path.join(dir, 'trust.jks'));
    await vscode.commands.executeCommand('vscode.open', uri);
    const shown = await shownFor(uri, 1);
    assert.equal(shown.details?.container, 'JKS keystore');
    assert.equal(shown.details?.items[0]?.entry.container, 'JKS entry "example-ca" (trusted certificate)');
    assert.ok(shown.details?.notes?.some((n) => /read without the store password/.test(n.message)));
  });

  it('a DER .crt opened as text is reopened in the details editor instead of "the file is binary"', async () => {
    const uri = vscode.Uri.file(path.join(dir, 'valid-der.crt'));
    await vscode.commands.executeCommand('vscode.open', uri);
    const shown = await shownFor(uri, 1);
    assert.equal(shown.details?.container, 'DER certificate');
    assert.equal(customTab(uri)?.viewType, 'tlsLens.certificateFile');
    const textTabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
    assert.deepEqual(textTabs, [], 'the text tab is closed');
  });
});

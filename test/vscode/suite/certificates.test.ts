import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CertificateDetails } from '../../../server/src/shared/protocol';

// Runs inside the VS Code extension host, on the examples/ workspace.
const folder = (): vscode.Uri => {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the examples folder is open');
  return f.uri;
};
const file = (...parts: string[]): vscode.Uri => vscode.Uri.joinPath(folder(), ...parts);

type Snapshot = Array<{ label: string; description: string; collapsed?: boolean; children: Array<{ label: string; description: string; tooltip?: string; contextValue?: string }> }>;
type EntryNode = { kind: 'entry'; entry: { uri: string; kind: string; commonName?: string; sha256?: string; range: { start: { line: number } } } };

/** What the CodeLens says about an example certificate, computed independently with node:crypto. */
async function expectedTitle(uri: vscode.Uri, index = 0): Promise<string> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const pem = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)?.[index];
  assert.ok(pem, `certificate #${index} in ${uri.fsPath}`);
  const cert = new X509Certificate(pem);
  const cn = /(?:^|\n)CN=(.*)/.exec(cert.subject)?.[1];
  const sans = (cert.subjectAltName ?? '').split(', ').filter(Boolean).length;
  const notAfter = new Date(cert.validTo);
  const days = Math.floor((notAfter.getTime() - Date.now()) / 86_400_000);
  // A CA has no SANs and does not say "0 SANs".
  const sanPart = cert.ca && sans === 0 ? '' : ` · ${sans} SAN${sans === 1 ? '' : 's'}`;
  return `CN=${cn}${sanPart} · expires ${notAfter.toISOString().slice(0, 10)} (${days} d)`;
}

/** Asks for CodeLenses until the language server answers with some (it may still be starting). */
async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  const giveUp = Date.now() + 45_000;
  for (;;) {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
    const ours = lenses.filter((l) => l.command?.command === 'tlsLens.showCertificateDetails');
    if (ours.length || Date.now() > giveUp) return ours;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Resolves when a tab with this label is open (the workbench adds webview tabs asynchronously). */
function tabOpened(label: string): Promise<void> {
  const labels = (): string[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
  return new Promise((resolve, reject) => {
    if (labels().includes(label)) return resolve();
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no "${label}" tab; open tabs: ${JSON.stringify(labels())}`));
    }, 20_000);
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (!labels().includes(label)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

describe('Certificates in VS Code', () => {
  before(async () => {
    await vscode.extensions.getExtension('tls-lens.tls-lens')?.activate();
  });

  it('shows a CodeLens above each certificate of a bundle, with "Show details"', async () => {
    const uri = file('certs', 'chain.pem');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const lenses = await lensesOf(uri);
    const caLine = doc.getText().split('\n').findIndex((l, i) => i > 0 && l.startsWith('-----BEGIN CERTIFICATE'));
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title]),
      [
        [0, await expectedTitle(uri, 0)],
        [0, 'Show details (1 of 2)'],
        [caLine, await expectedTitle(uri, 1)],
        [caLine, 'Show details (2 of 2)'],
      ],
    );
    assert.match(lenses[0]!.command!.title, /^CN=example\.com · 3 SANs · expires \d{4}-\d{2}-\d{2} \(\d+ d\)$/);
  });

  it('"Show details" opens the details of the whole chain', async () => {
    const uri = file('certs', 'chain.pem');
    const [lens] = await lensesOf(uri);
    assert.ok(lens?.command);
    const args = (lens.command.arguments ?? []) as unknown[];
    const details = await vscode.commands.executeCommand<CertificateDetails>(lens.command.command, ...args);
    assert.equal(details.items.length, 2);
    assert.equal(details.focus, 0);
    assert.deepEqual(details.items[0]!.facts.slice(0, 8).map((f) => f.label), ['Subject', 'Issuer', 'SANs', 'Valid', 'Key', 'Signature', 'Serial', 'SHA-256']);
    assert.match(details.items[1]!.facts[0]!.value, /CN=TLS Lens Example CA/);
    await tabOpened('Certificate: example.com');
  });

  it('lists the example certificates in the Certificates view, soonest expiry first', async () => {
    await vscode.commands.executeCommand('tlsLens.certificates.focus');
    const snapshot = await vscode.commands.executeCommand<Snapshot>('tlsLens.refreshCertificates');
    const files = snapshot.map((n) => n.label);
    for (const f of ['certs/expired.crt', 'certs/self-signed.crt', 'certs/chain.pem', 'certs/valid.crt', 'certs/ca.crt']) {
      assert.ok(files.includes(f), `${f} listed in ${JSON.stringify(files)}`);
    }
    assert.equal(files[0], 'certs/expired.crt', 'the expired certificate comes first');
    assert.ok(files.indexOf('certs/self-signed.crt') < files.indexOf('certs/ca.crt'));
    const expired = snapshot[0]!;
    assert.equal(expired.description, '1 certificate');
    assert.equal(expired.children[0]!.label, 'CN=old.example.com');
    // Expiry first: the description is cut at the view's width.
    assert.match(expired.children[0]!.description, /^expired \d{4}-\d{2}-\d{2} \(\d+ d ago\) · 1 SAN$/);
    const chain = snapshot.find((n) => n.label === 'certs/chain.pem')!;
    assert.deepEqual(chain.children.map((c) => c.label), ['CN=example.com', 'CN=TLS Lens Example CA']);
    assert.match(chain.children[0]!.description, / · 1 of 2$/);
  });

  it('refreshes the view when a certificate file appears or goes away', async () => {
    const shown = async (): Promise<string[]> => (await vscode.commands.executeCommand<Snapshot>('tlsLens.certificatesShown')).map((n) => n.label);
    const until = async (what: string, ok: (files: string[]) => boolean): Promise<void> => {
      const giveUp = Date.now() + 30_000;
      while (!ok(await shown())) {
        if (Date.now() > giveUp) throw new Error(`the view never showed ${what}: ${JSON.stringify(await shown())}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await vscode.commands.executeCommand('tlsLens.certificates.focus');
    const copy = file('certs', 'zz-watched.pem');
    await vscode.workspace.fs.copy(file('certs', 'expired.crt'), copy, { overwrite: true });
    try {
      await until('certs/zz-watched.pem', (f) => f.includes('certs/zz-watched.pem'));
    } finally {
      await vscode.workspace.fs.delete(copy);
    }
    await until('certs/zz-watched.pem gone', (f) => !f.includes('certs/zz-watched.pem') && f.includes('certs/expired.crt'));
  });

  it('the context menu copies the fingerprint and the PEM and reveals the certificate; tooltips have the facts; large bundles start collapsed', async () => {
    const chain = file('certs', 'chain.pem');
    const big = file('zz-bundle', 'ca-bundle.pem');
    const pems = new TextDecoder().decode(await vscode.workspace.fs.readFile(chain)).match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g)!;
    await vscode.workspace.fs.writeFile(big, new TextEncoder().encode(Array.from({ length: 6 }, () => pems.join('')).join('')));
    try {
      await vscode.commands.executeCommand('tlsLens.certificates.focus');
      const snapshot = await vscode.commands.executeCommand<Snapshot>('tlsLens.refreshCertificates');
      const bundle = snapshot.find((n) => n.label === 'zz-bundle/ca-bundle.pem');
      assert.equal(bundle?.collapsed, true, '12 certificates: collapsed');
      assert.equal(snapshot.find((n) => n.label === 'certs/chain.pem')?.collapsed, undefined, 'two: open');
      const leaf = snapshot.find((n) => n.label === 'certs/chain.pem')!.children[0]!;
      assert.equal(leaf.contextValue, 'tlsLens.certificate.host', 'a leaf with DNS names: "Probe the Host" is offered');
      assert.match(leaf.tooltip ?? '', /Subject: .*\nIssuer: .*[\s\S]*SANs: DNS:example\\\.com[\s\S]*SHA-256: `([0-9A-F]{2}:){31}[0-9A-F]{2}`/);
      const ca = snapshot.find((n) => n.label === 'certs/ca.crt')!.children[0]!;
      assert.doesNotMatch(ca.description, /0 SANs/);
      assert.equal(ca.contextValue, 'tlsLens.certificate', 'a CA: no host to probe');

      const nodes = await vscode.commands.executeCommand<EntryNode[]>('tlsLens.certificateNodes');
      const node = nodes.find((n) => n.entry.uri === chain.toString() && n.entry.range.start.line === 0)!;
      const expected = new X509Certificate(pems[0]);
      assert.equal(await vscode.commands.executeCommand('tlsLens.copyCertificateFingerprint', node), expected.fingerprint256);
      assert.equal(await vscode.env.clipboard.readText(), expected.fingerprint256);
      const pem = await vscode.commands.executeCommand<string>('tlsLens.copyCertificatePem', node);
      assert.equal(pem.replace(/\s+/g, ''), pems[0].replace(/\s+/g, ''));
      assert.equal(await vscode.env.clipboard.readText(), pem);
      const editor = await vscode.commands.executeCommand<vscode.TextEditor>('tlsLens.revealCertificate', node);
      assert.equal(editor.document.uri.toString(), chain.toString());
      assert.equal(editor.selection.active.line, 0);
    } finally {
      await vscode.workspace.fs.delete(file('zz-bundle'), { recursive: true });
    }
  });

  it('exports the inventory as CSV and JSON', async () => {
    const dir = path.join(os.tmpdir(), `tls-lens-export-${process.pid}`);
    const csvUri = vscode.Uri.file(path.join(dir, 'inventory.csv'));
    const jsonUri = vscode.Uri.file(path.join(dir, 'inventory.json'));
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('tlsLens.exportCertificateInventory', csvUri))?.toString(), csvUri.toString());
    const csv = new TextDecoder().decode(await vscode.workspace.fs.readFile(csvUri)).split('\r\n');
    assert.match(csv[0]!, /^file,line,kind,label,container,chain,status,commonName,/);
    assert.match(csv[1]!, /^certs\/expired\.crt,1,certificate,CERTIFICATE,,,expired,old\.example\.com,/);
    // Days left as the view counts them: "(N d ago)" is -N.
    const shown = await vscode.commands.executeCommand<Snapshot>('tlsLens.certificatesShown');
    const ago = Number(/\((\d+) d ago\)/.exec(shown.find((n) => n.label === 'certs/expired.crt')!.children[0]!.description)?.[1]);
    const cells = (line: string): string[] => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1]!);
    const columns = cells(csv[0]!);
    assert.equal(Number(cells(csv[1]!)[columns.indexOf('daysLeft')]), -ago);
    await vscode.commands.executeCommand('tlsLens.exportCertificateInventory', jsonUri);
    const json = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(jsonUri))) as { entries: Array<{ file: string; status?: string }> };
    assert.ok(json.entries.some((e) => e.file === 'certs/valid.crt' && e.status === 'ok'));
    await vscode.workspace.fs.delete(vscode.Uri.file(dir), { recursive: true });
  });
});

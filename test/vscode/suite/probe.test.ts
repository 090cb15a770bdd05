import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProbeCommandOutcome } from '../../../client/src/probe/command';
import { configLinks } from '../../../client/src/probe/html';
import { startProbeServers, type ProbeFixtures } from '../../support/nginxServer';
import { findTool } from '../../support/tools';

/** Resolves when a webview tab with this label is open (the workbench adds tabs asynchronously). */
function reportTab(label: string): Promise<void> {
  const open = (): boolean => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputWebview && t.label === label);
  if (open()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no tab "${label}"; tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)).join(', ')}`));
    }, 20_000);
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (!open()) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

// Runs inside the VS Code extension host: a real nginx started here, probed through the
// command (language server, progress notification, webview report).
describe('TLS Lens: Probe Endpoint', () => {
  let fx: ProbeFixtures | undefined;
  let caFile = '';

  before(async function () {
    const nginx = findTool('nginx');
    const openssl = findTool('openssl');
    if (nginx.skip || openssl.skip) this.skip();
    fx = await startProbeServers(nginx.path!, openssl.path!);
    caFile = path.join(fx.dir, 'test-root.pem');
    writeFileSync(caFile, fx.rootPem);
  });
  after(() => fx?.stop());

  it('probes a local nginx and shows the graded report in a webview', async () => {
    const f = fx!;
    const out = await vscode.commands.executeCommand<ProbeCommandOutcome>('tlsLens.probeEndpoint', { target: `${f.host}:${f.ports.valid}`, connectTo: '127.0.0.1', caFile });
    assert.ok(out.result?.ok, JSON.stringify(out.result));
    assert.equal(out.result.report.grade.letter, 'A+');
    assert.equal(out.result.report.trust?.trusted, true);
    assert.ok(out.html?.includes('<span class="grade good" id="grade">A+</span>'), 'the report shows the grade');
    assert.match(out.html ?? '', /probe\/no-forward-secrecy/);
    assert.match(out.html ?? '', /Content-Security-Policy" content="default-src 'none';/);
    // Compared with the workspace folder, which does not define this test host.
    assert.equal(out.result.report.config?.name, 'probe.test');
    assert.match(out.html ?? '', /<h2>Configuration<\/h2><p class="undefined">Nothing in the workspace defines probe\.test:\d+ \(\d+ nginx files(, \d+ \w+ files?)* and \d+ manifests searched\)\.<\/p>/);
    await reportTab(`TLS Lens: probe.test:${f.ports.valid}`);
    // Most severe first, and a time a person reads.
    const order = [...(out.html ?? '').matchAll(/<tr class="(error|warning|info|hint)">/g)].map((m) => m[1]);
    const rank = { error: 0, warning: 1, info: 2, hint: 3 } as Record<string, number>;
    assert.deepEqual(order, [...order].sort((a, b) => rank[a!]! - rank[b!]!), `findings by severity: ${order.join(', ')}`);
    assert.match(out.html ?? '', /probed <time datetime="[^"]+">\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC<\/time>/);
  });

  it('the input takes name@address:port, suggests the hosts the workspace defines, and probes what was typed', async () => {
    const f = fx!;
    type State = { value: string; items: Array<{ label: string; description?: string; kind?: string }> };
    const running = vscode.commands.executeCommand<ProbeCommandOutcome>('tlsLens.probeEndpoint');
    const giveUp = Date.now() + 30_000;
    let state: State | undefined;
    while (!state?.items.some((i) => i.label === 'Defined in the workspace')) {
      if (Date.now() > giveUp) throw new Error(`no workspace hosts offered: ${JSON.stringify(state)}`);
      await new Promise((r) => setTimeout(r, 200));
      state = await vscode.commands.executeCommand<State | undefined>('tlsLens.probeInputState');
    }
    const weak = state.items.find((i) => i.label === 'weak.example.com');
    assert.equal(weak?.description, 'nginx/sites-enabled/weak.example.com:10');
    assert.ok(state.items.some((i) => i.label === 'legacy.weak.example.com:8443'));
    assert.ok(state.items.some((i) => i.label.includes('step by step')));
    const typed = `${f.host}@127.0.0.1:${f.ports.valid}`;
    await vscode.commands.executeCommand('tlsLens.probeInputType', typed);
    state = await vscode.commands.executeCommand<State | undefined>('tlsLens.probeInputState');
    assert.deepEqual(state?.items[0], { label: typed, description: `probe ${f.host}:${f.ports.valid} at 127.0.0.1` });
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const out = await running;
    assert.ok(out.result?.ok, JSON.stringify(out.result));
    assert.equal(out.result.report.endpoint, `${f.host}:${f.ports.valid}`);
    assert.equal(out.result.report.connectTo, '127.0.0.1');
    assert.equal(out.result.report.hostname.name, f.host, 'the name is what the certificate must cover');
    assert.match(out.html ?? '', new RegExp(`${f.host.replace('.', '\\.')}:${f.ports.valid} at 127\\.0\\.0\\.1`));
  });

  it('links a finding to the workspace line that causes it, and opens it', async () => {
    const f = fx!;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    // A server for the test host in the example nginx.conf's conf.d/, for this test only.
    const conf = vscode.Uri.joinPath(folder.uri, 'nginx', 'conf.d', 'zz-probe-test.conf');
    writeFileSync(conf.fsPath, `server {\n    listen 127.0.0.1:${f.ports.valid} ssl;\n    server_name ${f.host};\n    ssl_protocols TLSv1.2 TLSv1.3;\n}\n`);
    try {
      const out = await vscode.commands.executeCommand<ProbeCommandOutcome>('tlsLens.probeEndpoint', { target: `${f.host}:${f.ports.valid}`, connectTo: '127.0.0.1', caFile });
      assert.ok(out.result?.ok, JSON.stringify(out.result));
      const report = out.result.report;
      assert.deepEqual(report.config?.definitions.map((d) => [d.kind, d.at.uri, d.at.range.start.line]), [['nginx', conf.toString(), 2]]);
      const nofs = report.findings.find((x) => x.ruleId === 'probe/no-forward-secrecy');
      assert.match(nofs?.config?.[0]?.label ?? '', /^no ssl_ciphers in this server: nginx's default/);
      const index = configLinks(report).indexOf(nofs!.config![0]!);
      assert.ok(index > 0);
      assert.match(out.html ?? '', new RegExp(`data-link="${index}"[^>]*>nginx/conf\\.d/zz-probe-test\\.conf:1</a>`));
      const editor = await vscode.commands.executeCommand<vscode.TextEditor | undefined>('tlsLens.probeOpenConfig', index);
      assert.equal(editor?.document.uri.toString(), conf.toString());
      assert.equal(vscode.window.activeTextEditor?.selection.start.line, 0);
      assert.equal(await vscode.commands.executeCommand('tlsLens.probeOpenConfig', 9999), undefined);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      rmSync(conf.fsPath, { force: true });
    }
  });

  it('offers a "Probe" CodeLens above server_name of TLS servers', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const uri = vscode.Uri.joinPath(folder.uri, 'nginx', 'sites-enabled', 'weak.example.com');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    // Diagnostics for the file mean the language server has it: then one request suffices.
    await new Promise<void>((resolve, reject) => {
      const ready = (): boolean => vscode.languages.getDiagnostics(uri).some((d) => d.source === 'tls-lens');
      if (ready()) return resolve();
      const timer = setTimeout(() => reject(new Error('no diagnostics for the nginx file')), 45_000);
      const sub = vscode.languages.onDidChangeDiagnostics(() => {
        if (!ready()) return;
        clearTimeout(timer);
        sub.dispose();
        resolve();
      });
    });
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const probe = lenses.find((l) => l.command?.title === 'Probe weak.example.com');
    assert.ok(probe, JSON.stringify(lenses.map((l) => l.command?.title)));
    assert.equal(probe.command?.command, 'tlsLens.probeEndpoint');
    assert.ok(lenses.some((l) => l.command?.title === 'Probe legacy.weak.example.com:8443'));
  });

  it('an endpoint that refuses is a message, not a report', async () => {
    const f = fx!;
    // The self-signed server without the test CA: still a report (graded T).
    const t = await vscode.commands.executeCommand<ProbeCommandOutcome>('tlsLens.probeEndpoint', { target: `127.0.0.1:${f.ports.selfSigned}`, sni: f.host });
    assert.ok(t.result?.ok);
    assert.equal(t.result.report.grade.letter, 'T');
    const r = await vscode.commands.executeCommand<ProbeCommandOutcome>('tlsLens.probeEndpoint', { target: '127.0.0.1:1' });
    assert.equal(r.result?.ok, false);
    assert.equal(r.html, undefined);
    assert.match(r.error?.message ?? '', /^TLS Lens: could not probe 127\.0\.0\.1:1: /);
    assert.deepEqual(r.error?.actions, ['Retry', 'Edit']);
  });
});

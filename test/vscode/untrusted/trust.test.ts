import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { ProbeCommandOutcome } from '../../../client/src/probe/command';

/**
 * Runs in the real extension host with workspace trust on and the folder untrusted
 * (`npm run test:vscode:untrusted`: run-offline --workspace-trust). VS Code refuses to show
 * modal dialogs while extension tests run and rejects with the dialog's contents, so the
 * question is seen exactly as it would be asked; answering it is not possible here (the
 * choice itself is client/src/probe/trust.ts, unit-tested).
 */
describe('TLS Lens: Probe Endpoint in an untrusted workspace', () => {
  let server: net.Server;
  let port = 0;
  let connections = 0;
  let fromFile = '';

  before(async () => {
    server = net.createServer((c) => {
      connections++;
      c.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    fromFile = vscode.Uri.joinPath(folder.uri, 'nginx', 'sites-enabled', 'weak.example.com').toString();
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('the folder is open in restricted mode', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('a host from a file (the Probe CodeLens) asks a modal question first, naming the host and the file; nothing is contacted', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand<ProbeCommandOutcome>('tlsLens.probeEndpoint', { target: `127.0.0.1:${port}`, fromFile })),
      (e: Error) => {
        assert.match(e.message, /refused to show dialog in tests/);
        assert.ok(
          e.message.includes(`Probe 127.0.0.1:${port}? The host comes from nginx/sites-enabled/weak.example.com in a workspace you have not trusted; TLS Lens will connect to it over the network.`),
          e.message,
        );
        return true;
      },
    );
    assert.equal(connections, 0);
  });

  it('a host the person typed is probed without a question', async () => {
    const out = await vscode.commands.executeCommand<ProbeCommandOutcome>('tlsLens.probeEndpoint', { target: `127.0.0.1:${port}` });
    assert.equal(out.declined, undefined);
    assert.ok(out.result && !out.result.ok, JSON.stringify(out));
    assert.ok(connections > 0);
  });
});

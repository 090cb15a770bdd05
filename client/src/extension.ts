import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  TransportKind,
  WorkDoneProgress,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { ClientCommands, ServerCommands, type CheckWorkspaceResult } from '../../server/src/shared/protocol';
import { ProbeCommand, type ProbeCommandArgs } from './probe/command';
import { registerCertificates } from './certificates';

let client: LanguageClient | undefined;

/** The documents TLS Lens looks at: nginx, HAProxy, PEM files, YAML (Kubernetes manifests, the policy file). */
const DOCUMENT_SELECTOR = [
  { language: 'nginx' },
  { language: 'haproxy' },
  { language: 'pem' },
  { language: 'yaml' },
  { scheme: 'file', pattern: '**/.tls-lens.json' },
  { scheme: 'file', pattern: '**/*.{pem,crt,cer,key,csr}' },
];

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    // Policy files, and manifests (Kubernetes rules follow references across files).
    synchronize: { fileEvents: [vscode.workspace.createFileSystemWatcher('**/.tls-lens.{yaml,json}'), vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml,json}')] },
    outputChannelName: 'TLS Lens',
  };
  return new LanguageClient('tlsLens', 'TLS Lens', serverOptions, clientOptions);
}

function summarize(r: CheckWorkspaceResult): string {
  const total = r.findings.error + r.findings.warning + r.findings.info + r.findings.hint;
  const parts = [`${r.findings.error} error(s)`, `${r.findings.warning} warning(s)`, `${r.findings.info + r.findings.hint} note(s)`];
  const head = r.cancelled ? 'TLS Lens: check cancelled;' : 'TLS Lens:';
  const errors = r.errors.length ? ` ${r.errors.length} path(s) could not be read (see Output).` : '';
  return `${head} ${total} finding(s) (${parts.join(', ')}) in ${r.filesWithFindings} of ${r.filesChecked} file(s) checked.${errors}`;
}

async function checkWorkspace(): Promise<CheckWorkspaceResult | undefined> {
  const c = client;
  if (!c) return undefined;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'TLS Lens', cancellable: true },
    async (progress, token) => {
      const workDoneToken = randomUUID();
      let last = 0;
      const sub = c.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
        if (v.kind === 'end') return;
        const pct = v.percentage ?? last;
        progress.report({ message: v.message ?? '', increment: Math.max(0, pct - last) });
        last = pct;
      });
      try {
        return (await c.sendRequest(
          ExecuteCommandRequest.type,
          { command: ServerCommands.checkWorkspace, arguments: [], workDoneToken },
          token,
        )) as CheckWorkspaceResult;
      } finally {
        sub.dispose();
      }
    },
  );
  for (const e of result.errors) c.outputChannel.appendLine(`cannot read ${e}`);
  void vscode.window.showInformationMessage(summarize(result), 'Show Problems').then((pick) => {
    if (pick) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return result;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = createClient(context);
  const probe = new ProbeCommand(context, () => client);
  context.subscriptions.push(
    { dispose: () => void client?.stop() },
    vscode.commands.registerCommand(ClientCommands.checkWorkspace, checkWorkspace),
    vscode.commands.registerCommand(ClientCommands.restartServer, async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand(ClientCommands.showOutput, () => client?.outputChannel.show(true)),
    vscode.commands.registerCommand(ClientCommands.probeEndpoint, (args?: ProbeCommandArgs) => probe.run(args)),
    vscode.commands.registerCommand(ClientCommands.probeOpenConfig, (index: unknown) => probe.openConfig(index)),
  );
  registerCertificates(context, () => client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  await c?.stop();
}

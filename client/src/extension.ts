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
import { ClientCommands, ServerCommands, type CheckWorkspaceResult, type TlsLensInitializationOptions } from '../../server/src/shared/protocol';
import { summarize } from './summary';
import { ProbeCommand, type ProbeCommandArgs } from './probe/command';
import { registerCertificates } from './certificates';
import { registerContainerEditor } from './certificates/containerEditor';
import { linkRulePages, showRuleDocumentation } from './docs';
import { LanguageStatus } from './status';

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
    // "Show documentation" code actions and hover links call the client's command: rule pages open rendered.
    initializationOptions: { showDocumentationCommand: ClientCommands.showRuleDocumentation } satisfies TlsLensInitializationOptions,
    markdown: { isTrusted: { enabledCommands: [ClientCommands.showRuleDocumentation] } },
    middleware: { handleDiagnostics: (uri, diagnostics, next) => next(uri, linkRulePages(diagnostics)) },
  };
  return new LanguageClient('tlsLens', 'TLS Lens', serverOptions, clientOptions);
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

/** What `activate` returns: where this extension host keeps its logs (the output channel's file is beside them). */
export interface TlsLensExports {
  logUri: vscode.Uri;
}

export async function activate(context: vscode.ExtensionContext): Promise<TlsLensExports> {
  client = createClient(context);
  const probe = new ProbeCommand(context, () => client);
  const status = new LanguageStatus(DOCUMENT_SELECTOR, () => client);
  status.watch(client);
  context.subscriptions.push(
    status,
    vscode.commands.registerCommand(ClientCommands.showRuleDocumentation, (ruleId: unknown) => showRuleDocumentation(context, ruleId)),
    vscode.commands.registerCommand(ClientCommands.openPolicyFile, openPolicyFile),
    // Not contributed: what the language status item shows, refreshed now (the VS Code suite reads it).
    vscode.commands.registerCommand('tlsLens.languageStatusShown', () => status.snapshot()),
    { dispose: () => void client?.stop() },
    vscode.commands.registerCommand(ClientCommands.checkWorkspace, checkWorkspace),
    vscode.commands.registerCommand(ClientCommands.restartServer, async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand(ClientCommands.showOutput, () => client?.outputChannel.show(true)),
    vscode.commands.registerCommand(ClientCommands.probeEndpoint, (args?: ProbeCommandArgs) => probe.run(args)),
    vscode.commands.registerCommand(ClientCommands.probeOpenConfig, (index: unknown) => probe.openConfig(index)),
    // Not contributed: the open Probe Endpoint input's value and items (the VS Code suite reads them).
    vscode.commands.registerCommand('tlsLens.probeInputState', () => probe.inputState()),
    vscode.commands.registerCommand('tlsLens.probeInputType', (value: unknown) => probe.typeIntoInput(value)),
  );
  registerCertificates(context, () => client);
  registerContainerEditor(context, () => client);
  await client.start();
  return { logUri: context.logUri };
}

/** Opens a policy file (the status item's action), at a line when given (its first problem). */
async function openPolicyFile(uri?: unknown, line?: unknown): Promise<vscode.TextEditor | undefined> {
  if (typeof uri !== 'string') return undefined;
  const at = typeof line === 'number' && line >= 0 ? new vscode.Position(line, 0) : undefined;
  return vscode.window.showTextDocument(vscode.Uri.parse(uri), at ? { selection: new vscode.Range(at, at) } : {});
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  await c?.stop();
}

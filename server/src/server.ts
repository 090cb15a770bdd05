import {
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type CancellationToken,
  type ClientCapabilities,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ConfinedHost, POLICY_FILE_NAMES, TextDoc, detectFormat, mayHoldManifests } from './core';
import { NodeHost } from './host/nodeHost';
import { productVersion } from './install';
import { CertificateFeatures } from './lsp/certificates';
import { WorkspaceChecker } from './lsp/commands';
import { CodeActions, FIX_ALL_KIND } from './lsp/codeActions';
import { pathToUri, uriToPath } from './lsp/convert';
import { DocumentLinter } from './lsp/diagnostics';
import { hover } from './lsp/hover';
import { IdleMemory } from './lsp/idleMemory';
import { OutputLog } from './lsp/outputLog';
import { policyCompletion, ruleDocUri } from './lsp/policyAssist';
import { probeTargets } from './lsp/probeTargets';
import { fileStatus } from './lsp/status';
import { isNginxFileEvent, watchNginxFiles } from './lsp/nginxWatch';
import { KubeWorkspace } from './lsp/kubeWorkspace';
import { PolicyResolver } from './lsp/policy';
import type * as ProbeModule from './lsp/probe';
import { probeLenses } from './lsp/probeLens';
import { SettingsCache } from './lsp/settings';
import { ProbeTargetsRequest, ServerCommands, StatusRequest, plural, severityCounts, type StatusParams, type TlsLensInitializationOptions } from './shared/protocol';

// Wiring only: the transport (stdio, IPC or a socket) comes from the command line.
const connection = createConnection(ProposedFeatures.all);

function logError(what: string): (e: unknown) => void {
  return (e) => connection.console.error(`TLS Lens: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
}
// The server outlives any single failure: a stray rejection is logged, never fatal.
process.on('unhandledRejection', logError('a background task'));
const documents = new TextDocuments(TextDocument);
let folders: string[] = [];
// The server reads nothing outside its workspace folders (and the folders pathMappings name):
// an include of /etc/… or ../../x is judged by what the workspace holds, never by this machine.
const disk = new NodeHost();
const host = new ConfinedHost(disk, () => folders);
let canPullSettings = false;
let canRegisterConfigurationChange = false;
let clientCapabilities: ClientCapabilities = {};
let initOptions: TlsLensInitializationOptions = {};
const log = new OutputLog(connection);

const settings = new SettingsCache(connection, () => canPullSettings);
// Policy files: the nearest one within the folder, or the one tlsLens.policyFile names.
const policies = new PolicyResolver(disk, () => folders, (root) => host.allow(root));
const linter = new DocumentLinter(connection, documents, settings, policies, host);
const checker = new WorkspaceChecker(connection, documents, settings, policies, linter, host, () => folders);
// The prober (node:tls, node:http2, the scanner) loads on the first probe, not at start-up.
let prober: ProbeModule.EndpointProber | undefined;
const getProber = (): ProbeModule.EndpointProber => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load
  const { EndpointProber } = require('./lsp/probe') as typeof ProbeModule;
  return (prober ??= new EndpointProber(settings, policies, host, () => folders, () => kube.get(), (p) => documents.get(pathToUri(p))?.getText()));
};
const certificates = new CertificateFeatures({ connection, documents, linter, settings, policies, host, folders: () => folders });
const kube = new KubeWorkspace(host, () => folders, documents);
linter.kube = kube;
checker.kube = kube;
// Memory goes back to the system after a quiet spell (lints and the index build are the activity).
const idle = new IdleMemory();
linter.idle = idle;
kube.idle = idle;
kube.onBuilt = (index, ms) => log.index(index.fileCount, index.resourceCount, ms);

/** How a client shows a rule's page: its own command (VS Code's Markdown preview), else `window/showDocument`, else not at all. */
function docsCommand(): string | undefined {
  if (typeof initOptions.showDocumentationCommand === 'string') return initOptions.showDocumentationCommand;
  return clientCapabilities.window?.showDocument?.support ? ServerCommands.showRuleDocumentation : undefined;
}
const actions = new CodeActions(documents, linter, () => {
  const command = docsCommand();
  return {
    resolveEdits: clientCapabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') === true,
    ...(clientCapabilities.workspace?.applyEdit ? { fixAllCommand: ServerCommands.fixAll } : {}),
    ...(command ? { docsCommand: command } : {}),
  };
});
/** A link to a rule's page in a hover: the client's command where it has one, else the file. */
function docsLink(ruleId: string): string | undefined {
  const command = initOptions.showDocumentationCommand;
  return command ? `command:${command}?${encodeURIComponent(JSON.stringify([ruleId]))}` : ruleDocUri(ruleId);
}
const logPolicies = (): void => void log.policies(folders, policies, settings).catch(logError('logging the policies'));

connection.onInitialize((params): InitializeResult => {
  clientCapabilities = params.capabilities;
  initOptions = (params.initializationOptions && typeof params.initializationOptions === 'object' ? params.initializationOptions : {}) as TlsLensInitializationOptions;
  canPullSettings = params.capabilities.workspace?.configuration === true;
  canRegisterConfigurationChange = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  certificates.initialize(params.capabilities);
  folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
  if (folders.length === 0 && params.rootUri) folders = [uriToPath(params.rootUri)];
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix', FIX_ALL_KIND], resolveProvider: true },
      codeLensProvider: { resolveProvider: false },
      // Policy files: keys on a new line or after "  ", values after ": ".
      completionProvider: { triggerCharacters: [' ', ':'] },
      executeCommandProvider: { commands: [ServerCommands.checkWorkspace, ServerCommands.probe, ServerCommands.showRuleDocumentation, ServerCommands.fixAll] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'TLS Lens', version: productVersion() },
  };
});

connection.onInitialized(() => {
  log.started(productVersion(), folders);
  logPolicies();
  watchNginxFiles(connection, clientCapabilities);
  if (canPullSettings && canRegisterConfigurationChange) {
    connection.client.register(DidChangeConfigurationNotification.type, undefined).catch((e: unknown) => {
      connection.console.warn(`TLS Lens: the client refused to send configuration changes: ${String(e)}`);
    });
  }
  connection.workspace.onDidChangeWorkspaceFolders((e) => {
    const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
    folders = folders.filter((f) => !removed.has(f)).concat(e.added.map((f) => uriToPath(f.uri)));
    policies.invalidate();
    kube.reset();
    linter.relintAll();
    logPolicies();
  });
});

connection.onDidChangeConfiguration((change) => {
  settings.changed(change.settings);
  policies.invalidate();
  linter.relintAll();
  certificates.refresh();
  logPolicies();
});

connection.onDidChangeWatchedFiles((change) => {
  // Manifests changed on disk: the index follows, and open manifests are judged again.
  const manifests = change.changes.map((c) => uriToPath(c.uri)).filter(mayHoldManifests);
  if (manifests.length) {
    Promise.all(manifests.map((f) => kube.refresh(f)))
      .then(() => linter.relintAll())
      .catch(logError('updating the manifest index'));
  }
  if (change.changes.some((c) => POLICY_FILE_NAMES.some((n) => c.uri.endsWith('/' + n)))) {
    policies.invalidate();
    linter.relintAll();
    logPolicies();
  } else if (change.changes.some(isNginxFileEvent)) {
    linter.nginxFilesChanged();
  }
});

// Fires on open too: the first version is linted at once, later edits after a pause.
// Policy file edits take effect for other files when saved (see onDidChangeWatchedFiles).
documents.onDidChangeContent((e) => linter.changed(e.document.uri));
documents.onDidClose((e) => {
  settings.forget(e.document.uri);
  linter.close(e.document.uri);
  kube.refresh(uriToPath(e.document.uri)).catch(logError('re-reading a closed manifest'));
  checker.documentClosed(e.document.uri).catch(logError('refreshing a closed document'));
});
// A saved policy file applies to the other open documents at once.
documents.onDidSave((e) => {
  const file = uriToPath(e.document.uri);
  const format = detectFormat(new TextDoc(file, '', e.document.languageId));
  if (format === 'policy' || linter.isNamedPolicyFile(file)) {
    policies.invalidate();
    linter.relintAll();
    logPolicies();
  } else if (format === 'nginx') {
    // Snippets are judged with their nginx.conf, and nginx.conf with its includes.
    linter.relintAll();
  }
});

connection.onHover((params) => hover(documents, linter, host, params, docsLink));
connection.onCodeAction((params) => actions.provide(params));
connection.onCodeActionResolve((action) => actions.resolve(action));
connection.onCompletion((params) => policyCompletion(documents, linter, params, clientCapabilities.textDocument?.completion?.completionItem?.snippetSupport === true));
connection.onRequest(StatusRequest, (params: StatusParams) => fileStatus(documents, linter, policies, settings, params));
connection.onRequest(ProbeTargetsRequest, (_params: unknown, token: CancellationToken) =>
  probeTargets(host, folders, () => kube.get(), (p) => documents.get(pathToUri(p))?.getText(), token),
);
// One handler for every lens: certificates and keys, and "Probe" above nginx TLS server names.
connection.onCodeLens(async (params) => [...(await certificates.codeLenses(params)), ...(await probeLenses(documents, linter, params))]);

connection.onExecuteCommand(async (params, token, workDone) => {
  if (params.command === ServerCommands.checkWorkspace) {
    const progress = workDone ?? (await connection.window.createWorkDoneProgress());
    const started = Date.now();
    const r = await checker.run(progress, token);
    log.info(`Check Workspace: ${plural(r.filesChecked, 'file')} checked, ${severityCounts(r.findings)} in ${plural(r.filesWithFindings, 'file')}${r.cancelled ? ' (cancelled)' : ''} (${Date.now() - started} ms)`);
    return r;
  }
  if (params.command === ServerCommands.probe) {
    const progress = workDone ?? (await connection.window.createWorkDoneProgress());
    return getProber().run(params.arguments?.[0], progress, token);
  }
  if (params.command === ServerCommands.fixAll) {
    const uri: unknown = params.arguments?.[0];
    if (typeof uri !== 'string') return { applied: false };
    const { edits, version } = await actions.fixAllEdits(uri);
    if (edits.length === 0) return { applied: false };
    return connection.workspace.applyEdit({ label: 'Fix all TLS Lens problems', edit: { documentChanges: [{ textDocument: { uri, version }, edits }] } });
  }
  if (params.command === ServerCommands.showRuleDocumentation) {
    const uri = typeof params.arguments?.[0] === 'string' ? ruleDocUri(params.arguments[0]) : undefined;
    if (!uri) return { success: false };
    return connection.window.showDocument({ uri, external: false, takeFocus: true });
  }
  throw new Error(`unknown command ${params.command}`);
});

documents.listen(connection);
connection.listen();

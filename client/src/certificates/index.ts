import { randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import {
  CertificateRequests,
  ClientCommands,
  plural,
  type CertificateDetails,
  type CertificateDetailsParams,
  type CertificateInventoryParams,
  type CertificateInventoryResult,
} from '../../../server/src/shared/protocol';
import { inventoryCsv, inventoryJson } from './csv';
import { detailsHtml } from './html';
import { probeHosts } from './entryText';
import { CertificateTree, type CertificateNode } from './tree';

export const VIEW_ID = 'tlsLens.certificates';

/** Every file is watched; only changes to files the inventory reads (as `isInventoryCandidate` on the server, binary containers too) refresh it. */
const WATCH_GLOB = '**/*';
const CANDIDATE = /\.(pem|crt|cer|key|csr|der|p7b|p7c|p12|pfx|jks|jceks|keystore|truststore|ya?ml|json|conf|md|txt|nginx)$|\/sites-(available|enabled)\/[^/]+$/i;

/**
 * The certificate fronts in VS Code: the details webview (CodeLens "Show details"), the
 * Explorer's "Certificates" view and the inventory export.
 */
export function registerCertificates(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  const tree = new CertificateTree();
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  let inFlight: vscode.CancellationTokenSource | undefined;
  let dirty = true;
  let timer: NodeJS.Timeout | undefined;

  /** Asks the server for the inventory; a newer refresh cancels an older one. */
  const fetchInventory = async (progress?: (message: string, increment: number) => void, outer?: vscode.CancellationToken): Promise<CertificateInventoryResult | undefined> => {
    const client = getClient();
    if (!client) return undefined;
    inFlight?.cancel();
    const source = new vscode.CancellationTokenSource();
    inFlight = source;
    const sub1 = outer?.onCancellationRequested(() => source.cancel());
    const workDoneToken = randomUUID();
    let lastPct = 0;
    const sub2 = progress
      ? client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
          if (v.kind === 'end') return;
          const pct = v.percentage ?? lastPct;
          progress(v.message ?? '', Math.max(0, pct - lastPct));
          lastPct = pct;
        })
      : undefined;
    try {
      const params: CertificateInventoryParams = { workDoneToken };
      const result = await client.sendRequest<CertificateInventoryResult>(CertificateRequests.inventory, params, source.token);
      if (inFlight !== source) return undefined; // superseded
      return result;
    } finally {
      sub1?.dispose();
      sub2?.dispose();
      if (inFlight === source) inFlight = undefined;
      source.dispose();
    }
  };

  const load = async (): Promise<void> => {
    dirty = false;
    try {
      const result = await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => fetchInventory());
      if (!result) return; // superseded by a newer refresh
      tree.update(result);
      view.message = result.entries.length === 0 ? 'No certificates or private keys found in this workspace.' : undefined;
      for (const e of result.errors) getClient()?.outputChannel.appendLine(`cannot read ${e}`);
    } catch (e) {
      tree.showMessage(`Could not list certificates: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  let latest: Promise<void> = Promise.resolve();
  /** Reloads the view; resolves with what it shows once the newest refresh has finished. */
  const refresh = async (): Promise<ReturnType<CertificateTree['snapshot']>> => {
    let mine = load();
    latest = mine;
    for (;;) {
      await mine;
      if (latest === mine) break;
      mine = latest;
    }
    return tree.snapshot();
  };

  /** A file changed: refresh soon if the view is showing, else when it is next shown. */
  const changed = (uri?: vscode.Uri): void => {
    if (uri && !CANDIDATE.test(uri.path)) return;
    dirty = true;
    if (!view.visible) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void refresh();
    }, 750);
  };

  const watcher = vscode.workspace.createFileSystemWatcher(WATCH_GLOB);
  const panel = new DetailsPanel();

  context.subscriptions.push(
    view,
    watcher,
    panel,
    { dispose: () => timer && clearTimeout(timer) },
    watcher.onDidChange(changed),
    watcher.onDidCreate(changed),
    // A deleted folder is reported once, by its own name: always look again.
    watcher.onDidDelete(() => changed()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => changed()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tlsLens')) changed();
    }),
    view.onDidChangeVisibility((e) => {
      if (e.visible && (dirty || !tree.loaded)) void refresh();
    }),
    vscode.commands.registerCommand(ClientCommands.refreshCertificates, refresh),
    // Not contributed: what the view shows now, without refreshing (the VS Code suite reads it).
    vscode.commands.registerCommand('tlsLens.certificatesShown', () => tree.snapshot()),
    // Not contributed: the view's entry nodes, as its context menu passes them (the VS Code suite calls the menu's commands with them).
    vscode.commands.registerCommand('tlsLens.certificateNodes', () => tree.entryNodes()),
    vscode.commands.registerCommand(ClientCommands.showCertificateDetails, async (target?: string | vscode.Uri | CertificateNode, position?: vscode.Position | { line: number; character: number }, bundleIndex?: number) => {
      const client = getClient();
      if (!client) return undefined;
      let uri: string | undefined;
      let pos: { line: number; character: number } | undefined;
      let index = typeof bundleIndex === 'number' ? bundleIndex : undefined;
      if (target && typeof target === 'object' && 'kind' in target) {
        if (target.kind !== 'entry') return undefined;
        uri = target.entry.uri;
        pos = target.entry.anchor.start;
        if (target.entry.kind === 'certificate' && target.entry.chain) index = target.entry.chain.index;
      } else if (target) {
        uri = target.toString();
        pos = position ? { line: position.line, character: position.character } : undefined;
      } else {
        const editor = vscode.window.activeTextEditor;
        uri = editor?.document.uri.toString();
        pos = editor ? { line: editor.selection.active.line, character: editor.selection.active.character } : undefined;
      }
      if (!uri || !pos) return undefined;
      const params: CertificateDetailsParams = { textDocument: { uri }, position: pos, ...(index !== undefined ? { bundleIndex: index } : {}) };
      const details = await client.sendRequest<CertificateDetails | null>(CertificateRequests.details, params);
      if (!details) {
        void vscode.window.showInformationMessage('TLS Lens: no certificate or private key here.');
        return undefined;
      }
      panel.show(details, vscode.workspace.asRelativePath(vscode.Uri.parse(uri)));
      return details;
    }),
    vscode.commands.registerCommand(ClientCommands.exportCertificateInventory, async (target?: vscode.Uri) => exportInventory(target)),
    vscode.commands.registerCommand(ClientCommands.copyCertificateFingerprint, async (node?: CertificateNode) => {
      const e = node?.kind === 'entry' ? node.entry : undefined;
      if (e?.kind !== 'certificate' || !e.sha256) return undefined;
      await vscode.env.clipboard.writeText(e.sha256);
      void vscode.window.showInformationMessage(`TLS Lens: SHA-256 fingerprint of ${e.commonName ? `CN=${e.commonName}` : 'the certificate'} copied.`);
      return e.sha256;
    }),
    vscode.commands.registerCommand(ClientCommands.copyCertificatePem, async (node?: CertificateNode) => {
      const e = node?.kind === 'entry' ? node.entry : undefined;
      const client = getClient();
      if (e?.kind !== 'certificate' || !client) return undefined;
      const params: CertificateDetailsParams = { textDocument: { uri: e.uri }, position: e.anchor.start, ...(e.chain ? { bundleIndex: e.chain.index } : {}) };
      const details = await client.sendRequest<CertificateDetails | null>(CertificateRequests.details, params);
      const pem = details?.items[details.focus]?.pem;
      if (!pem) {
        void vscode.window.showWarningMessage('TLS Lens: this certificate cannot be read, so there is no PEM to copy.');
        return undefined;
      }
      await vscode.env.clipboard.writeText(pem);
      void vscode.window.showInformationMessage(`TLS Lens: PEM of ${e.commonName ? `CN=${e.commonName}` : 'the certificate'} copied.`);
      return pem;
    }),
    vscode.commands.registerCommand(ClientCommands.revealCertificate, async (node?: CertificateNode) => {
      const e = node?.kind === 'entry' ? node.entry : undefined;
      if (!e) return undefined;
      const r = e.range;
      return vscode.window.showTextDocument(vscode.Uri.parse(e.uri), { selection: new vscode.Range(r.start.line, r.start.character, r.start.line, r.start.character), preserveFocus: false });
    }),
    vscode.commands.registerCommand(ClientCommands.probeCertificateHost, async (node?: CertificateNode, pickFirst?: boolean) => {
      const e = node?.kind === 'entry' ? node.entry : undefined;
      const hosts = e ? probeHosts(e) : [];
      if (!e || hosts.length === 0) return undefined;
      const host = hosts.length === 1 || pickFirst === true ? hosts[0] : await vscode.window.showQuickPick(hosts, { title: 'TLS Lens: probe which name of the certificate?', placeHolder: 'a name from its SANs (port 443)' });
      if (!host) return undefined;
      // The name comes from a file: in an untrusted workspace the probe asks first.
      return vscode.commands.executeCommand(ClientCommands.probeEndpoint, { target: host, fromFile: e.uri });
    }),
  );

  async function exportInventory(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'TLS Lens: certificate inventory', cancellable: true },
      (progress, token) => fetchInventory((message, increment) => progress.report({ message, increment }), token),
    );
    if (!result) return undefined;
    tree.update(result);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        title: 'Export Certificate Inventory',
        saveLabel: 'Export',
        filters: { CSV: ['csv'], JSON: ['json'] },
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'certificate-inventory.csv') } : {}),
      }));
    if (!uri) return undefined;
    const label = (e: { uri?: string; file: string }): string => (e.uri ? vscode.workspace.asRelativePath(vscode.Uri.parse(e.uri)) : e.file);
    const json = path.extname(uri.path).toLowerCase() === '.json';
    const text = json ? inventoryJson(result.entries, label) : inventoryCsv(result.entries, label);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const partial = result.cancelled ? ' (cancelled: incomplete)' : '';
    void vscode.window.showInformationMessage(`TLS Lens: exported ${plural(result.entries.length, 'entry', 'entries')} to ${vscode.workspace.asRelativePath(uri)}${partial}.`, 'Open').then((pick) => {
      if (pick === 'Open') void vscode.window.showTextDocument(uri);
    });
    return uri;
  }

}

/** One reusable details panel: static HTML, no scripts, nothing loaded from anywhere. */
class DetailsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  show(details: CertificateDetails, fileLabel: string): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('tlsLens.certificateDetails', 'Certificate details', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: false,
        enableCommandUris: false,
        enableForms: false,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
      });
    }
    const focused = details.items[details.focus]?.entry;
    this.panel.title = focused?.kind === 'certificate' && focused.commonName ? `Certificate: ${focused.commonName}` : 'Certificate details';
    this.panel.webview.html = detailsHtml(details, fileLabel, randomBytes(16).toString('base64'));
    this.panel.reveal(undefined, true);
  }

  /** The HTML shown now (tests read it). */
  get html(): string | undefined {
    return this.panel?.webview.html;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CertificateRequests, type CertificateDetails, type CertificateDetailsParams } from '../../../server/src/shared/protocol';
import { escapeHtml } from '../../../server/src/shared/escape';
import { detailsHtml } from './html';

/**
 * Binary certificate files (DER, PKCS#7, PKCS#12, JKS/JCEKS) open in a read-only custom editor
 * showing the same details page as "Show details" (static HTML, no script, strict CSP) instead
 * of "the file is binary". The server reads the file's bytes (`tlsLens/certificateDetails`);
 * the editor only renders. A binary `.crt`/`.cer` opened as text is reopened here.
 */
export const CONTAINER_VIEW_TYPE = 'tlsLens.certificateContainer';
/** The same editor for `.crt`/`.cer`, offered ("Reopen Editor With…") but not the default: most of those files are PEM text. */
export const CERTIFICATE_FILE_VIEW_TYPE = 'tlsLens.certificateFile';

/** A name whose binary content this editor shows when VS Code opened it as text. */
const MAYBE_DER = /\.(crt|cer)$/i;

function messagePage(title: string, message: string, nonce: string): string {
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'none'; script-src 'none'; font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'`;
  return [
    '<!DOCTYPE html>',
    `<html lang="en"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><title>${escapeHtml(title)}</title>`,
    `<style nonce="${nonce}">body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 16px; }</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`,
  ].join('\n');
}

class ContainerEditors implements vscode.CustomReadonlyEditorProvider {
  /** The pages shown now, by URI (the VS Code suite reads them). */
  readonly shown = new Map<string, { panel: vscode.WebviewPanel; details?: CertificateDetails }>();

  constructor(private readonly getClient: () => LanguageClient | undefined) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: false, enableCommandUris: false, enableForms: false, localResourceRoots: [] };
    const key = document.uri.toString();
    const entry: { panel: vscode.WebviewPanel; details?: CertificateDetails } = { panel };
    this.shown.set(key, entry);
    // The file changes on disk (a keystore rewritten): show it again.
    const pattern = new vscode.RelativePattern(vscode.Uri.joinPath(document.uri, '..'), document.uri.path.split('/').pop() ?? '*');
    const watcher = vscode.workspace.createFileSystemWatcher(pattern, true, false, true);
    const render = async (): Promise<void> => {
      const label = vscode.workspace.asRelativePath(document.uri);
      const nonce = randomBytes(16).toString('base64');
      const client = this.getClient();
      if (!client) {
        panel.webview.html = messagePage(label, 'The TLS Lens language server is not running.', nonce);
        return;
      }
      panel.webview.html = messagePage(label, 'Reading…', nonce);
      try {
        const params: CertificateDetailsParams = { textDocument: { uri: key }, position: { line: 0, character: 0 } };
        const details = await client.sendRequest<CertificateDetails | null>(CertificateRequests.details, params);
        entry.details = details ?? undefined;
        panel.webview.html = details
          ? detailsHtml(details, label, nonce)
          : messagePage(label, 'TLS Lens found no certificate or key in this file (it is not a DER, PKCS#7, PKCS#12 or JKS file, or it is over the size cap or disabled by the policy).', nonce);
      } catch (e) {
        panel.webview.html = messagePage(label, `TLS Lens could not read this file: ${e instanceof Error ? e.message : String(e)}`, nonce);
      }
    };
    panel.onDidDispose(() => {
      watcher.dispose();
      if (this.shown.get(key) === entry) this.shown.delete(key);
    });
    watcher.onDidChange(() => void render());
    await render();
  }
}

/** Whether a file's first bytes are DER (a SEQUENCE) or a Java keystore, not PEM text. */
function startsBinary(bytes: Uint8Array): boolean {
  const b = bytes[0];
  return b === 0x30 || b === 0xfe || b === 0xce;
}

export function registerContainerEditor(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  const editors = new ContainerEditors(getClient);
  const options = { supportsMultipleEditorsPerDocument: true, webviewOptions: { enableFindWidget: true } };
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(CONTAINER_VIEW_TYPE, editors, options),
    vscode.window.registerCustomEditorProvider(CERTIFICATE_FILE_VIEW_TYPE, editors, options),
    // Not contributed: the details each open container editor shows (the VS Code suite reads them).
    vscode.commands.registerCommand('tlsLens.containerEditorsShown', () =>
      [...editors.shown].map(([uri, e]) => ({ uri, title: e.panel.title, html: e.panel.webview.html, details: e.details })),
    ),
    // A DER `.crt`/`.cer` opened as text would say "binary": reopen it in the details editor.
    vscode.window.tabGroups.onDidChangeTabs(async (e) => {
      for (const tab of e.opened) {
        if (!(tab.input instanceof vscode.TabInputText) || !MAYBE_DER.test(tab.input.uri.path)) continue;
        const uri = tab.input.uri;
        let head: Uint8Array;
        try {
          head = (await vscode.workspace.fs.readFile(uri)).subarray(0, 4);
        } catch {
          continue;
        }
        if (!startsBinary(head)) continue;
        await vscode.commands.executeCommand('vscode.openWith', uri, CERTIFICATE_FILE_VIEW_TYPE, { viewColumn: tab.group.viewColumn, preview: tab.isPreview });
        await vscode.window.tabGroups.close(tab).then(undefined, () => undefined);
      }
    }),
  );
}

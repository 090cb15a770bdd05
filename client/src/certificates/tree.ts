import * as vscode from 'vscode';
import type { CertificateInventoryResult, InventoryEntry } from '../../../server/src/shared/protocol';
import { LARGE_BUNDLE, certificateDescription, probeHosts, tooltipLines } from './entryText';

type Entry = InventoryEntry & { uri: string };

export type CertificateNode =
  | { kind: 'file'; uri: vscode.Uri; entries: Entry[] }
  | { kind: 'entry'; entry: Entry }
  | { kind: 'message'; text: string };

function icon(e: InventoryEntry): vscode.ThemeIcon {
  if (e.kind === 'key') return new vscode.ThemeIcon('key');
  if (e.status === 'ok') return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  if (e.level === 'warning') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
}

/** The "Certificates" view in the Explorer: files by soonest expiry, their certificates and keys. */
export class CertificateTree implements vscode.TreeDataProvider<CertificateNode> {
  private readonly changed = new vscode.EventEmitter<CertificateNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: CertificateNode[] | undefined;
  private message: string | undefined;

  /** Shows a new inventory (already sorted by the server: soonest expiry first). */
  update(result: CertificateInventoryResult): void {
    const files = new Map<string, Entry[]>();
    for (const e of result.entries) {
      const list = files.get(e.uri);
      if (list) list.push(e);
      else files.set(e.uri, [e]);
    }
    this.roots = [...files].map(([uri, entries]) => ({ kind: 'file', uri: vscode.Uri.parse(uri), entries }));
    this.message = result.cancelled ? 'Refresh was cancelled: the list is incomplete.' : undefined;
    this.changed.fire(undefined);
  }

  showMessage(text: string): void {
    this.roots = [];
    this.message = text;
    this.changed.fire(undefined);
  }

  get loaded(): boolean {
    return this.roots !== undefined;
  }

  getChildren(node?: CertificateNode): CertificateNode[] {
    if (!node) {
      const roots = this.roots ?? [];
      return this.message ? [{ kind: 'message', text: this.message }, ...roots] : roots;
    }
    return node.kind === 'file' ? node.entries.map((entry) => ({ kind: 'entry', entry })) : [];
  }

  getTreeItem(node: CertificateNode): vscode.TreeItem {
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('info');
      return item;
    }
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(node.uri, node.entries.length > LARGE_BUNDLE ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
      item.label = vscode.workspace.asRelativePath(node.uri);
      const certs = node.entries.filter((e) => e.kind === 'certificate').length;
      const keys = node.entries.length - certs;
      item.description = [certs ? `${certs} certificate${certs === 1 ? '' : 's'}` : '', keys ? `${keys} key${keys === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
      item.iconPath = vscode.ThemeIcon.File;
      item.contextValue = 'tlsLens.certificateFile';
      return item;
    }
    const e = node.entry;
    const range = new vscode.Range(e.range.start.line, e.range.start.character, e.range.start.line, e.range.start.character);
    const label = e.kind === 'key' ? e.title : e.status === 'invalid' ? 'unreadable certificate' : (e.title.split(' · ')[0] ?? e.title);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.description = certificateDescription(e);
    item.iconPath = icon(e);
    const where = `${vscode.workspace.asRelativePath(vscode.Uri.parse(e.uri))}:${e.range.start.line + 1}`;
    item.tooltip = new vscode.MarkdownString(tooltipLines(e, where).join('  \n'));
    // The context menu's commands test these (package.json view/item/context).
    item.contextValue = e.kind === 'key' ? 'tlsLens.key' : e.status === 'invalid' ? 'tlsLens.certificate.unreadable' : probeHosts(e).length ? 'tlsLens.certificate.host' : 'tlsLens.certificate';
    item.command = { title: 'Reveal', command: 'vscode.open', arguments: [vscode.Uri.parse(e.uri), { selection: range, preserveFocus: false } satisfies vscode.TextDocumentShowOptions] };
    return item;
  }

  /** Every entry node under every file node (what the context menu's commands receive). */
  entryNodes(): CertificateNode[] {
    return this.getChildren().flatMap((n) => this.getChildren(n));
  }

  /** What the view shows, as text: for tests and the refresh command's result. */
  snapshot(): Array<{ label: string; description: string; collapsed?: boolean; tooltip?: string; contextValue?: string; children: Array<{ label: string; description: string; tooltip?: string; contextValue?: string }> }> {
    const text = (node: CertificateNode): { label: string; description: string; collapsed?: boolean; tooltip?: string; contextValue?: string } => {
      const item = this.getTreeItem(node);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      const out: { label: string; description: string; collapsed?: boolean; tooltip?: string; contextValue?: string } = { label, description: typeof item.description === 'string' ? item.description : '' };
      if (item.collapsibleState === vscode.TreeItemCollapsibleState.Collapsed) out.collapsed = true;
      if (item.tooltip instanceof vscode.MarkdownString) out.tooltip = item.tooltip.value;
      if (item.contextValue) out.contextValue = item.contextValue;
      return out;
    };
    return this.getChildren().map((n) => ({ ...text(n), children: this.getChildren(n).map(text) }));
  }
}

import * as vscode from 'vscode';
import type { CertificateInventoryResult, InventoryEntry } from '../../../server/src/shared/protocol';

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

const STATUS_WORDS: Record<string, string> = { ok: 'valid', expiring: 'expiring', expired: 'expired', 'not-yet-valid': 'not yet valid', invalid: 'unreadable' };

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
      const item = new vscode.TreeItem(node.uri, vscode.TreeItemCollapsibleState.Expanded);
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
    let label: string;
    let description: string;
    if (e.kind === 'key') {
      label = e.title;
      description = e.container ?? '';
    } else {
      const parts = e.title.split(' · ');
      label = e.status === 'invalid' ? 'unreadable certificate' : (parts[0] ?? e.title);
      description = e.status === 'invalid' ? (e.error ?? '') : parts.slice(1).join(' · ');
      if (e.chain && e.chain.size > 1) description += ` · ${e.chain.index + 1} of ${e.chain.size}`;
    }
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.description = description;
    item.iconPath = icon(e);
    const status = e.kind === 'certificate' ? STATUS_WORDS[e.status] ?? e.status : 'private key (algorithm only)';
    item.tooltip = [e.title, status, e.container, `${vscode.workspace.asRelativePath(vscode.Uri.parse(e.uri))}:${e.range.start.line + 1}`].filter(Boolean).join('\n');
    item.contextValue = e.kind === 'key' ? 'tlsLens.key' : 'tlsLens.certificate';
    item.command = { title: 'Reveal', command: 'vscode.open', arguments: [vscode.Uri.parse(e.uri), { selection: range, preserveFocus: false } satisfies vscode.TextDocumentShowOptions] };
    return item;
  }

  /** What the view shows, as text: for tests and the refresh command's result. */
  snapshot(): Array<{ label: string; description: string; children: Array<{ label: string; description: string }> }> {
    const text = (node: CertificateNode): { label: string; description: string } => {
      const item = this.getTreeItem(node);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      return { label, description: typeof item.description === 'string' ? item.description : '' };
    };
    return this.getChildren().map((n) => ({ ...text(n), children: this.getChildren(n).map(text) }));
  }
}

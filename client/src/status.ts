/**
 * The language status item (the `{}` in the status bar, beside the language mode): the
 * server's state, and for the active file the profile and policy file in effect. It warns
 * when the policy file is broken (and so not used) and when a setting a person set is
 * overridden by the policy file. Clicking opens the policy file (at its first problem), or
 * the settings when there is none.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { ClientCommands, StatusRequest, type FileStatus, type SettingOverride, type StatusParams } from '../../server/src/shared/protocol';
import { describeStatus, type StatusView } from './statusText';

export class LanguageStatus implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private readonly subs: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private shown: StatusView | undefined;
  /** The refresh in flight (tests wait for it). */
  private pending: Promise<void> = Promise.resolve();

  constructor(
    selector: vscode.DocumentSelector,
    private readonly client: () => LanguageClient | undefined,
  ) {
    this.item = vscode.languages.createLanguageStatusItem('tlsLens.status', selector);
    this.item.name = 'TLS Lens';
    this.subs.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.soon(0)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tlsLens')) this.soon();
      }),
      vscode.workspace.onDidSaveTextDocument(() => this.soon()),
      // A lint of the active file follows every policy change the server sees.
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active && e.uris.some((u) => u.toString() === active)) this.soon();
      }),
    );
  }

  /** Follows the client's state (starting, running, stopped). */
  watch(client: LanguageClient): void {
    this.subs.push(client.onDidChangeState(() => this.soon(0)));
    this.soon(0);
  }

  private soon(ms = 150): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pending = this.refresh();
    }, ms);
  }

  /** Refreshes now; resolves with what the item shows (the VS Code suite reads it). */
  async snapshot(): Promise<StatusView | undefined> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pending = this.refresh();
    await this.pending;
    return this.shown;
  }

  private async refresh(): Promise<void> {
    const client = this.client();
    const editor = vscode.window.activeTextEditor;
    let view: StatusView;
    if (!client || client.state === State.Stopped) {
      view = { text: 'TLS Lens: stopped', detail: 'the language server is not running', severity: 'error', command: { title: 'Restart', command: ClientCommands.restartServer } };
    } else if (client.state === State.Starting || !editor) {
      view = { text: 'TLS Lens', detail: client.state === State.Starting ? 'starting…' : 'running', severity: 'info', busy: client.state === State.Starting };
    } else {
      const uri = editor.document.uri;
      let status: FileStatus | null = null;
      try {
        status = await client.sendRequest<FileStatus | null>(StatusRequest, { textDocument: { uri: uri.toString() } } satisfies StatusParams);
      } catch (e) {
        view = { text: 'TLS Lens', detail: `no status: ${e instanceof Error ? e.message : String(e)}`, severity: 'warning' };
      }
      if (status) {
        const explicit = status.overrides.filter((o) => setByPerson(o, uri));
        view = describeStatus(status, explicit, (p) => vscode.workspace.asRelativePath(vscode.Uri.file(p)));
      } else view ??= { text: 'TLS Lens', detail: 'running', severity: 'info' };
    }
    this.show(view);
  }

  private show(view: StatusView): void {
    this.shown = view;
    this.item.text = view.text;
    this.item.detail = view.detail;
    this.item.severity = view.severity === 'error' ? vscode.LanguageStatusSeverity.Error : view.severity === 'warning' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    this.item.busy = view.busy === true;
    this.item.command = view.command ? { title: view.command.title, command: view.command.command, arguments: view.command.arguments ?? [] } : undefined;
    this.item.accessibilityInformation = { label: `${view.text}: ${view.sentence ?? view.detail}` };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
    this.item.dispose();
  }
}

/**
 * Whether a person set the overridden setting (the profile has a default, which the policy
 * file replacing is no news); rules and path mappings are empty unless someone set them.
 */
function setByPerson(o: SettingOverride, uri: vscode.Uri): boolean {
  if (o.setting !== 'tlsLens.profile') return true;
  const i = vscode.workspace.getConfiguration('tlsLens', uri).inspect('profile');
  return i?.globalValue !== undefined || i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined;
}


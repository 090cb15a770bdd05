/**
 * TLS Lens: Probe Endpoint… — asks for host[:port] (with the remembered history), runs
 * `tlsLens.server.probe` in the language server with a cancellable progress notification,
 * and shows the report in a webview. A probe starts only here, on a person's action; a
 * host that came from a file in an untrusted workspace is confirmed first.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import { ServerCommands } from '../../../server/src/shared/protocol';
import type { ProbeCommandResult, ProbeParams, ProbeReport } from '../../../server/src/shared/probe';
import { configLinks, renderProbeReport } from './html';
import { confirmationMessage, probeNeedsConfirmation } from './trust';

const HISTORY_KEY = 'tlsLens.probe.history';
const HISTORY_SIZE = 10;

/** What the command accepts from other commands, a CodeLens or tests. */
export interface ProbeCommandArgs {
  target?: string;
  sni?: string;
  connectTo?: string;
  /** The file the host was read from (nginx server_name, an Ingress host): confirmed first in an untrusted workspace. */
  fromFile?: string;
  /** Absolute path of a PEM file with extra trusted CAs. */
  caFile?: string;
}

/** What the command returns (tests read the report and the HTML shown). */
export interface ProbeCommandOutcome {
  result?: ProbeCommandResult;
  html?: string;
  /** The person did not confirm a probe of a host from a file in an untrusted workspace. */
  declined?: true;
}

export class ProbeCommand {
  private panel: vscode.WebviewPanel | undefined;
  private last: { args: ProbeCommandArgs; report: ProbeReport } | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: () => LanguageClient | undefined,
  ) {}

  async run(args?: ProbeCommandArgs): Promise<ProbeCommandOutcome> {
    const target = args?.target ?? (await this.ask());
    if (!target) return {};
    if (probeNeedsConfirmation(args, vscode.workspace.isTrusted)) {
      const go = await vscode.window.showWarningMessage(confirmationMessage(target, vscode.workspace.asRelativePath(vscode.Uri.parse(args!.fromFile!))), { modal: true }, 'Probe');
      if (go !== 'Probe') return { declined: true };
    }
    await this.remember(target);
    const c = this.client();
    if (!c) {
      void vscode.window.showErrorMessage('TLS Lens: the language server is not running.');
      return {};
    }
    const cfg = vscode.workspace.getConfiguration('tlsLens.probe');
    const params: ProbeParams = { target, timeoutMs: cfg.get<number>('timeoutMs', 5000), concurrency: cfg.get<number>('concurrency', 8) };
    const deadlineMs = cfg.get<number>('deadlineMs', 0);
    if (deadlineMs > 0) params.deadlineMs = deadlineMs;
    if (args?.sni) params.sni = args.sni;
    if (args?.connectTo) params.connectTo = args.connectTo;
    if (args?.caFile) params.caFile = args.caFile;
    if (args?.fromFile) params.policyFor = args.fromFile;
    else if (vscode.window.activeTextEditor?.document.uri.scheme === 'file') params.policyFor = vscode.window.activeTextEditor.document.uri.toString();

    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `TLS Lens: probing ${target}`, cancellable: true },
      async (progress, token) => {
        const workDoneToken = randomUUID();
        let lastPct = 0;
        const sub = c.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
          if (v.kind === 'end') return;
          const pct = v.percentage ?? lastPct;
          progress.report({ message: v.message ?? '', increment: Math.max(0, pct - lastPct) });
          lastPct = Math.max(lastPct, pct);
        });
        try {
          return (await c.sendRequest(ExecuteCommandRequest.type, { command: ServerCommands.probe, arguments: [params], workDoneToken }, token)) as ProbeCommandResult;
        } catch (e) {
          if (token.isCancellationRequested) return { ok: false as const, cancelled: true, error: 'cancelled' };
          throw e;
        } finally {
          sub.dispose();
        }
      },
    );
    if (!result.ok) {
      if (!result.cancelled) void vscode.window.showErrorMessage(`TLS Lens: ${result.error}`);
      return { result };
    }
    this.last = { args: { ...args, target }, report: result.report };
    return { result, html: this.show(result.report) };
  }

  private show(report: ProbeReport): string {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('tlsLens.probeReport', `TLS Lens: ${report.endpoint}`, vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [] });
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage((m: { type?: string }) => {
        if (m.type === 'copyJson' && this.last) {
          void vscode.env.clipboard.writeText(JSON.stringify(this.last.report, null, 2)).then(() => vscode.window.showInformationMessage('TLS Lens: probe report copied as JSON.'));
        } else if (m.type === 'probeAgain' && this.last) {
          void this.run(this.last.args);
        } else if (m.type === 'openConfig' && this.last) {
          void this.openConfig((m as { index?: unknown }).index);
        }
      });
    }
    this.panel.title = `TLS Lens: ${report.endpoint}`;
    const html = renderProbeReport(report, randomBytes(16).toString('base64'), this.panel.webview.cspSource, { displayPath: (f) => vscode.workspace.asRelativePath(f) });
    this.panel.webview.html = html;
    this.panel.reveal(vscode.ViewColumn.Beside, true);
    return html;
  }

  /** Opens the configuration line a report link names (the index the page sent, checked here). */
  async openConfig(index: unknown): Promise<vscode.TextEditor | undefined> {
    const links = this.last ? configLinks(this.last.report) : [];
    const link = typeof index === 'number' && Number.isInteger(index) ? links[index] : undefined;
    if (!link) return undefined;
    const uri = link.uri ? vscode.Uri.parse(link.uri) : vscode.Uri.file(link.file);
    const r = link.range;
    return vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) });
  }

  private history(): string[] {
    return this.context.globalState.get<string[]>(HISTORY_KEY, []);
  }

  private async remember(target: string): Promise<void> {
    const h = [target, ...this.history().filter((x) => x !== target)].slice(0, HISTORY_SIZE);
    await this.context.globalState.update(HISTORY_KEY, h);
  }

  /** A quick pick of earlier targets that also takes a new one as typed. */
  private ask(): Promise<string | undefined> {
    const history = this.history();
    return new Promise((resolve) => {
      const qp = vscode.window.createQuickPick();
      qp.title = 'TLS Lens: Probe Endpoint';
      qp.placeholder = 'host[:port] or smtp://, imap://, ldaps://, postgres:// … host, e.g. example.com:8443 (only this endpoint is contacted)';
      const base = history.map((label) => ({ label, description: 'probed before' }));
      qp.items = base;
      qp.onDidChangeValue((v) => {
        const typed = v.trim();
        qp.items = typed && !history.includes(typed) ? [{ label: typed, description: 'probe' }, ...base] : base;
      });
      let done = false;
      qp.onDidAccept(() => {
        const pick = qp.selectedItems[0]?.label ?? qp.value.trim();
        done = true;
        qp.hide();
        resolve(pick || undefined);
      });
      qp.onDidHide(() => {
        qp.dispose();
        if (!done) resolve(undefined);
      });
      qp.show();
    });
  }
}

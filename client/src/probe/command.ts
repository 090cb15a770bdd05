/**
 * TLS Lens: Probe Endpoint… — asks for host[:port] (or name@address[:port], or step by step:
 * name, address, SNI), offering the endpoints the workspace defines and the remembered
 * history; runs `tlsLens.server.probe` in the language server with a cancellable progress
 * notification, and shows the report in a webview. A probe starts only here, on a person's
 * action; a host that came from a file in an untrusted workspace is confirmed first. A failed
 * probe offers Retry and Edit.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import { ProbeTargetsRequest, ServerCommands, type ProbeTargetsResult } from '../../../server/src/shared/protocol';
import type { ProbeCommandResult, ProbeParams, ProbeReport } from '../../../server/src/shared/probe';
import { configLinks, renderProbeReport } from './html';
import { formatProbeInput, parseProbeInput, type ProbeInput } from './input';
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
  /** Without a target: what the input starts with (Edit after an error). */
  initialInput?: string;
}

/** What the command returns (tests read the report and the HTML shown). */
export interface ProbeCommandOutcome {
  result?: ProbeCommandResult;
  html?: string;
  /** The person did not confirm a probe of a host from a file in an untrusted workspace. */
  declined?: true;
  /** The error shown, with the buttons it offers. */
  error?: { message: string; actions: string[] };
}

/** A pick in the Probe Endpoint input. */
interface TargetItem extends vscode.QuickPickItem {
  input?: ProbeInput;
  fromFile?: string;
  steps?: true;
}

const STEPS_LABEL = '$(list-ordered) Name, address and SNI step by step…';

export class ProbeCommand {
  private panel: vscode.WebviewPanel | undefined;
  private last: { args: ProbeCommandArgs; report: ProbeReport } | undefined;
  /** The open input (the VS Code suite reads its items). */
  private input: vscode.QuickPick<TargetItem> | undefined;
  /** Redraws the open input's items for its value. */
  private rerender: (() => void) | undefined;
  private inputReady: Promise<void> = Promise.resolve();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: () => LanguageClient | undefined,
  ) {}

  async run(args?: ProbeCommandArgs): Promise<ProbeCommandOutcome> {
    let target = args?.target;
    let asked: (ProbeInput & { fromFile?: string }) | undefined;
    if (!target) {
      asked = await this.ask(args?.initialInput);
      if (!asked) return {};
      target = asked.target;
    }
    const effective: ProbeCommandArgs = { ...args, ...asked, target };
    delete effective.initialInput;
    if (probeNeedsConfirmation(effective, vscode.workspace.isTrusted)) {
      const go = await vscode.window.showWarningMessage(confirmationMessage(target, vscode.workspace.asRelativePath(vscode.Uri.parse(effective.fromFile!))), { modal: true }, 'Probe');
      if (go !== 'Probe') return { declined: true };
    }
    await this.remember(formatProbeInput({ target, ...(effective.connectTo ? { connectTo: effective.connectTo } : {}) }));
    const c = this.client();
    if (!c) {
      void vscode.window.showErrorMessage('TLS Lens: the language server is not running.');
      return {};
    }
    const cfg = vscode.workspace.getConfiguration('tlsLens.probe');
    const params: ProbeParams = { target, timeoutMs: cfg.get<number>('timeoutMs', 5000), concurrency: cfg.get<number>('concurrency', 8) };
    const deadlineMs = cfg.get<number>('deadlineMs', 0);
    if (deadlineMs > 0) params.deadlineMs = deadlineMs;
    if (effective.sni) params.sni = effective.sni;
    if (effective.connectTo) params.connectTo = effective.connectTo;
    if (effective.caFile) params.caFile = effective.caFile;
    if (effective.fromFile) params.policyFor = effective.fromFile;
    else if (vscode.window.activeTextEditor?.document.uri.scheme === 'file') params.policyFor = vscode.window.activeTextEditor.document.uri.toString();
    const shown = effective.connectTo ? `${target} at ${effective.connectTo}` : target;

    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `TLS Lens: probing ${shown}`, cancellable: true },
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
      if (result.cancelled) return { result };
      const message = `TLS Lens: could not probe ${shown}: ${result.error}`;
      const actions = ['Retry', 'Edit'];
      void vscode.window.showErrorMessage(message, ...actions).then((pick) => {
        if (pick === 'Retry') void this.run(effective);
        else if (pick === 'Edit') void this.run({ ...(effective.caFile ? { caFile: effective.caFile } : {}), initialInput: formatProbeInput({ target, ...(effective.connectTo ? { connectTo: effective.connectTo } : {}) }) });
      });
      return { result, error: { message, actions } };
    }
    this.last = { args: effective, report: result.report };
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

  /** What the open input shows, once the workspace's endpoints are in (the VS Code suite reads it). */
  async inputState(): Promise<{ value: string; items: Array<{ label: string; description?: string; detail?: string; kind?: string }> } | undefined> {
    await this.inputReady;
    const qp = this.input;
    if (!qp) return undefined;
    return {
      value: qp.value,
      items: qp.items.map((i) => ({
        label: i.label,
        ...(i.description ? { description: i.description } : {}),
        ...(i.detail ? { detail: i.detail } : {}),
        ...(i.kind === vscode.QuickPickItemKind.Separator ? { kind: 'separator' } : {}),
      })),
    };
  }

  /** Sets what the open input holds, as typing would (the VS Code suite types with it). */
  async typeIntoInput(value: unknown): Promise<void> {
    await this.inputReady;
    if (this.input && typeof value === 'string') {
      this.input.value = value;
      this.rerender?.();
    }
  }

  private history(): string[] {
    return this.context.globalState.get<string[]>(HISTORY_KEY, []);
  }

  private async remember(input: string): Promise<void> {
    const h = [input, ...this.history().filter((x) => x !== input)].slice(0, HISTORY_SIZE);
    await this.context.globalState.update(HISTORY_KEY, h);
  }

  /** The endpoints the workspace defines (nothing is contacted to list them). */
  private async workspaceTargets(): Promise<TargetItem[]> {
    const c = this.client();
    if (!c) return [];
    try {
      const r = await c.sendRequest<ProbeTargetsResult>(ProbeTargetsRequest, {});
      return r.targets.map((t) => ({
        label: t.target,
        description: `${vscode.workspace.asRelativePath(vscode.Uri.parse(t.uri))}:${t.line + 1}`,
        input: { target: t.target },
        fromFile: t.uri,
      }));
    } catch {
      return [];
    }
  }

  /**
   * A quick pick that takes what is typed (host[:port] or name@address[:port]), earlier
   * probes and the workspace's endpoints, and a step-by-step entry for name, address and SNI.
   */
  private ask(initial?: string): Promise<(ProbeInput & { fromFile?: string }) | undefined> {
    const history: TargetItem[] = this.history().map((h) => {
      const p = parseProbeInput(h);
      return { label: h, description: 'probed before', ...('error' in p ? {} : { input: p }) };
    });
    let defined: TargetItem[] = [];
    const qp = vscode.window.createQuickPick<TargetItem>();
    this.input = qp;
    qp.title = 'TLS Lens: Probe Endpoint';
    qp.placeholder = 'host[:port], smtp://host (imap://, ldaps://, postgres:// …) or name@address[:port]; only this endpoint is contacted';
    // The workspace's endpoints arrive while it is open, and steps may follow: a click elsewhere does not drop it (Escape does).
    qp.ignoreFocusOut = true;
    const steps: TargetItem = { label: STEPS_LABEL, detail: 'the name the certificate must cover, the address to connect to, the SNI to send', steps: true, alwaysShow: true };
    const section = (label: string, items: TargetItem[]): TargetItem[] => (items.length ? [{ label, kind: vscode.QuickPickItemKind.Separator }, ...items] : []);
    const render = (): void => {
      const typed = qp.value.trim();
      const own: TargetItem[] = [];
      if (typed) {
        const p = parseProbeInput(typed);
        if ('error' in p) own.push({ label: typed, description: '$(error) not an endpoint', detail: p.error, alwaysShow: true });
        else own.push({ label: typed, description: p.connectTo ? `probe ${p.target} at ${p.connectTo}` : 'probe', input: p, alwaysShow: true });
      }
      const earlier = history.filter((h) => h.label !== typed);
      qp.items = [...own, ...section('Probed before', earlier), ...section('Defined in the workspace', defined.filter((d) => d.label !== typed && !earlier.some((h) => h.label === d.label))), steps];
    };
    qp.onDidChangeValue(render);
    this.rerender = render;
    if (initial) qp.value = initial;
    render();
    qp.busy = true;
    this.inputReady = this.workspaceTargets().then((items) => {
      defined = items;
      qp.busy = false;
      render();
    });
    return new Promise((resolve) => {
      let done = false;
      qp.onDidAccept(() => {
        const pick = qp.selectedItems[0] ?? qp.activeItems[0];
        if (pick?.steps) {
          done = true;
          qp.hide();
          void this.askSteps(qp.value.trim()).then(resolve);
          return;
        }
        // What was typed wins over an item it only filtered to, unless the item's name contains it
        // (Enter can come before the typed item is listed: never probe another host than the one typed).
        const typed = qp.value.trim();
        const typedInput = typed ? parseProbeInput(typed) : undefined;
        const chosen = pick?.input && (!typed || pick.label.toLowerCase().includes(typed.toLowerCase())) ? pick : undefined;
        const input = chosen?.input ?? (typedInput && !('error' in typedInput) ? typedInput : undefined);
        if (!input) return; // the item says what is wrong; the input stays open
        done = true;
        qp.hide();
        resolve({ ...input, ...(chosen?.fromFile ? { fromFile: chosen.fromFile } : {}) });
      });
      qp.onDidHide(() => {
        if (this.input === qp) {
          this.input = undefined;
          this.rerender = undefined;
        }
        qp.dispose();
        if (!done) resolve(undefined);
      });
      qp.show();
    });
  }

  /** Name (host[:port]), then the address to connect to, then the SNI, each optional but the first. */
  private async askSteps(start: string): Promise<ProbeInput | undefined> {
    const first = parseProbeInput(start);
    const name = await vscode.window.showInputBox({
      title: 'TLS Lens: Probe Endpoint (1/3): name',
      prompt: 'The host to probe, with its port: the certificate must cover this name',
      value: 'error' in first ? start.replace(/@.*$/, '') : first.target,
      placeHolder: 'shop.example.com:443',
      validateInput: (v) => {
        const p = parseProbeInput(v);
        return 'error' in p ? p.error : p.connectTo ? 'just the name here; the address comes next' : undefined;
      },
    });
    if (name === undefined) return undefined;
    const address = await vscode.window.showInputBox({
      title: 'TLS Lens: Probe Endpoint (2/3): address',
      prompt: 'Connect to this address instead of the name\'s (an IP, or another host); empty: the name\'s own address',
      value: 'error' in first ? '' : (first.connectTo ?? ''),
      placeHolder: '10.0.0.5',
      validateInput: (v) => (v.trim() === '' || /^[0-9a-f:.]+$/i.test(v.trim()) || /^[a-z0-9.-]+$/i.test(v.trim()) ? undefined : 'an IP address or a host name, without a port'),
    });
    if (address === undefined) return undefined;
    const host = name.trim().replace(/:\d+$/, '');
    const sni = await vscode.window.showInputBox({
      title: 'TLS Lens: Probe Endpoint (3/3): SNI',
      prompt: `The name sent as SNI; empty: ${host}`,
      placeHolder: host,
      validateInput: (v) => (v.trim() === '' || /^[a-z0-9.-]+$/i.test(v.trim()) ? undefined : 'a host name'),
    });
    if (sni === undefined) return undefined;
    const input: ProbeInput = { target: name.trim() };
    if (address.trim()) input.connectTo = address.trim().replace(/^\[|\]$/g, '');
    if (sni.trim() && sni.trim() !== host) input.sni = sni.trim();
    return input;
  }
}

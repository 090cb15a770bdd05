/**
 * A small, independent LSP client for tests: spawns `node dist/server.js --stdio` and
 * speaks the protocol with vscode-languageserver-protocol (not the extension's client).
 * Everything a test waits for is a message from the server, with a deadline that fails
 * clearly; nothing sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  ApplyWorkspaceEditRequest,
  CodeActionRequest,
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  ExitNotification,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  LogMessageNotification,
  WorkDoneProgress,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowDocumentRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgressCreateRequest,
  createProtocolConnection,
  type ApplyWorkspaceEditParams,
  type ClientCapabilities,
  type CodeAction,
  type Command,
  type ConfigurationItem,
  type Diagnostic,
  type Hover,
  type InitializeResult,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type CancellationToken,
  type Range,
  type RegistrationParams,
  type TextDocumentContentChangeEvent,
  type WorkDoneProgressBegin,
  type WorkDoneProgressEnd,
  type WorkDoneProgressReport,
} from 'vscode-languageserver-protocol/node';
import { repoPath } from './tools';

/** How long any single wait for the server may take before the test fails. */
export const DEFAULT_TIMEOUT_MS = 15_000;

export interface StartOptions {
  /** Workspace folders (absolute paths) sent in `initialize`. */
  workspaceFolders?: string[];
  /** Advertise `workspace.configuration` (the server then pulls settings). Default true. */
  pullConfiguration?: boolean;
  /** Answers one `workspace/configuration` item (may be async); default `{}` (the server's defaults). */
  settings?: SettingsProvider;
  /** Answers `client/registerCapability` (after it is recorded); throw a ResponseError to refuse. */
  onRegistration?: (params: RegistrationParams) => void;
  /** Extra client capabilities, merged over the defaults. */
  capabilities?: ClientCapabilities;
  /** Sent as `initializationOptions` (TlsLensInitializationOptions). */
  initializationOptions?: unknown;
  /** The server to run (`--stdio` is added) and its environment; default `node dist/server.js`. */
  command?: { file: string; args?: string[]; env?: NodeJS.ProcessEnv };
}

export type SettingsProvider = (item: ConfigurationItem) => unknown;

type ProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Waiter {
  check: () => boolean;
  wake: () => void;
}

export function fileUri(p: string): string {
  return pathToFileURL(p).href;
}

/** The server bundle the tests drive (TLS_LENS_SERVER_JS overrides it, e.g. to test a packaged build). */
export const serverPath = process.env.TLS_LENS_SERVER_JS || repoPath('dist', 'server.js');

export class LspSession {
  /** Every publishDiagnostics, in arrival order. */
  readonly published: PublishDiagnosticsParams[] = [];
  /** Every `workspace/configuration` request's items. */
  readonly configurationRequests: ConfigurationItem[][] = [];
  readonly registrations: RegistrationParams[] = [];
  readonly logMessages: string[] = [];
  /** Every `window/showDocument` request's URI (answered with success). */
  readonly shownDocuments: string[] = [];
  /** Every `workspace/applyEdit` request (answered as applied). */
  readonly appliedEdits: ApplyWorkspaceEditParams[] = [];
  readonly progress: Array<{ token: string | number; value: ProgressValue }> = [];
  /** Transport or protocol errors seen by the client; a healthy session has none. */
  readonly protocolErrors: string[] = [];
  private stderrText = '';
  private waiters: Waiter[] = [];
  private exitStatus: ExitStatus | undefined;
  readonly exited: Promise<ExitStatus>;
  initializeResult: InitializeResult | undefined;
  settings: SettingsProvider;

  private constructor(
    readonly proc: ChildProcess,
    readonly connection: ProtocolConnection,
    options: StartOptions,
  ) {
    this.settings = options.settings ?? (() => ({}));
    this.exited = new Promise((resolve) => {
      proc.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
        this.exitStatus = { code, signal };
        resolve(this.exitStatus);
        this.poke();
      });
    });
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      this.stderrText += chunk;
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      this.poke();
    });
    connection.onNotification(LogMessageNotification.type, (p) => {
      this.logMessages.push(`[${p.type}] ${p.message}`);
    });
    connection.onRequest(ConfigurationRequest.type, (p) => {
      this.configurationRequests.push(p.items);
      this.poke();
      return Promise.all(p.items.map((item) => this.settings(item)));
    });
    connection.onRequest(RegistrationRequest.type, (p) => {
      this.registrations.push(p);
      this.poke();
      options.onRegistration?.(p);
    });
    connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    connection.onRequest(ApplyWorkspaceEditRequest.type, (p) => {
      this.appliedEdits.push(p);
      this.poke();
      return { applied: true };
    });
    connection.onRequest(ShowDocumentRequest.type, (p) => {
      this.shownDocuments.push(p.uri);
      this.poke();
      return { success: true };
    });
    connection.onError(([error]) => {
      this.protocolErrors.push(`error: ${error.message}`);
    });
    connection.listen();
  }

  /** Spawns the server, sends `initialize` and `initialized`. */
  static async start(options: StartOptions = {}): Promise<LspSession> {
    const command = options.command ?? { file: process.execPath, args: [serverPath] };
    const proc = spawn(command.file, [...(command.args ?? []), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: command.env ?? process.env });
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const session = new LspSession(proc, connection, options);
    const folders = options.workspaceFolders ?? [];
    const capabilities: ClientCapabilities = {
      workspace: {
        configuration: options.pullConfiguration ?? true,
        didChangeConfiguration: { dynamicRegistration: true },
        workspaceFolders: true,
        ...options.capabilities?.workspace,
      },
      textDocument: {
        synchronization: { dynamicRegistration: false },
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, dataSupport: true },
        ...options.capabilities?.textDocument,
      },
      window: { workDoneProgress: true, ...options.capabilities?.window },
      ...(options.capabilities?.general ? { general: options.capabilities.general } : {}),
    };
    try {
      session.initializeResult = await session.within(
        'initialize response',
        connection.sendRequest(InitializeRequest.type, {
          processId: process.pid,
          rootUri: folders[0] ? fileUri(folders[0]) : null,
          workspaceFolders: folders.length ? folders.map((f, i) => ({ uri: fileUri(f), name: `folder${i}` })) : null,
          capabilities,
          clientInfo: { name: 'tls-lens-protocol-test' },
          ...(options.initializationOptions !== undefined ? { initializationOptions: options.initializationOptions } : {}),
        }),
      );
      await connection.sendNotification(InitializedNotification.type, {});
    } catch (e) {
      session.dispose(); // never leave a half-started server behind
      throw e;
    }
    return session;
  }

  /** What the server wrote to stderr (for failure messages). */
  get stderr(): string {
    return this.stderrText;
  }

  /** Rejects with a clear message when `promise` does not settle in time or the server dies. */
  within<T>(what: string, promise: Promise<T>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const settle = (f: () => void): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        f();
      };
      const timer = setTimeout(() => settle(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${this.context()}`))), timeoutMs);
      void this.exited.then((s) =>
        settle(() => reject(new Error(`server exited (${JSON.stringify(s)}) while waiting for ${what}${this.context()}`))),
      );
      promise.then(
        (v) => settle(() => resolve(v)),
        (e: unknown) => settle(() => reject(e instanceof Error ? e : new Error(String(e)))),
      );
    });
  }

  /** Resolves when `check` holds, re-checked on every message that could change it. */
  waitUntil(what: string, check: () => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    if (check()) return Promise.resolve();
    return this.within(
      what,
      new Promise<void>((resolve) => {
        const waiter: Waiter = {
          check,
          wake: () => {
            this.waiters = this.waiters.filter((w) => w !== waiter);
            resolve();
          },
        };
        this.waiters.push(waiter);
      }),
      timeoutMs,
    );
  }

  private poke(): void {
    for (const w of [...this.waiters]) if (w.check()) w.wake();
  }

  private context(): string {
    const uris = [...new Set(this.published.map((p) => p.uri))];
    const last = uris.map((u) => {
      const all = this.publishesFor(u);
      const p = all[all.length - 1]!;
      return `  ${u} (v${p.version ?? '-'}): ${JSON.stringify(p.diagnostics.map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character}`))}`;
    });
    return (
      `\n publishes so far (last per uri):\n${last.join('\n') || '  (none)'}` +
      (this.stderrText ? `\n server stderr:\n${this.stderrText.slice(-2000)}` : '') +
      (this.logMessages.length ? `\n server log:\n${this.logMessages.slice(-10).join('\n')}` : '')
    );
  }

  /** A marker: waits "after" it only consider publishes that arrive later. */
  mark(): number {
    return this.published.length;
  }

  publishesFor(uri: string, after = 0): PublishDiagnosticsParams[] {
    return this.published.slice(after).filter((p) => p.uri === uri);
  }

  /** The first publish for `uri` after `after` that satisfies `accept`. */
  async diagnostics(
    uri: string,
    opts: { after?: number; accept?: (p: PublishDiagnosticsParams) => boolean; what?: string; timeoutMs?: number } = {},
  ): Promise<PublishDiagnosticsParams> {
    const find = (): PublishDiagnosticsParams | undefined => this.publishesFor(uri, opts.after ?? 0).find((p) => opts.accept?.(p) ?? true);
    await this.waitUntil(opts.what ?? `diagnostics for ${uri}`, () => find() !== undefined, opts.timeoutMs);
    return find()!;
  }

  async open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }

  async change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async configurationChanged(settings: unknown = null): Promise<void> {
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.within(`hover at ${uri} ${position.line}:${position.character}`, this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }));
  }

  codeActions(uri: string, range: Range, diagnostics: Diagnostic[]): Promise<Array<Command | CodeAction> | null> {
    return this.within(
      `code actions for ${uri}`,
      this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, only: ['quickfix'] } }),
    );
  }

  executeCommand(command: string, args: unknown[] = [], workDoneToken?: string, token?: CancellationToken): Promise<unknown> {
    const params = workDoneToken === undefined ? { command, arguments: args } : { command, arguments: args, workDoneToken };
    if (workDoneToken !== undefined) {
      this.connection.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        this.progress.push({ token: workDoneToken, value });
        this.poke();
      });
    }
    return this.within(`executeCommand ${command}`, this.connection.sendRequest(ExecuteCommandRequest.type, params, token));
  }

  /** `shutdown`, then `exit`; resolves with how the process ended. */
  async shutdownAndExit(): Promise<ExitStatus> {
    await this.within('shutdown response', this.connection.sendRequest(ShutdownRequest.type));
    await this.connection.sendNotification(ExitNotification.type);
    return this.waitForExit();
  }

  waitForExit(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ExitStatus> {
    if (this.exitStatus) return Promise.resolve(this.exitStatus);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not exit within ${timeoutMs} ms${this.context()}`)), timeoutMs);
      void this.exited.then((s) => {
        clearTimeout(timer);
        resolve(s);
      });
    });
  }

  get isRunning(): boolean {
    return this.exitStatus === undefined;
  }

  /** Ends the connection and kills the server if it is still running (for `after`). */
  dispose(): void {
    this.connection.dispose();
    if (this.isRunning) this.proc.kill('SIGKILL');
  }
}

import * as path from 'node:path';
import type { CancellationToken, Connection, TextDocuments, WorkDoneProgressReporter } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { TextDoc, detectFormat, includerHttpContext, isCandidateName, lintFile, trailingPathGuesser, walkFiles, type Finding, type Host, type PathGuess, type TreeCache } from '../core';
import type { CheckWorkspaceResult } from '../shared/protocol';
import { pathToUri, toDiagnostic, uriToPath } from './convert';
import type { DocumentLinter } from './diagnostics';
import type { KubeWorkspace } from './kubeWorkspace';
import type { PolicyResolver } from './policy';
import type { SettingsCache } from './settings';

/**
 * Lints every candidate file under the workspace folders and publishes diagnostics for
 * them (open documents are linted from their editor text). Reports progress and stops
 * when cancelled.
 */
export class WorkspaceChecker {
  /** Files that got diagnostics from the last run; cleared on the next. */
  private published = new Set<string>();
  /** nginx configurations loaded during one run (files on disk do not change meanwhile). */
  private trees: TreeCache = new Map();
  /** The trailing-path guess over the files of the run (absolute includes outside the workspace). */
  private guess: (path: string) => PathGuess | undefined = () => undefined;
  /** The workspace's manifests; rebuilt from disk at the start of every run. */
  kube: KubeWorkspace | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settings: SettingsCache,
    private readonly policies: PolicyResolver,
    private readonly linter: DocumentLinter,
    private readonly host: Host,
    private readonly folders: () => readonly string[],
  ) {}

  async run(progress: WorkDoneProgressReporter, token: CancellationToken): Promise<CheckWorkspaceResult> {
    const result: CheckWorkspaceResult = {
      filesChecked: 0,
      filesWithFindings: 0,
      findings: { error: 0, warning: 0, info: 0, hint: 0 },
      cancelled: false,
      errors: [],
    };
    progress.begin('TLS Lens: checking workspace', 0, 'finding files…', true);
    this.trees = new Map();
    this.kube?.reset();
    const files: string[] = [];
    try {
      for (const folder of this.folders()) {
        for await (const f of walkFiles(this.host, folder, {
          accept: isCandidateName,
          isCancelled: () => token.isCancellationRequested,
          onError: (p, m) => result.errors.push(`${p}: ${m}`),
        })) {
          files.push(f);
        }
      }
      this.guess = trailingPathGuesser(files);
      const previous = this.published;
      this.published = new Set();
      for (let i = 0; i < files.length; i++) {
        if (token.isCancellationRequested) {
          result.cancelled = true;
          break;
        }
        const file = files[i]!;
        const uri = pathToUri(file);
        progress.report(Math.round((100 * i) / Math.max(1, files.length)), `${i + 1}/${files.length} ${path.basename(file)}`);
        const linted = await this.lintOne(file, uri, result);
        if (linted === undefined) continue;
        const { findings } = linted;
        // A file TLS Lens does not read (Apache httpd, a binary file) is not counted as checked; its note is still shown.
        if (!linted.skipped) result.filesChecked++;
        if (findings.length) {
          result.filesWithFindings++;
          for (const f of findings) result.findings[f.severity]++;
        }
        if (findings.length || previous.has(uri)) {
          await this.connection.sendDiagnostics({ uri, diagnostics: findings.map(toDiagnostic) });
        }
        if (findings.length) this.published.add(uri);
        previous.delete(uri);
      }
      if (result.cancelled) {
        // Files the cancelled run did not reach keep the diagnostics of the run before.
        for (const uri of previous) this.published.add(uri);
      } else {
        for (const uri of previous) await this.connection.sendDiagnostics({ uri, diagnostics: [] });
      }
    } finally {
      this.trees = new Map();
      progress.done();
    }
    result.cancelled ||= token.isCancellationRequested;
    return result;
  }

  /**
   * A document was closed: if the last workspace check published diagnostics for it,
   * lint it again from disk so they stay in Problems; otherwise clear them.
   */
  async documentClosed(uri: string): Promise<void> {
    if (!this.published.has(uri)) {
      await this.connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    const result: CheckWorkspaceResult = { filesChecked: 0, filesWithFindings: 0, findings: { error: 0, warning: 0, info: 0, hint: 0 }, cancelled: false, errors: [] };
    this.trees = new Map(); // files may have changed since the last run
    const findings = (await this.lintOne(uriToPath(uri), uri, result))?.findings ?? [];
    if (this.documents.get(uri)) return; // reopened meanwhile: the open document's lint wins
    if (findings.length === 0) this.published.delete(uri);
    await this.connection.sendDiagnostics({ uri, diagnostics: findings.map(toDiagnostic) });
  }

  private async lintOne(file: string, uri: string, result: CheckWorkspaceResult): Promise<{ findings: Finding[]; skipped: boolean } | undefined> {
    const open = this.documents.get(uri);
    if (open) {
      const findings = await this.linter.findingsFor(open);
      return findings === undefined ? undefined : { findings, skipped: detectFormat(new TextDoc(file, open.getText(), open.languageId)) === 'apache' };
    }
    // Resource-scoped settings differ per workspace folder, not per file: ask once per folder.
    const folder = this.policies.folderOf(file);
    const { policy, enabled } = await this.policies.resolve(file, await this.settings.get(folder ? pathToUri(folder) : uri));
    if (!enabled) return undefined;
    const root = this.policies.folderOf(file);
    const r = await lintFile(this.host, file, file, {
      policy,
      now: this.host.now(),
      ...(root !== undefined ? { root } : {}),
      kubeIndex: await this.kube?.get(),
      gather: { nginx: { guessPath: this.guess, httpContext: (p) => includerHttpContext(this.host, p, { stopAt: this.policies.folderOf(p), trees: this.trees, pathMappings: policy.pathMappings, guessPath: this.guess }) } },
    });
    if ('error' in r) {
      result.errors.push(r.error);
      return undefined;
    }
    return { findings: r.findings, skipped: r.skipped !== undefined };
  }
}

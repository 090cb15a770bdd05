import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import * as path from 'node:path';
import {
  TextDoc,
  hasNginxIncludes,
  detectFormat,
  includeProblems,
  loadReferencedFiles,
  namesReferencedFiles,
  type ReferencedFiles,
  includerHttpContext,
  lintDocument,
  needsHttpContext,
  normalizePath,
  type Finding,
  type LintOptions,
  type NginxDirective,
  type Policy,
} from '../core';
import type { Host } from '../core';
import { toDiagnostic, uriToPath } from './convert';
import type { PolicyResolver } from './policy';
import type { SettingsCache } from './settings';

/**
 * Lints open documents: immediately on open, debounced on change, all again when
 * settings or a policy file change. Publishes only results for the version it linted.
 */
export class DocumentLinter {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Documents linted at least once since they were opened. */
  private readonly seen = new Set<string>();
  /** Per document, the number of the latest lint started: only that one may publish. */
  private readonly runs = new Map<string, number>();
  /** Policy files named by `tlsLens.policyFile` (for any open document so far). */
  private readonly namedPolicyFiles = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settings: SettingsCache,
    private readonly policies: PolicyResolver,
    private readonly host: Host,
  ) {}

  /** A document was opened or edited: lint a new document at once, an edited one after a pause. */
  changed(uri: string): void {
    const first = !this.seen.has(uri);
    this.seen.add(uri);
    this.schedule(uri, first);
  }

  /** Lints `uri` after the configured delay (or at once), replacing any pending run. */
  schedule(uri: string, immediate = false): void {
    this.cancel(uri);
    if (immediate) {
      void this.lint(uri);
      return;
    }
    void this.settings.get(uri).then((s) => {
      this.cancel(uri);
      this.timers.set(
        uri,
        setTimeout(() => {
          this.timers.delete(uri);
          void this.lint(uri);
        }, s.lintDelayMs),
      );
    });
  }

  cancel(uri: string): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
  }

  relintAll(): void {
    for (const d of this.documents.all()) this.schedule(d.uri, true);
  }

  isNamedPolicyFile(file: string): boolean {
    return this.namedPolicyFiles.has(file);
  }

  /** The document was closed: nothing pending for it may publish any more. */
  close(uri: string): void {
    this.cancel(uri);
    this.seen.delete(uri);
    this.runs.set(uri, (this.runs.get(uri) ?? 0) + 1);
  }

  /** The policy for an open document, and the core's view of it (the named policy file is a policy). */
  async prepare(doc: TextDocument): Promise<{ textDoc: TextDoc; policy: Policy; enabled: boolean }> {
    const file = uriToPath(doc.uri);
    const settings = await this.settings.get(doc.uri);
    const { policy, enabled } = await this.policies.resolve(file, settings);
    const named = this.policies.explicitPolicyFile(file, settings);
    if (named) this.namedPolicyFiles.add(named);
    const format = named === file ? 'policy' : undefined;
    return { textDoc: new TextDoc(file, doc.getText(), doc.languageId, format), policy, enabled };
  }

  /**
   * For an nginx snippet (top-level servers, no http block): the http-level directives of
   * the nginx.conf that includes it, read through the host with open editors' text first.
   */
  async httpContext(textDoc: TextDoc): Promise<readonly NginxDirective[] | undefined> {
    if (!path.isAbsolute(textDoc.file) || !needsHttpContext(textDoc)) return undefined;
    // Keyed as the loader normalises paths ("/" separators, also on Windows).
    const open = new Map(this.documents.all().map((d) => [normalizePath(uriToPath(d.uri)), d.getText()]));
    return includerHttpContext(this.host, textDoc.file, { stopAt: this.policies.folderOf(textDoc.file), text: (p) => open.get(p) }).catch(() => undefined);
  }

  /** For an nginx file: the certificate, key and DH parameter files it names, read inside its workspace folder. */
  async referencedFiles(textDoc: TextDoc, policy: Policy): Promise<ReferencedFiles | undefined> {
    if (!path.isAbsolute(textDoc.file) || detectFormat(textDoc) !== 'nginx' || !namesReferencedFiles(textDoc.text)) return undefined;
    return loadReferencedFiles(this.host, textDoc.file, textDoc.text, policy, this.policies.folderOf(textDoc.file));
  }

    /** Findings for a document as it is now; undefined when TLS Lens is off for it. */
  async findingsFor(doc: TextDocument): Promise<Finding[] | undefined> {
    const { textDoc, policy, enabled } = await this.prepare(doc);
    if (!enabled) return undefined;
    const context = await this.httpContext(textDoc);
    const options: LintOptions = { policy, now: this.host.now() };
    if (context) options.nginxHttpContext = context;
    if (path.isAbsolute(textDoc.file) && hasNginxIncludes(textDoc)) {
      options.nginxIncludeProblems = await includeProblems(this.host, textDoc.file, () => textDoc.text);
    }
    const referenced = await this.referencedFiles(textDoc, policy);
    if (referenced) options.nginxReferencedFiles = referenced;
    return lintDocument(textDoc, options);
  }

  private async lint(uri: string): Promise<void> {
    const doc = this.documents.get(uri);
    if (!doc) return;
    const run = (this.runs.get(uri) ?? 0) + 1;
    this.runs.set(uri, run);
    try {
      const findings = await this.findingsFor(doc);
      // A later lint (an edit, a settings change, a close) supersedes this one.
      if (this.runs.get(uri) !== run || !this.documents.get(uri)) return;
      await this.connection.sendDiagnostics({ uri, version: doc.version, diagnostics: (findings ?? []).map(toDiagnostic) });
    } catch (e) {
      this.connection.console.error(`TLS Lens: linting ${uri} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
}

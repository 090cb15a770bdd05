import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import * as path from 'node:path';
import {
  TextDoc,
  detectFormat,
  gatherFacts,
  hasNginxIncludes,
  includeContext,
  isCandidateName,
  trailingPathGuesser,
  walkFiles,
  type PathGuess,
  loadReferencedFiles,
  namesReferencedFiles,
  type ReferencedFiles,
  includerHttpContext,
  lintDocument,
  NginxTreeCache,
  needsHttpContext,
  normalizePath,
  overSizeCap,
  type Finding,
  type FormatFacts,
  type FormatGatherOptions,
  type NginxFacts,
  type LintOptions,
  type NginxDirective,
  type Policy,
  type TextEdit,
} from '../core';
import type { FormatKind } from '../core/formats/detect';
import type { Host } from '../core';
import { toDiagnostic, uriToPath } from './convert';
import type { IdleMemory } from './idleMemory';
import type { KubeWorkspace } from './kubeWorkspace';
import type { PolicyResolver } from './policy';
import type { SettingsCache } from './settings';

/** One lint of an open document: the version linted, its findings and how the document was read. */
export interface LintRecord {
  version: number;
  findings: Finding[];
  format: FormatKind;
  /** False when TLS Lens is off for the document (no findings, no actions). */
  enabled: boolean;
  /** Distinct preferred fixes among the findings (what "Fix all" would take, before overlaps wait for a later pass). */
  fixable: number;
  /** "Fix all" for these findings, computed once on first need (`combineFixes`). */
  fixAll?: { edits: TextEdit[]; applied: number };
}

/** The certificate, key and DH files an nginx lint read (kept for the hover). */
function referencedIn(facts: FormatFacts | undefined): ReferencedFiles | undefined {
  return facts?.format === 'nginx' ? (facts.value as NginxFacts).referenced : undefined;
}

/** Distinct preferred fixes (the findings of one directive share one fix object). */
function countFixable(findings: readonly Finding[]): number {
  const fixes = new Set<unknown>();
  for (const f of findings) for (const x of f.fixes) if (x.preferred) fixes.add(x);
  return fixes.size;
}

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
  /** nginx configurations loaded with their includes (`NginxTreeCache`), shared by lint, hover and code actions. */
  private readonly trees: NginxTreeCache;
  /** The workspace's manifests, for Kubernetes rules that follow references across files. */
  kube: KubeWorkspace | undefined;
  /** Told of every lint, so memory is given back once linting stops for a while. */
  idle: IdleMemory | undefined;
  /** Per open document, the findings of its latest published lint (code actions read them instead of linting again). */
  private readonly latest = new Map<string, LintRecord>();
  /** Per open document, the lint running now and the version it lints. */
  private readonly inflight = new Map<string, { version: number; done: Promise<void> }>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settings: SettingsCache,
    private readonly policies: PolicyResolver,
    private readonly host: Host,
  ) {
    this.trees = new NginxTreeCache(host, () => this.openText());
  }

  /** A document was opened or edited: lint a new document at once, an edited one after a pause. */
  changed(uri: string): void {
    const first = !this.seen.has(uri);
    this.seen.add(uri);
    // Other open files whose includer tree read this one (its snippets, when it is an
    // nginx.conf being edited) are judged again with its unsaved text.
    this.relintDependents(uri);
    this.schedule(uri, first);
  }

  /**
   * Per open document, the files its latest lint read through includer or include trees;
   * `pending` while that lint is still loading them.
   */
  private readonly dependencies = new Map<string, Set<string> | 'pending'>();

  /** `uri` changed (or opened, or closed): drop the trees that read it and re-lint the open documents that depend on it. */
  private relintDependents(uri: string): void {
    const file = normalizePath(uriToPath(uri));
    const affected = this.forgetTreesWith(file);
    for (const [other, deps] of this.dependencies) if (deps === 'pending' || deps.has(file)) affected.add(other);
    for (const other of affected) if (other !== uri && this.seen.has(other)) this.schedule(other);
  }

  /**
   * Drops the loaded trees that read `file` (or all, without one); returns the URIs of the
   * open documents those trees read, which may now be judged differently.
   */
  forgetTreesWith(file?: string): Set<string> {
    const read = this.trees.forget(file);
    const affected = new Set<string>();
    for (const d of this.documents.all()) if (read.has(normalizePath(uriToPath(d.uri)))) affected.add(d.uri);
    return affected;
  }

  /** The workspace's candidate files, for the trailing-path guess of absolute includes (walked on first need). */
  private workspaceFiles: Promise<(path: string) => PathGuess | undefined> | undefined;

  private async guessPath(): Promise<(path: string) => PathGuess | undefined> {
    this.workspaceFiles ??= (async () => {
      const files: string[] = [];
      for (const folder of this.policies.folders()) {
        for await (const f of walkFiles(this.host, folder, { accept: isCandidateName })) {
          files.push(f);
          if (files.length >= 50_000) break;
        }
      }
      return trailingPathGuesser(files);
    })().catch(() => () => undefined);
    return this.workspaceFiles;
  }

  /** nginx files changed on disk (created, changed, deleted): trees are reloaded, open nginx documents re-linted. */
  nginxFilesChanged(): void {
    this.workspaceFiles = undefined;
    this.forgetTreesWith();
    for (const d of this.documents.all()) if (this.seen.has(d.uri)) this.schedule(d.uri);
  }

  private openText(): (p: string) => string | undefined {
    const open = new Map(this.documents.all().map((d) => [normalizePath(uriToPath(d.uri)), d.getText()]));
    return (p) => open.get(p);
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
    // Trees that read its unsaved text read the disk again from now on.
    this.relintDependents(uri);
    this.dependencies.delete(uri);
    this.cancel(uri);
    this.seen.delete(uri);
    this.latest.delete(uri);
    this.referencedByLint.delete(uriToPath(uri));
    this.runs.set(uri, (this.runs.get(uri) ?? 0) + 1);
  }

  /** The policy for an open document, and the core's view of it (the named policy file is a policy), with the version of the text taken. */
  async prepare(doc: TextDocument): Promise<{ textDoc: TextDoc; policy: Policy; enabled: boolean; version: number }> {
    const file = uriToPath(doc.uri);
    const settings = await this.settings.get(doc.uri);
    const { policy, enabled } = await this.policies.resolve(file, settings);
    const named = this.policies.explicitPolicyFile(file, settings);
    if (named) this.namedPolicyFiles.add(named);
    const format = named === file ? 'policy' : undefined;
    return { textDoc: new TextDoc(file, doc.getText(), doc.languageId, format), policy, enabled, version: doc.version };
  }

  /** How TLS Lens reads an open document (`tlsLens.policyFile` names a policy file of any name). */
  async formatOf(doc: TextDocument): Promise<FormatKind> {
    const file = uriToPath(doc.uri);
    const named = this.policies.explicitPolicyFile(file, await this.settings.get(doc.uri));
    return detectFormat(new TextDoc(file, doc.getText().slice(0, 256 * 1024), doc.languageId, named === file ? 'policy' : undefined));
  }

  /** The document's last published lint, whatever version it was of (it may be older than the text). */
  recorded(uri: string): LintRecord | undefined {
    return this.latest.get(uri);
  }

  /**
   * The findings of the document's current version: those last published when they are of
   * this version, else the lint of this version (started now if none is running). One lint
   * per version however many requests ask.
   */
  async latestLint(doc: TextDocument): Promise<LintRecord | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const have = this.latest.get(doc.uri);
      if (have?.version === doc.version) return have;
      const running = this.inflight.get(doc.uri);
      if (running?.version === doc.version) await running.done;
      else {
        this.cancel(doc.uri);
        await this.lint(doc.uri);
      }
    }
    const have = this.latest.get(doc.uri);
    return have?.version === doc.version ? have : undefined;
  }

  /**
   * For an nginx snippet (top-level servers, no http block): the http-level directives of
   * the nginx.conf that includes it, read through the host with open editors' text first.
   */
  async httpContext(textDoc: TextDoc, deps = new Set<string>(), epoch = this.trees.epoch, policy?: Policy): Promise<readonly NginxDirective[] | undefined> {
    if (!path.isAbsolute(textDoc.file) || !needsHttpContext(textDoc)) return undefined;
    const guessPath = await this.guessPath();
    return includerHttpContext(this.host, textDoc.file, { stopAt: this.policies.folderOf(textDoc.file), text: this.openText(), loadTree: this.trees.recording(deps, epoch), pathMappings: policy?.pathMappings ?? {}, guessPath }).catch(() => undefined);
  }

  /** Per file, the referenced files its latest lint read, with the text and path mappings they were read for. */
  private readonly referencedByLint = new Map<string, { text: string; mappings: string; files: ReferencedFiles | undefined }>();

  /** For an nginx file: the certificate, key and DH parameter files it names, read inside its workspace folder. */
  async referencedFiles(textDoc: TextDoc, policy: Policy): Promise<ReferencedFiles | undefined> {
    if (!path.isAbsolute(textDoc.file) || detectFormat(textDoc) !== 'nginx' || !namesReferencedFiles(textDoc.text)) return undefined;
    return loadReferencedFiles(this.host, textDoc.file, textDoc.text, policy, this.policies.folderOf(textDoc.file));
  }

  /**
   * The referenced files for a hover: those the latest lint read for this very text (a large
   * file names thousands: a hover about one position does not read them all again), else read now.
   */
  async referencedFilesForHover(textDoc: TextDoc, policy: Policy): Promise<ReferencedFiles | undefined> {
    const had = this.referencedByLint.get(textDoc.file);
    if (had && had.text === textDoc.text && had.mappings === JSON.stringify(policy.pathMappings)) return had.files;
    return this.referencedFiles(textDoc, policy);
  }

  /** For a registered format: the workspace facts its rules need, read inside the document's workspace folder, open editors' text first. */
  async facts(textDoc: TextDoc, policy: Policy, options?: FormatGatherOptions): Promise<FormatFacts | undefined> {
    if (!path.isAbsolute(textDoc.file)) return undefined;
    const root = this.policies.folderOf(textDoc.file);
    return gatherFacts(this.host, textDoc.file, textDoc, policy, { ...(root !== undefined ? { root } : {}), text: this.openText(), ...(options ? { options } : {}) });
  }

  /** What an nginx file's own includes read (for hover), through the shared trees. */
  async included(textDoc: TextDoc, policy?: Policy): Promise<Map<string, NginxDirective[]> | undefined> {
    if (!path.isAbsolute(textDoc.file) || !hasNginxIncludes(textDoc)) return undefined;
    const r = await includeContext(this.host, textDoc.file, () => textDoc.text, { others: this.openText(), loadTree: this.trees.load, load: { pathMappings: policy?.pathMappings ?? {}, guessPath: await this.guessPath() } }).catch(() => undefined);
    return r?.included;
  }

  /** Findings for a document as it is now; undefined when TLS Lens is off for it. */
  async findingsFor(doc: TextDocument): Promise<Finding[] | undefined> {
    const r = await this.lintRecord(doc);
    return r?.enabled ? r.findings : undefined;
  }

  /** The findings for a document as it is now, with the version and format linted. */
  private async lintRecord(doc: TextDocument): Promise<LintRecord | undefined> {
    // Taken before the text is: trees are shared only by lints that saw no edit since.
    const epoch = this.trees.epoch;
    const deps = new Set<string>();
    this.dependencies.set(doc.uri, 'pending');
    const { textDoc, policy, enabled, version } = await this.prepare(doc);
    if (!enabled) {
      this.dependencies.set(doc.uri, deps);
      return { version, findings: [], format: detectFormat(textDoc), enabled: false, fixable: 0 };
    }
    if (overSizeCap(textDoc.text, policy)) {
      // Nothing is read or parsed for a file over the cap: the notice says so; the workspace index leaves it out, as it does on disk.
      this.dependencies.set(doc.uri, deps);
      if (this.kube?.ready() && (await this.kube.setOpen(textDoc.file, undefined))) this.relintOtherManifests(doc.uri);
      const findings = lintDocument(textDoc, { policy, now: this.host.now() });
      return { version, findings, format: detectFormat(textDoc), enabled: true, fixable: countFixable(findings) };
    }
    const options: LintOptions = { policy, now: this.host.now() };
    const root = this.policies.folderOf(textDoc.file);
    const facts = await this.facts(textDoc, policy, {
      nginx: {
        others: this.openText(),
        loadTree: this.trees.recording(deps, epoch),
        guesser: () => this.guessPath(),
        httpContext: () => this.httpContext(textDoc, deps, epoch, policy),
        ...(root !== undefined ? { root } : {}),
      },
    });
    if (facts) options.facts = facts;
    if (this.documents.get(doc.uri)) {
      this.dependencies.set(doc.uri, deps);
      this.referencedByLint.set(textDoc.file, { text: textDoc.text, mappings: JSON.stringify(policy.pathMappings), files: referencedIn(facts) });
    }
    if (this.kube && detectFormat(textDoc) === 'kubernetes') {
      if (this.kube.ready()) {
        const changed = await this.kube.setOpen(textDoc.file, textDoc.text);
        options.kubeIndex = await this.kube.get();
        // Other open manifests may refer to this one (an Ingress to this Secret).
        if (changed) this.relintOtherManifests(doc.uri);
      } else {
        // The workspace is still being read: publish what can be judged now (the open
        // manifests, then also their folders and every kustomization), and judge the open
        // manifests again once their folders are in, and once the whole index is built.
        const partial = this.kube.partial(textDoc.file, textDoc.text);
        options.kubeIndex = partial.index;
        if (!partial.near) this.relintManifestsWhen(this.kube.whenNear(), 'near');
        this.relintManifestsWhen(this.kube.whenBuilt(), 'built');
      }
    }
    const findings = lintDocument(textDoc, options);
    return { version, findings, format: detectFormat(textDoc), enabled: true, fixable: countFixable(findings) };
  }

  /** The parts of the index build the open manifests wait for (one re-lint per part and build). */
  private readonly awaited = new Map<'near' | 'built', Promise<void>>();

  private relintManifestsWhen(part: Promise<void>, which: 'near' | 'built'): void {
    if (this.awaited.get(which) === part) return;
    this.awaited.set(which, part);
    part.then(
      () => {
        if (this.awaited.get(which) === part) this.awaited.delete(which);
        this.relintOtherManifests(undefined, true);
      },
      (e: unknown) => {
        if (this.awaited.get(which) === part) this.awaited.delete(which);
        if (which === 'built') this.connection.console.error(`TLS Lens: reading the workspace's manifests failed: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }

  private relintOtherManifests(uri: string | undefined, immediate = false): void {
    for (const d of this.documents.all()) {
      if (d.uri !== uri && detectFormat(new TextDoc(uriToPath(d.uri), d.getText(), d.languageId)) === 'kubernetes') this.schedule(d.uri, immediate);
    }
  }

  private lint(uri: string): Promise<void> {
    const doc = this.documents.get(uri);
    if (!doc) return Promise.resolve();
    this.idle?.touch();
    const run = (this.runs.get(uri) ?? 0) + 1;
    this.runs.set(uri, run);
    const version = doc.version;
    const entry: { version: number; done: Promise<void> } = { version, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        const record = await this.lintRecord(doc);
        // A later lint (an edit, a settings change, a close) supersedes this one.
        if (!record || this.runs.get(uri) !== run || !this.documents.get(uri)) return;
        this.latest.set(uri, record);
        await this.connection.sendDiagnostics({ uri, version: record.version, diagnostics: record.findings.map(toDiagnostic) });
      } catch (e) {
        this.connection.console.error(`TLS Lens: linting ${uri} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      } finally {
        if (this.inflight.get(uri) === entry) this.inflight.delete(uri);
      }
    })();
    this.inflight.set(uri, entry);
    return entry.done;
  }
}

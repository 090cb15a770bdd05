import { CodeAction, CodeActionKind, type CodeActionParams, type Diagnostic, type TextDocuments, type TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { combineFixes, readsSuppressions } from '../core';
import type { FormatKind } from '../core/formats/detect';
import { SOURCE, type DiagnosticData } from './convert';
import type { DocumentLinter, LintRecord } from './diagnostics';

/** The kind of the "fix everything TLS Lens can fix in this file" action (runs on save with editor.codeActionsOnSave). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.tls-lens`;


/**
 * Rules a suppression comment cannot or should not silence: the engine's notices about a
 * file it did not lint, the suppression notices themselves, and a broken policy file (the
 * file stays unused whatever its diagnostics say).
 */
const NOT_SUPPRESSIBLE = /^(core\/|policy\/invalid$)/;

/** How far up a line-level suppression looks for a YAML block scalar the line may be inside. */
const BLOCK_SCAN_LINES = 400;

export interface CodeActionOptions {
  /** The client resolves a code action's edit lazily (`codeAction/resolve`): "Fix all" is computed when chosen. */
  resolveEdits: boolean;
  /** Else, the server's command that applies "Fix all" with `workspace/applyEdit` (when the client can apply edits). */
  fixAllCommand?: string;
  /** The command that shows a rule's page (the client's own, or the server's `window/showDocument` one); none: no such action. */
  docsCommand?: string;
}

interface FixAllData {
  fixAll: true;
  uri: string;
}

/** Quick fixes for the diagnostics a code-action request carries back: one per distinct fix. */
export function quickFixes(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  // Several diagnostics can share one fix (each weak version on one line); offer it once,
  // naming every diagnostic it resolves.
  const byFix = new Map<string, CodeAction>();
  for (const d of diagnostics) {
    if (d.source !== SOURCE) continue;
    const data = d.data as DiagnosticData | undefined;
    for (const fix of data?.fixes ?? []) {
      const key = JSON.stringify([fix.title, fix.edits]);
      const existing = byFix.get(key);
      if (existing) {
        existing.diagnostics!.push(d);
        continue;
      }
      const action = CodeAction.create(fix.title, { changes: { [uri]: fix.edits } }, CodeActionKind.QuickFix);
      action.diagnostics = [d];
      if (fix.preferred) action.isPreferred = true;
      byFix.set(key, action);
    }
  }
  return [...byFix.values()];
}

function wants(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
}

function lineText(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

function eol(doc: TextDocument): string {
  return doc.getText({ start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }).endsWith('\r\n') ? '\r\n' : '\n';
}

/** Where the ids of a `# tls-lens-disable-…` comment end (before ` -- reason`), and whether `rule` is among them. */
function idsEnd(text: string, directive: RegExp, rule: string): { end: number; has: boolean } | undefined {
  const m = directive.exec(text);
  if (!m) return undefined;
  const start = m.index + m[0].length;
  const rest = text.slice(start);
  const sep = rest.search(/(^|\s)--(\s|$)/);
  const ids = (sep >= 0 ? rest.slice(0, sep) : rest).trimEnd();
  return { end: start + ids.length, has: ids.split(/[\s,]+/).includes(rule) };
}

/** A YAML line inside a block scalar (`key: |` above it, less indented): a comment line there would become text. */
function inBlockScalar(doc: TextDocument, line: number): boolean {
  const indent = (s: string): number => s.length - s.trimStart().length;
  const own = indent(lineText(doc, line));
  for (let i = line - 1; i >= Math.max(0, line - BLOCK_SCAN_LINES); i--) {
    const t = lineText(doc, i);
    if (t.trim() === '') continue;
    if (indent(t) >= own) continue;
    return /[|>][-+0-9]*\s*(#.*)?$/.test(t);
  }
  return line > BLOCK_SCAN_LINES;
}

/** `# tls-lens-disable-next-line RULE` above the finding's line (or RULE added to the one already there). */
function disableLineEdit(doc: TextDocument, format: FormatKind, line: number, rule: string): TextEdit | undefined {
  if ((format === 'yaml' || format === 'kubernetes' || format === 'policy') && inBlockScalar(doc, line)) return undefined;
  if (line > 0) {
    const above = lineText(doc, line - 1);
    const ids = /^\s*#[ \t]*tls-lens-disable-next-line\b/.test(above) ? idsEnd(above, /tls-lens-disable-next-line\b/, rule) : undefined;
    if (ids?.has) return undefined;
    if (ids) return { range: { start: { line: line - 1, character: ids.end }, end: { line: line - 1, character: ids.end } }, newText: ` ${rule}` };
  }
  const indent = /^\s*/.exec(lineText(doc, line))![0];
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}# tls-lens-disable-next-line ${rule}${eol(doc)}` };
}

/** `# tls-lens-disable-file RULE` on the first line (or RULE added to such a comment in the file's leading comments). */
function disableFileEdit(doc: TextDocument, rule: string): TextEdit | undefined {
  for (let i = 0; i < Math.min(doc.lineCount, 40); i++) {
    const t = lineText(doc, i);
    if (/^\s*#[ \t]*tls-lens-disable-file\b/.test(t)) {
      const ids = idsEnd(t, /tls-lens-disable-file\b/, rule)!;
      if (ids.has) return undefined;
      return { range: { start: { line: i, character: ids.end }, end: { line: i, character: ids.end } }, newText: ` ${rule}` };
    }
    if (!/^\s*(#.*)?$/.test(t)) break;
  }
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `# tls-lens-disable-file ${rule}${eol(doc)}` };
}

function ruleOf(d: Diagnostic): string | undefined {
  return d.source === SOURCE && typeof d.code === 'string' ? d.code : undefined;
}

/**
 * Code actions: the diagnostics' quick fixes, "Disable <rule> for this line / file"
 * (suppression comments the linter reads), "Show documentation for <rule>", and a fix-all for
 * the whole file (as `source.fixAll.tls-lens`, and among the quick fixes when the file has
 * more than one fixable finding). Every request reads the findings of the document's latest
 * lint: nothing is linted per request. The light bulb never waits for a lint (right after an
 * edit it answers from the last one); a whole-file `source.fixAll` request waits for this
 * version's one lint. "Fix all" is merged once per version, only when chosen where the client
 * resolves edits lazily or applies them by command.
 */
export class CodeActions {
  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly linter: DocumentLinter,
    private readonly options: () => CodeActionOptions,
  ) {}

  async provide(params: CodeActionParams): Promise<CodeAction[]> {
    const uri = params.textDocument.uri;
    const only = params.context.only;
    const doc = this.documents.get(uri);
    const wantQuick = wants(only, CodeActionKind.QuickFix);
    const wantFixAllSource = wants(only, FIX_ALL_KIND);
    const ours = params.context.diagnostics.filter((d) => ruleOf(d) !== undefined);
    const actions: CodeAction[] = wantQuick ? quickFixes(uri, ours) : [];
    const hasFixes = actions.length > 0;
    if (!doc) return actions;
    const opts = this.options();

    if ((wantFixAllSource || (wantQuick && hasFixes)) && doc) {
      // The edits go out only when chosen (resolved, or applied by a command), and are merged then;
      // inline, merged now, only for clients that can do neither.
      const lazy = opts.resolveEdits || opts.fixAllCommand !== undefined;
      // A whole-file request (on save) waits for the lint of this version; the light bulb never
      // does: a lazy "Fix all" is computed for the text as it is when chosen, so the last lint's
      // count will do, and an inline one is offered once this version is linted.
      // (The light bulb asks without `only`; a save asks for source.fixAll by name.)
      const last = this.linter.recorded(uri);
      const wholeFile = only !== undefined && wantFixAllSource;
      const record = wholeFile ? await this.linter.latestLint(doc) : lazy ? last : last?.version === doc.version ? last : undefined;
      const inline = record?.enabled && !lazy ? this.fixAll(record).edits : undefined;
      if (record?.enabled && record.fixable > 0 && (lazy || inline?.length)) {
        const make = (title: string, kind: string): CodeAction => {
          const a = CodeAction.create(title, kind);
          if (opts.resolveEdits) a.data = { fixAll: true, uri } satisfies FixAllData;
          else if (opts.fixAllCommand) a.command = { title, command: opts.fixAllCommand, arguments: [uri] };
          else a.edit = { changes: { [uri]: inline! } };
          return a;
        };
        if (wantFixAllSource) actions.push(make('Fix all TLS Lens problems in this file', FIX_ALL_KIND));
        if (wantQuick && hasFixes && record.fixable > 1) actions.push(make(`Fix all TLS Lens problems in this file (${record.fixable} fixable)`, CodeActionKind.QuickFix));
      }
    }

    if (!wantQuick || ours.length === 0) return actions;
    const format = await this.linter.formatOf(doc);
    const rules = [...new Map(ours.map((d) => [ruleOf(d)!, d])).entries()];
    if (readsSuppressions(format)) {
      for (const [rule, d] of rules) {
        if (NOT_SUPPRESSIBLE.test(rule)) continue;
        const diagnostics = ours.filter((x) => ruleOf(x) === rule);
        const line = disableLineEdit(doc, format, d.range.start.line, rule);
        if (line) actions.push({ title: `Disable ${rule} for this line`, kind: CodeActionKind.QuickFix, diagnostics, edit: { changes: { [uri]: [line] } } });
        const file = disableFileEdit(doc, rule);
        if (file) actions.push({ title: `Disable ${rule} for this file`, kind: CodeActionKind.QuickFix, diagnostics, edit: { changes: { [uri]: [file] } } });
      }
    }
    if (opts.docsCommand) {
      for (const [rule] of rules) {
        actions.push({ title: `Show documentation for ${rule}`, kind: CodeActionKind.QuickFix, command: { title: `Show documentation for ${rule}`, command: opts.docsCommand, arguments: [rule] } });
      }
    }
    return actions;
  }

  /** Fills in a "Fix all" action's edit, for the document as it is now. */
  async resolve(action: CodeAction): Promise<CodeAction> {
    const data = action.data as Partial<FixAllData> | undefined;
    if (!data?.fixAll || typeof data.uri !== 'string') return action;
    action.edit = { changes: { [data.uri]: (await this.fixAllEdits(data.uri)).edits } };
    return action;
  }

  /** The "Fix all" edits of an open document as it is now, with the version they are for (the fix-all command). */
  async fixAllEdits(uri: string): Promise<{ edits: TextEdit[]; version: number | null }> {
    const doc = this.documents.get(uri);
    const record = doc ? await this.linter.latestLint(doc) : undefined;
    return record?.enabled ? { edits: this.fixAll(record).edits, version: record.version } : { edits: [], version: null };
  }

  private fixAll(record: LintRecord): { edits: TextEdit[]; applied: number } {
    if (!record.fixAll) {
      const { edits, applied } = combineFixes(record.findings);
      record.fixAll = { edits, applied };
    }
    return record.fixAll;
  }
}

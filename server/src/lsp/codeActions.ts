import { CodeAction, CodeActionKind, type CodeActionParams, type Diagnostic, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { combineFixes } from '../core';
import { SOURCE, type DiagnosticData } from './convert';
import type { DocumentLinter } from './diagnostics';

/** The kind of the "fix everything TLS Lens can fix in this file" action (runs on save with editor.codeActionsOnSave). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.tls-lens`;

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

/**
 * Code actions: quick fixes for the diagnostics in the request, plus a fix-all for the
 * whole file (as a `source.fixAll.tls-lens` action, and among the quick fixes when the
 * file has more than one fixable finding). The fix-all is computed from the document as
 * it is now, not from possibly stale diagnostics.
 */
export async function codeActions(documents: TextDocuments<TextDocument>, linter: DocumentLinter, params: CodeActionParams): Promise<CodeAction[]> {
  const uri = params.textDocument.uri;
  const only = params.context.only;
  const actions = wants(only, CodeActionKind.QuickFix) ? quickFixes(uri, params.context.diagnostics) : [];
  const wantFixAllSource = wants(only, FIX_ALL_KIND);
  if (!wantFixAllSource && actions.length === 0) return actions;
  const doc = documents.get(uri);
  if (!doc) return actions;
  const findings = (await linter.findingsFor(doc)) ?? [];
  const { edits, applied } = combineFixes(findings);
  if (edits.length === 0) return actions;
  if (wantFixAllSource) actions.push(CodeAction.create('Fix all TLS Lens problems in this file', { changes: { [uri]: edits } }, FIX_ALL_KIND));
  if (actions.some((a) => a.kind === CodeActionKind.QuickFix) && applied > 1) {
    actions.push(CodeAction.create(`Fix all TLS Lens problems in this file (${applied} fixes)`, { changes: { [uri]: edits } }, CodeActionKind.QuickFix));
  }
  return actions;
}

import { fileURLToPath, pathToFileURL } from 'node:url';
import { CodeAction, CodeActionKind, DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Finding, Severity } from '../core';
import { ruleDocFile } from '../install';

export const SOURCE = 'tls-lens';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** A file system path for a `file:` URI; other schemes keep the URI (formats are then detected by language id). */
export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).href;
}

/** What a diagnostic carries so code actions can be built without re-linting. */
export interface DiagnosticData {
  fixes: Finding['fixes'];
}

export function toDiagnostic(f: Finding): Diagnostic {
  const doc = ruleDocFile(f.ruleId);
  const d: Diagnostic = {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    source: SOURCE,
    message: f.message,
  };
  if (doc) d.codeDescription = { href: pathToUri(doc) };
  if (f.related.length) {
    d.relatedInformation = f.related.map((r) => ({ location: { uri: pathToUri(r.file), range: r.range }, message: r.message }));
  }
  if (f.fixes.length) d.data = { fixes: f.fixes } satisfies DiagnosticData;
  return d;
}

/** Quick fixes for the diagnostics a code-action request carries back. */
export function codeActionsFor(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
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

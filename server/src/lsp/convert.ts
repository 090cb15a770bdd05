import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
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

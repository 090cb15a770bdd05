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

/** Each rule's page as a URI, looked up once per rule (a publish may carry thousands of findings). */
const pageHrefs = new Map<string, string | undefined>();

function pageHref(ruleId: string): string | undefined {
  if (pageHrefs.has(ruleId)) return pageHrefs.get(ruleId);
  const doc = ruleDocFile(ruleId);
  const href = doc ? pathToUri(doc) : undefined;
  pageHrefs.set(ruleId, href);
  return href;
}

export function toDiagnostic(f: Finding): Diagnostic {
  const href = pageHref(f.ruleId);
  const d: Diagnostic = {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    source: SOURCE,
    message: f.message,
  };
  if (href) d.codeDescription = { href };
  if (f.related.length) {
    d.relatedInformation = f.related.map((r) => ({ location: { uri: pathToUri(r.file), range: r.range }, message: r.message }));
  }
  if (f.fixes.length) d.data = { fixes: f.fixes } satisfies DiagnosticData;
  return d;
}

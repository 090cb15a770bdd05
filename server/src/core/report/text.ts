import { escapeControls } from '../escape';
import type { Finding, Severity } from '../findings';
import { plural, severityCounts } from '../words';

const LABEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'info', hint: 'hint' };

/** `file:line:col: severity message [rule-id]`, 1-based, as compilers print; then a summary line. */
export function toText(findings: readonly Finding[], filesChecked: number, filesSkipped = 0): string {
  const lines = findings.map(
    (f) => `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${LABEL[f.severity]} ${f.message} [${f.ruleId}]`,
  );
  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of findings) counts[f.severity]++;
  const skipped = filesSkipped ? ` (${filesSkipped} more skipped: not a format TLS Lens reads)` : '';
  lines.push(`${findings.length === 0 ? 'No findings' : severityCounts(counts)} in ${plural(filesChecked, 'file')} checked${skipped}.`);
  // File names may hold control characters too: each line reaches a terminal as text.
  return lines.map(escapeControls).join('\n') + '\n';
}

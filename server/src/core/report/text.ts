import type { Finding, Severity } from '../findings';

const LABEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'info', hint: 'hint' };

/** `file:line:col: severity message [rule-id]`, 1-based, as compilers print; then a summary line. */
export function toText(findings: readonly Finding[], filesChecked: number, filesSkipped = 0): string {
  const lines = findings.map(
    (f) => `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${LABEL[f.severity]} ${f.message} [${f.ruleId}]`,
  );
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  const parts = [`${count('error')} error(s)`, `${count('warning')} warning(s)`, `${count('info') + count('hint')} note(s)`];
  const skipped = filesSkipped ? ` (${filesSkipped} more skipped: not a format TLS Lens reads)` : '';
  lines.push(`${findings.length === 0 ? 'No findings' : parts.join(', ')} in ${filesChecked} file(s) checked${skipped}.`);
  return lines.join('\n') + '\n';
}

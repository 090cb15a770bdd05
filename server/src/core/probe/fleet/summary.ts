/** The fleet's summary: one row per endpoint, the table text mode ends with, and the exit status over the whole fleet. */
import { SEVERITY_ORDER, type Finding, type Severity } from '../../findings';
import { isErrorRecord, reportLeaf, type FleetRecord } from './records';
import { plural, severityCounts } from '../../words';

export interface FleetRow {
  endpoint: string;
  sni?: string;
  listedAt?: { file: string; line: number };
  grade?: string;
  /** The letter a T or M grade hides. */
  hidden?: string;
  counts: Record<Severity, number>;
  /** The leaf's notAfter (ISO) and whole days left at `now`. */
  notAfter?: string;
  daysLeft?: number;
  durationMs?: number;
  error?: { code: string; message: string };
}

const DAY = 86_400_000;

export function fleetRow(r: FleetRecord, now: Date): FleetRow {
  const row: FleetRow = { endpoint: r.endpoint, counts: { error: 0, warning: 0, info: 0, hint: 0 } };
  if (r.sni) row.sni = r.sni;
  if (r.listedAt) row.listedAt = r.listedAt;
  if (isErrorRecord(r)) {
    row.error = r.error;
    return row;
  }
  row.grade = r.grade.letter;
  if (r.grade.ignoringTrust) row.hidden = r.grade.ignoringTrust;
  for (const f of r.findings) row.counts[f.severity]++;
  const leaf = reportLeaf(r);
  if (leaf) {
    row.notAfter = leaf.notAfter.toISOString();
    row.daysLeft = Math.floor((leaf.notAfter.getTime() - now.getTime()) / DAY);
  }
  row.durationMs = r.durationMs;
  return row;
}

type Placed = Pick<FleetRow, 'endpoint' | 'sni' | 'listedAt'>;

/** List order (file, then line); endpoints not from a list after them, by name. */
export function compareListed(a: Placed, b: Placed): number {
  if (a.listedAt && b.listedAt) return a.listedAt.file === b.listedAt.file ? a.listedAt.line - b.listedAt.line : a.listedAt.file < b.listedAt.file ? -1 : 1;
  if (a.listedAt || b.listedAt) return a.listedAt ? -1 : 1;
  return a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : (a.sni ?? '') < (b.sni ?? '') ? -1 : (a.sni ?? '') > (b.sni ?? '') ? 1 : 0;
}

export function sortRows<T extends Placed>(rows: readonly T[]): T[] {
  return [...rows].sort(compareListed);
}

function table(head: string[], rows: string[][], right: Set<number>): string[] {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string =>
    r
      .map((c, i) => (right.has(i) ? c.padStart(width[i]!) : c.padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(head), ...rows.map(fmt)];
}

/** The summary table and its closing line. */
export function fleetSummaryText(rows: FleetRow[], extra: { notProbed?: number; shard?: string } = {}): string {
  const sorted = sortRows(rows);
  const body = sorted.map((r) => [
    r.listedAt ? String(r.listedAt.line) : '',
    r.endpoint,
    r.sni ?? '',
    r.error ? '-' : `${r.grade ?? ''}${r.hidden ? ` (${r.hidden})` : ''}`,
    r.error ? '' : String(r.counts.error),
    r.error ? '' : String(r.counts.warning),
    r.error ? '' : String(r.counts.info + r.counts.hint),
    r.daysLeft === undefined ? '' : `${r.notAfter!.slice(0, 10)} (${r.daysLeft} d)`,
    r.error ? `${r.error.code}: ${r.error.message}` : `${r.durationMs ?? 0} ms`,
  ]);
  const out = table(['line', 'endpoint', 'sni', 'grade', 'errors', 'warnings', 'notes', 'leaf expires', 'result'], body, new Set([0, 4, 5, 6]));
  const failed = rows.filter((r) => r.error && r.error.code !== 'cancelled').length;
  const cancelled = rows.filter((r) => r.error?.code === 'cancelled').length + (extra.notProbed ?? 0);
  const sum = (s: Severity): number => rows.reduce((n, r) => n + r.counts[s], 0);
  out.push(
    `${rows.length - failed - cancelled} of ${plural(rows.length + (extra.notProbed ?? 0), 'endpoint')} probed${extra.shard ? ` (shard ${extra.shard})` : ''}` +
      `${failed ? `, ${failed} failed` : ''}${cancelled ? `, ${cancelled} cancelled` : ''}: ` +
      `${severityCounts({ error: sum('error'), warning: sum('warning'), info: sum('info'), hint: sum('hint') })}.`,
  );
  return out.join('\n') + '\n';
}

/**
 * The exit status over the whole fleet, as `check`'s: 2 when an endpoint could not be probed
 * (or the list had errors), else 1 when a finding anywhere is at or above `failOn`, else 0.
 */
export function fleetExitCode(records: readonly FleetRecord[], failOn: Severity | 'never', hadProblems: boolean): 0 | 1 | 2 {
  if (hadProblems || records.some(isErrorRecord)) return 2;
  if (failOn !== 'never' && records.some((r) => !isErrorRecord(r) && r.findings.some((f) => SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[failOn]))) return 1;
  return 0;
}

/** Findings as `check` prints them (`file:line:col: severity message [rule]`); one without a place (its file is the endpoint) without line and column. */
export function fleetFindingsText(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const where = /:\d+$/.test(f.file) && f.range.start.line === 0 && f.range.start.character === 0 && f.message.startsWith(f.file) ? '' : `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: `;
      return `${where}${f.severity} ${f.message} [${f.ruleId}]\n`;
    })
    .join('');
}

/**
 * OpenMetrics text (the Prometheus exposition format's successor, also read by the Prometheus
 * textfile collector and the Pushgateway as text format 0.0.4: only gauges, no timestamps,
 * escapes both share). Two sources: the certificate inventory (`tls-lens inspect`: each
 * certificate's notAfter and the time left, by file, subject and resource) and probe reports
 * (`tls-lens probe`, `probe --targets`, `merge`: grade, score, findings by severity and rule,
 * the leaf's expiry, per endpoint). Names follow Prometheus' conventions (base units, so time
 * left is in seconds: divide by 86400 for days). No private-key data: keys are only counted.
 */
import type { InventoryEntry } from '../certs/inventory';
import type { Severity } from '../findings';
import { isErrorRecord, reportLeaf, type FleetRecord } from '../probe/fleet/records';

export interface Sample {
  labels: Array<[string, string]>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  unit?: 'seconds';
  samples: Sample[];
}

/** A label value as OpenMetrics writes it: backslash, double quote and line feed escaped; valid UTF-8. */
export function escapeLabelValue(v: string): string {
  return wellFormed(v).replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** Lone UTF-16 surrogates (which UTF-8 cannot carry) become U+FFFD. */
function wellFormed(v: string): string {
  return v.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** HELP text: constants here, without double quotes (OpenMetrics escapes them, text format 0.0.4 does not know the escape). */
function escapeHelp(v: string): string {
  if (v.includes('"')) throw new Error(`HELP text must not hold a double quote: ${v}`);
  return wellFormed(v).replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

function number(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** The exposition: each family's TYPE, UNIT and HELP, its samples, then `# EOF`. Identical label sets are written once. */
export function renderOpenMetrics(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (f.unit && !f.name.endsWith(`_${f.unit}`)) throw new Error(`metric ${f.name} must end with its unit ${f.unit}`);
    out.push(`# TYPE ${f.name} gauge`);
    if (f.unit) out.push(`# UNIT ${f.name} ${f.unit}`);
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`);
    const seen = new Set<string>();
    for (const s of f.samples) {
      const labels = s.labels.filter(([, v]) => v !== '');
      const set = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}` : '';
      if (seen.has(set)) continue;
      seen.add(set);
      out.push(`${f.name}${set} ${number(s.value)}`);
    }
  }
  out.push('# EOF');
  return out.join('\n') + '\n';
}

const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

/** `tls-lens inspect --format openmetrics`. */
export function inventoryMetrics(entries: readonly InventoryEntry[], filesScanned: number, now: Date): MetricFamily[] {
  const certs = entries.filter((e) => e.kind === 'certificate');
  const expiry: Sample[] = [];
  const left: Sample[] = [];
  for (const c of certs) {
    if (c.kind !== 'certificate' || !c.notAfter) continue;
    const labels: Array<[string, string]> = [
      ['file', c.file],
      ['line', String(c.range.start.line + 1)],
      ['subject', c.subject ?? ''],
      ['resource', c.container ?? ''],
      ['sha256', (c.sha256 ?? '').replace(/:/g, '').toLowerCase()],
    ];
    expiry.push({ labels, value: seconds(c.notAfter) });
    left.push({ labels, value: Math.floor((Date.parse(c.notAfter) - now.getTime()) / 1000) });
  }
  const statuses = ['ok', 'expiring', 'expired', 'not-yet-valid', 'invalid'] as const;
  return [
    { name: 'tls_lens_certificate_expiry_timestamp_seconds', unit: 'seconds', help: 'The certificate notAfter, as a Unix time.', samples: expiry },
    { name: 'tls_lens_certificate_expires_in_seconds', unit: 'seconds', help: 'Seconds from the report time to the certificate notAfter (negative once expired; divide by 86400 for days).', samples: left },
    {
      name: 'tls_lens_certificates',
      help: 'Certificates found, by status against the policy expiry thresholds.',
      samples: statuses.map((s) => ({ labels: [['status', s]], value: certs.filter((c) => c.kind === 'certificate' && c.status === s).length })),
    },
    { name: 'tls_lens_private_keys', help: 'Private keys found (counted only; nothing of them is reported).', samples: [{ labels: [], value: entries.length - certs.length }] },
    { name: 'tls_lens_inspect_files_scanned', help: 'Files scanned for certificates and keys.', samples: [{ labels: [], value: filesScanned }] },
    { name: 'tls_lens_report_timestamp_seconds', unit: 'seconds', help: 'When this report was made, as a Unix time.', samples: [{ labels: [], value: Math.floor(now.getTime() / 1000) }] },
  ];
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

/** `tls-lens probe --format openmetrics` (one endpoint or a fleet) and `tls-lens merge --format openmetrics`. */
export function probeMetrics(records: readonly FleetRecord[], now: Date): MetricFamily[] {
  const fam = (name: string, help: string, unit?: 'seconds'): MetricFamily => (unit ? { name, help, unit, samples: [] } : { name, help, samples: [] });
  const success = fam('tls_lens_probe_success', 'Whether the endpoint could be probed (1) or not (0).');
  const failure = fam('tls_lens_probe_failure', 'Why an endpoint could not be probed: 1 with the reason as the code label.');
  const grade = fam('tls_lens_probe_grade', 'The SSL Labs style grade: 1 with the letter as the grade label (T and M hide the letter in ignoring_trust).');
  const score = fam('tls_lens_probe_score', 'The weighted SSL Labs score before caps, 0 to 100.');
  const findings = fam('tls_lens_probe_findings', 'Findings of the probe, by severity.');
  const byRule = fam('tls_lens_probe_rule_findings', 'Findings of the probe, by rule and severity.');
  const expiry = fam('tls_lens_probe_certificate_expiry_timestamp_seconds', 'The notAfter of the leaf certificate the endpoint sends, as a Unix time.', 'seconds');
  const left = fam('tls_lens_probe_certificate_expires_in_seconds', 'Seconds from the report time to the leaf notAfter (negative once expired; divide by 86400 for days).', 'seconds');
  const duration = fam('tls_lens_probe_duration_seconds', 'How long the probe took.', 'seconds');
  const started = fam('tls_lens_probe_timestamp_seconds', 'When the probe started, as a Unix time.', 'seconds');
  for (const r of records) {
    const id: Array<[string, string]> = [
      ['endpoint', r.endpoint],
      ['sni', r.sni ?? ''],
    ];
    if (!isErrorRecord(r) || r.error.code !== 'missing') started.samples.push({ labels: id, value: seconds(r.startedAt) });
    if (isErrorRecord(r)) {
      success.samples.push({ labels: id, value: 0 });
      failure.samples.push({ labels: [...id, ['code', r.error.code]], value: 1 });
      continue;
    }
    success.samples.push({ labels: id, value: 1 });
    grade.samples.push({ labels: [...id, ['grade', r.grade.letter], ['ignoring_trust', r.grade.ignoringTrust ?? '']], value: 1 });
    score.samples.push({ labels: id, value: r.grade.score });
    for (const s of SEVERITIES) findings.samples.push({ labels: [...id, ['severity', s]], value: r.findings.filter((f) => f.severity === s).length });
    const counts = new Map<string, number>();
    for (const f of r.findings) counts.set(`${f.ruleId}\0${f.severity}`, (counts.get(`${f.ruleId}\0${f.severity}`) ?? 0) + 1);
    for (const [k, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [rule, severity] = k.split('\0') as [string, string];
      byRule.samples.push({ labels: [...id, ['rule', rule], ['severity', severity]], value: n });
    }
    const leaf = reportLeaf(r);
    if (leaf) {
      const labels: Array<[string, string]> = [...id, ['subject', leaf.subject]];
      expiry.samples.push({ labels, value: Math.floor(leaf.notAfter.getTime() / 1000) });
      left.samples.push({ labels, value: Math.floor((leaf.notAfter.getTime() - now.getTime()) / 1000) });
    }
    duration.samples.push({ labels: id, value: r.durationMs / 1000 });
  }
  const report = fam('tls_lens_report_timestamp_seconds', 'When this report was made, as a Unix time.', 'seconds');
  report.samples.push({ labels: [], value: Math.floor(now.getTime() / 1000) });
  return [success, failure, grade, score, findings, byRule, expiry, left, duration, started, report];
}

/**
 * What a fleet prints, one JSON value per line (JSON Lines): a `ProbeReport` for each endpoint
 * probed, or an error object for one that could not be, each with the list line it came from.
 * `tls-lens merge` reads them back (`parseFleetRecords`), and also takes the single JSON report
 * `tls-lens probe host --format json` prints.
 */
import { decodeCertificate, type CertificateSummary } from '../../x509/certificate';
import type { ProbeReport } from '../report';
import type { ProbeErrorCode } from '../types';

/** The target list and line that named the endpoint. */
export interface ListedAt {
  file: string;
  line: number;
}

export type FleetReportRecord = ProbeReport & { listedAt?: ListedAt };

/** An endpoint that could not be probed (refused, timeout, DNS, not TLS…, or cancelled): what a report says of the endpoint, and why. */
export interface FleetErrorRecord extends Pick<ProbeReport, 'version' | 'endpoint' | 'sni' | 'connectTo' | 'startedAt'> {
  /** How TLS was to start (STARTTLS or not), as in a report. */
  service?: ProbeReport['service'];
  /** The address the name resolved to, when it did. */
  address?: string;
  /** `missing`: `tls-lens merge --targets` found no result for a listed endpoint; with `deadline`, what was not reached. */
  error: { code: ProbeErrorCode | 'missing'; message: string; notReached?: string[] };
  listedAt?: ListedAt;
}

export type FleetRecord = FleetReportRecord | FleetErrorRecord;

export function isErrorRecord(r: FleetRecord): r is FleetErrorRecord {
  return 'error' in r && typeof (r).error === 'object';
}

/** A record with where it was read (for located messages). */
export interface ReadRecord {
  record: FleetRecord;
  file: string;
  line: number;
}

export interface RecordProblem {
  file: string;
  line: number;
  message: string;
}

const ERROR_CODES = new Set<string>(['refused', 'timeout', 'dns', 'reset', 'not-tls', 'protocol', 'cancelled', 'missing']);

/** Why a parsed JSON value is not a fleet record, or undefined when it is one. */
function recordProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  if (o.version !== 1) return `not a TLS Lens probe report (version ${JSON.stringify(o.version) ?? 'missing'}; expected 1)`;
  if (typeof o.endpoint !== 'string' || !/^(\[[^\]]+\]|[^\s:]+):\d+$/.test(o.endpoint)) return 'not a TLS Lens probe report (no "endpoint": "host:port")';
  if ('error' in o) {
    const e = o.error as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || typeof e.message !== 'string' || typeof e.code !== 'string' || !ERROR_CODES.has(e.code)) return 'an error object needs "error": { "code", "message" }';
    return undefined;
  }
  if (typeof o.grade !== 'object' || o.grade === null || typeof (o.grade as Record<string, unknown>).letter !== 'string') return 'not a TLS Lens probe report (no "grade")';
  if (!Array.isArray(o.findings) || !Array.isArray(o.certificates)) return 'not a TLS Lens probe report (no "findings" or "certificates")';
  for (const f of o.findings as unknown[]) {
    const fo = f as Record<string, unknown> | null;
    if (typeof fo !== 'object' || fo === null || typeof fo.ruleId !== 'string' || typeof fo.severity !== 'string' || typeof fo.message !== 'string') return 'a finding without ruleId, severity or message';
  }
  return undefined;
}

/**
 * Reads JSON Lines of fleet records, or one JSON report (the pretty-printed output of a single
 * probe). Blank lines are skipped; every other line that is not a record is a located problem,
 * and the rest is still read.
 */
export function parseFleetRecords(text: string, file: string): { records: ReadRecord[]; problems: RecordProblem[] } {
  const records: ReadRecord[] = [];
  const problems: RecordProblem[] = [];
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trim();
  if (trimmed.startsWith('{') && trimmed.includes('\n')) {
    // One pretty-printed report (several lines), if the whole text is one value.
    try {
      const whole: unknown = JSON.parse(trimmed);
      const why = recordProblem(whole);
      if (why) problems.push({ file, line: 1, message: why });
      else records.push({ record: whole as FleetRecord, file, line: 1 });
      return { records, problems };
    } catch {
      // JSON Lines, then.
    }
  }
  body.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      problems.push({ file, line, message: `not JSON (${e instanceof Error ? e.message : String(e)})` });
      return;
    }
    const why = recordProblem(v);
    if (why) problems.push({ file, line, message: why });
    else records.push({ record: v as FleetRecord, file, line });
  });
  return { records, problems };
}

/** The leaf certificate of a report (the first of `certificates`), decoded from its PEM. */
export function reportLeaf(rep: ProbeReport): CertificateSummary | undefined {
  const pem = rep.certificates[0]?.pem;
  if (!pem) return undefined;
  const b64 = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem)?.[1];
  if (!b64) return undefined;
  const d = decodeCertificate(new Uint8Array(Buffer.from(b64.replace(/\s+/g, ''), 'base64')));
  return d.ok ? d.cert : undefined;
}

/** "host:port" → its port (the endpoint format every record has). */
export function endpointPort(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
}

/** The identity merge deduplicates by: endpoint and SNI. */
export function recordKey(r: FleetRecord): string {
  return `${r.endpoint.toLowerCase()} ${(r.sni ?? '').toLowerCase()}`;
}

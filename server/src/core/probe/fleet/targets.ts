/**
 * A fleet's target list: one `host[:port] [sni]` per line, `#` comments (whole lines or after
 * whitespace), blank lines. Every problem is located (1-based line and column); good lines are
 * kept whatever the bad ones are, and a repeated endpoint is probed once.
 */
import { isIP } from 'node:net';
import { parseTarget } from '../probe';
import type { ProbeOptions, ProbeTarget } from '../types';

export interface FleetTarget {
  /** The list's name as given (`-` for standard input) and the 1-based line that lists the endpoint. */
  file: string;
  line: number;
  /** The line without its comment, trimmed. */
  input: string;
  target: ProbeTarget;
  /**
   * Per-target options over the fleet's own. The list syntax sets none yet; a future
   * `starttls=` or `deadline=` field of a line lands here, and the runner passes it to the
   * single-probe function unchanged.
   */
  options: Partial<Pick<ProbeOptions, 'timeoutMs' | 'concurrency'>>;
}

export interface TargetListProblem {
  file: string;
  line: number;
  /** 1-based. */
  column: number;
  message: string;
  /** A warning does not lose the line (a duplicate); an error does. */
  severity: 'error' | 'warning';
}

export interface TargetList {
  targets: FleetTarget[];
  problems: TargetListProblem[];
}

/** The identity of an endpoint in a list: what sharding hashes and duplicates are found by. */
export function targetKey(t: ProbeTarget): string {
  const host = t.host.replace(/^\[(.*)\]$/, '$1').toLowerCase().replace(/\.$/, '');
  return `${host}:${t.port}${t.sni ? ` ${t.sni.toLowerCase().replace(/\.$/, '')}` : ''}`;
}

const DNS_NAME = /^(?=.{1,253}$)(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/** Reads a target list. `file` names it in problems and in each target. */
export function parseTargetList(text: string, file: string): TargetList {
  const targets: FleetTarget[] = [];
  const problems: TargetListProblem[] = [];
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = i + 1;
    const problem = (column: number, message: string, severity: TargetListProblem['severity'] = 'error'): void => {
      problems.push({ file, line, column, message, severity });
    };
    const text = (i === 0 ? raw.replace(/^\uFEFF/, '') : raw).replace(/(^|\s)#.*$/, '');
    if (text.includes('\0')) return problem(text.indexOf('\0') + 1, 'a NUL byte: this is not a text list of endpoints');
    const tokens: { value: string; column: number }[] = [];
    for (const m of text.matchAll(/\S+/g)) tokens.push({ value: m[0], column: (m.index ?? 0) + 1 });
    if (tokens.length === 0) return;
    const [endpoint, sni, extra] = tokens;
    if (extra) return problem(extra.column, `unexpected "${extra.value}": a line is host[:port] [sni]`);
    let target: ProbeTarget;
    try {
      target = parseTarget(endpoint!.value);
    } catch (e) {
      return problem(endpoint!.column, e instanceof Error ? e.message : String(e));
    }
    if (sni) {
      if (isIP(sni.value.replace(/^\[(.*)\]$/, '$1'))) return problem(sni.column, `"${sni.value}" is an IP address: SNI carries a host name only (RFC 6066 §3)`);
      if (!DNS_NAME.test(sni.value) || sni.value.startsWith('*')) return problem(sni.column, `"${sni.value}" is not a host name to send as SNI`);
      target.sni = sni.value;
    }
    const key = targetKey(target);
    const first = seen.get(key);
    if (first !== undefined) return problem(endpoint!.column, `${key} is listed on line ${first} already: probed once`, 'warning');
    seen.set(key, line);
    targets.push({ file, line, input: tokens.map((t) => t.value).join(' '), target, options: {} });
  });
  return { targets, problems };
}

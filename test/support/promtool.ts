/**
 * Debian's promtool (package `prometheus`) as the oracle for OpenMetrics output:
 * `promtool check metrics` (the Prometheus text parser and its lint rules: names, units, help),
 * and `promtool tsdb create-blocks-from openmetrics` + `promtool tsdb dump` (Prometheus' strict
 * OpenMetrics parser — `# EOF`, UNIT suffixes, label syntax — and the series it stored, labels
 * unescaped by Prometheus itself). The backfill needs a timestamp on each sample, which the
 * exposition must not carry (the textfile collector and the Pushgateway refuse them): the test
 * appends one to every sample line, and nothing else is changed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** `promtool check metrics` on the text: its exit code and what it printed (lint problems). */
export function checkMetrics(promtool: string, text: string): { code: number | null; output: string } {
  const r = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

/** Go's %q label values as `tsdb dump` prints them (`\xNN` read as JSON's `\u00NN`; an escaped backslash stays one, so a literal backslash-x is kept). */
function unquote(v: string): string {
  return JSON.parse(`"${v.replace(/\\(x([0-9a-f]{2})|.)/gi, (m: string, _e: string, hex: string | undefined) => (hex ? `\\u00${hex}` : m))}"`) as string;
}

/** The series Prometheus' OpenMetrics parser reads from the text (through a TSDB block), sorted as dumped. */
export function parseWithPrometheus(promtool: string, text: string): Series[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-promtool-'));
  try {
    const ts = Math.floor(Date.now() / 1000);
    const stamped = text
      .split('\n')
      .map((l) => (l && !l.startsWith('#') ? `${l} ${ts}` : l))
      .join('\n');
    writeFileSync(path.join(dir, 'in.om'), stamped);
    const made = spawnSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', path.join(dir, 'in.om'), path.join(dir, 'db')], { encoding: 'utf8', timeout: 60_000 });
    if (made.status !== 0) throw new Error(`promtool tsdb create-blocks-from openmetrics: ${made.stdout}${made.stderr}`);
    mkdirSync(path.join(dir, 'db', 'wal'), { recursive: true });
    const dump = spawnSync(promtool, ['tsdb', 'dump', path.join(dir, 'db')], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    if (dump.status !== 0) throw new Error(`promtool tsdb dump: ${dump.stderr}`);
    return dump.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const m = /^\{(.*)\} (\S+) (\d+)$/.exec(line);
        if (!m) throw new Error(`unexpected dump line: ${line}`);
        const labels: Record<string, string> = {};
        for (const l of m[1]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = unquote(l[2]!);
        const name = labels.__name__!;
        delete labels.__name__;
        return { name, labels, value: Number(m[2]) };
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

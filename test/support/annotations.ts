import assert from 'node:assert/strict';
import type { Finding } from '../../server/src/core';

/**
 * Fixtures carry their expected findings inline, on the line under the offending text:
 *
 *     ssl_protocols TLSv1 TLSv1.2;
 *     #             ^^^^^ warning nginx/weak-protocol: enables TLSv1
 *
 * The carets mark the columns on the nearest text line above; the optional text after
 * ":" must occur in the message. Annotation lines are removed before linting.
 */
export interface Expected {
  line: number;
  start: number;
  end: number;
  severity: string;
  ruleId: string;
  message?: string;
}

const ANNOTATION = /^([ \t#]*)(\^+)[ \t]+(error|warning|info|hint)[ \t]+(\S+?)(?::[ \t]*(.*))?$/;

export function parseAnnotated(source: string): { text: string; expected: Expected[] } {
  const out: string[] = [];
  const expected: Expected[] = [];
  for (const line of source.split('\n')) {
    const m = ANNOTATION.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    assert.ok(out.length > 0, `annotation before any text: ${line}`);
    const start = m[1]!.length;
    const e: Expected = { line: out.length - 1, start, end: start + m[2]!.length, severity: m[3]!, ruleId: m[4]! };
    if (m[5]) e.message = m[5].trim();
    expected.push(e);
  }
  return { text: out.join('\n'), expected };
}

/** Asserts the findings are exactly the expected ones (same ranges on one line, severities, rules, message parts). */
export function assertFindings(findings: readonly Finding[], expected: readonly Expected[]): void {
  const key = (l: number, s: number, e: number, sev: string, id: string): string => `${l}:${s}-${e} ${sev} ${id}`;
  const actual = findings.map((f) => {
    assert.equal(f.range.start.line, f.range.end.line, `multi-line range for ${f.ruleId}: ${JSON.stringify(f.range)}`);
    return key(f.range.start.line, f.range.start.character, f.range.end.character, f.severity, f.ruleId);
  });
  const wanted = expected.map((e) => key(e.line, e.start, e.end, e.severity, e.ruleId));
  assert.deepEqual([...actual].sort(), [...wanted].sort(), `findings differ; messages: ${findings.map((f) => f.message).join(' | ')}`);
  for (const e of expected) {
    if (!e.message) continue;
    const f = findings.find(
      (x) => x.range.start.line === e.line && x.range.start.character === e.start && x.ruleId === e.ruleId && x.message.includes(e.message!),
    );
    assert.ok(f, `no ${e.ruleId} finding at ${e.line}:${e.start} whose message contains "${e.message}"`);
  }
}

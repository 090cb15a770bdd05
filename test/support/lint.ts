import { TextDoc, lintDocument, resolvePolicy, type Finding, type PolicyInput } from '../../server/src/core';
import { assertFindings, parseAnnotated } from './annotations';

/** A fixed "now" so expiry wording is stable. */
export const NOW = new Date('2026-06-01T12:00:00Z');

export function lint(text: string, file = 'nginx.conf', policy?: PolicyInput, languageId?: string): Finding[] {
  return lintDocument(new TextDoc(file, text, languageId), { policy: resolvePolicy(policy), now: NOW });
}

/**
 * Lints an annotated fixture and asserts exactly its annotations are found. With `rules`,
 * only findings of those rules count (a fixture about one rule need not satisfy all).
 */
export function expectAnnotated(source: string, file = 'nginx.conf', policy?: PolicyInput, rules?: readonly string[]): Finding[] {
  const { text, expected } = parseAnnotated(source);
  const findings = lint(text, file, policy).filter((f) => !rules || rules.includes(f.ruleId));
  assertFindings(findings, expected);
  return findings;
}

/** Applies a finding's first fix to the text it was found in. */
export function applyFix(text: string, finding: Finding): string {
  const fix = finding.fixes[0];
  if (!fix) throw new Error(`${finding.ruleId} has no fix`);
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const edits = [...fix.edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of edits) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

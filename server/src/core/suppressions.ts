import type { Finding } from './findings';
import type { LineIndex, Range } from './text';
import { RETIRED_RULE_IDS } from './policy/policy';
import { didYouMean } from './words';

/**
 * Inline suppressions in comments (nginx, YAML):
 *
 *     # tls-lens-disable-file cert/private-key-committed -- test fixtures
 *     # tls-lens-disable-next-line nginx/weak-protocol -- payment terminal needs TLS 1.0
 *     ssl_protocols TLSv1 TLSv1.2;
 *     ssl_protocols TLSv1 TLSv1.2;  # tls-lens-disable-line nginx/weak-protocol
 *
 * Several rule ids may be listed, separated by commas or spaces; text after ` -- ` is the
 * reason. `disable-file` silences the rules everywhere in the file, wherever the comment
 * stands (the editor's code action writes it on the first line).
 */
export interface Suppression {
  kind: 'line' | 'next-line' | 'file';
  /** The line whose findings it silences (-1 for the whole file). */
  targetLine: number;
  ruleIds: Array<{ id: string; range: Range }>;
  /** The whole comment directive, for reporting it unused. */
  range: Range;
  reason?: string;
}

const DIRECTIVE = /#[ \t]*tls-lens-disable-(next-line|line|file)\b([^\r\n]*)/g;

export function scanSuppressions(text: string, lines: LineIndex): Suppression[] {
  if (!text.includes('tls-lens-disable-')) return [];
  const out: Suppression[] = [];
  for (const m of text.matchAll(DIRECTIVE)) {
    const start = m.index;
    const kind = m[1] === 'line' ? 'line' : m[1] === 'file' ? 'file' : 'next-line';
    const rest = m[2] ?? '';
    const restStart = start + m[0].length - rest.length;
    const sep = rest.search(/(^|\s)--(\s|$)/);
    const idsText = sep >= 0 ? rest.slice(0, sep) : rest;
    const reason = sep >= 0 ? rest.slice(sep).replace(/^\s*--\s*/, '').trim() : undefined;
    const ruleIds: Suppression['ruleIds'] = [];
    for (const idm of idsText.matchAll(/[^\s,]+/g)) {
      const s = restStart + idm.index;
      ruleIds.push({ id: idm[0], range: lines.rangeOf(s, s + idm[0].length) });
    }
    const line = lines.positionAt(start).line;
    const s: Suppression = {
      kind,
      targetLine: kind === 'line' ? line : kind === 'file' ? -1 : line + 1,
      ruleIds,
      range: lines.rangeOf(start, start + m[0].trimEnd().length),
    };
    if (reason) s.reason = reason;
    out.push(s);
  }
  return out;
}

export interface SuppressionResult {
  kept: Finding[];
  /** Suppressions (or single ids in them) that silenced nothing. */
  unused: Array<{ range: Range; message: string; ruleId: string }>;
  /** Ids in suppressions that name no rule. */
  unknown: Array<{ range: Range; message: string }>;
}

/** Drops findings a suppression covers; reports suppressions that are unused or name unknown rules. */
export function applySuppressions(findings: readonly Finding[], suppressions: readonly Suppression[], knownRuleIds: ReadonlySet<string>): SuppressionResult {
  const used = new Set<string>();
  const key = (s: number, id: string): string => `${s}\u0000${id}`;
  // Suppressions by the line they silence (-1: the whole file), so each finding looks at its own line only.
  const byLine = new Map<number, number[]>();
  suppressions.forEach((s, i) => {
    const list = byLine.get(s.targetLine);
    if (list) list.push(i);
    else byLine.set(s.targetLine, [i]);
  });
  const fileWide = byLine.get(-1) ?? [];
  const kept = findings.filter((f) => {
    for (const i of [...(byLine.get(f.range.start.line) ?? []), ...fileWide]) {
      if (suppressions[i]!.ruleIds.some((r) => r.id === f.ruleId)) {
        used.add(key(i, f.ruleId));
        return false;
      }
    }
    return true;
  });
  const unused: SuppressionResult['unused'] = [];
  const unknown: SuppressionResult['unknown'] = [];
  suppressions.forEach((s, i) => {
    const directive = `tls-lens-disable-${s.kind}`;
    if (s.ruleIds.length === 0) {
      unknown.push({ range: s.range, message: `${directive} names no rule; list the rule ids it silences` });
      return;
    }
    for (const r of s.ruleIds) {
      if (!knownRuleIds.has(r.id)) {
        const retired = RETIRED_RULE_IDS[r.id];
        unknown.push({ range: r.range, message: retired ? `${directive} names the retired rule "${r.id}", now part of ${retired}` : `${directive} names an unknown rule "${r.id}"${didYouMean(r.id, knownRuleIds)}` });
      } else if (!used.has(key(i, r.id))) {
        const where = s.kind === 'file' ? 'in this file' : `on line ${s.targetLine + 1}`;
        unused.push({ range: r.range, ruleId: r.id, message: `${directive} ${r.id} silences nothing ${where}; remove it` });
      }
    }
  });
  return { kept, unused, unknown };
}

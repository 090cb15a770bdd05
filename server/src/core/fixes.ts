import { comparePositions, type Position } from './text';
import type { Finding, TextEdit } from './findings';

/**
 * The edits of every finding's preferred fix (or its first), merged for one file: a fix
 * shared by several findings counts once, and a fix that would overlap one already taken
 * is left for a later pass. Edits come back sorted from the end of the file backwards,
 * ready to apply one after the other.
 */
export function combineFixes(findings: readonly Finding[]): { edits: TextEdit[]; applied: number; skipped: number } {
  const taken: TextEdit[] = [];
  const seen = new Set<string>();
  let applied = 0;
  let skipped = 0;
  for (const f of findings) {
    const fix = f.fixes.find((x) => x.preferred) ?? f.fixes[0];
    if (!fix) continue;
    const key = JSON.stringify(fix.edits);
    if (seen.has(key)) continue;
    seen.add(key);
    if (fix.edits.some((e) => taken.some((t) => overlaps(e, t)))) {
      skipped++;
      continue;
    }
    taken.push(...fix.edits);
    applied++;
  }
  taken.sort((a, b) => comparePositions(b.range.start, a.range.start));
  return { edits: taken, applied, skipped };
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  const before = (x: Position, y: Position): boolean => comparePositions(x, y) < 0;
  // Two insertions at the same point are ambiguous in order: treat as overlapping.
  if (comparePositions(a.range.start, b.range.start) === 0) return true;
  return before(a.range.start, b.range.end) && before(b.range.start, a.range.end);
}

/** Applies edits (sorted from the end backwards, as combineFixes returns them) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[], offsetAt: (p: Position) => number): string {
  let out = text;
  for (const e of edits) out = out.slice(0, offsetAt(e.range.start)) + e.newText + out.slice(offsetAt(e.range.end));
  return out;
}

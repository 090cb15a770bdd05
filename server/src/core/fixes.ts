import { comparePositions, type Position } from './text';
import type { Finding, Fix, TextEdit } from './findings';

/** Counts the position comparisons `combineFixes` makes (a test holds it near n·log n). */
export interface FixStats {
  comparisons: number;
}

/**
 * Edits taken so far, kept sorted by start in chunks of at most CHUNK (so an insertion moves
 * at most one chunk's items, and a lookup is two binary searches). Taken edits never
 * overlap, so sorted by start they are sorted by end too.
 */
const CHUNK = 256;

class TakenEdits {
  private chunks: TextEdit[][] = [];

  constructor(private readonly stats: FixStats) {}

  private cmp(a: Position, b: Position): number {
    this.stats.comparisons++;
    return comparePositions(a, b);
  }

  /** The chunk index and position of the first edit whose start is after `p`. */
  private upper(p: Position): [number, number] {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    // The first chunk whose last edit starts after p.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = chunks[mid]!;
      if (this.cmp(c[c.length - 1]!.range.start, p) > 0) hi = mid;
      else lo = mid + 1;
    }
    if (lo === chunks.length) return [lo, 0];
    const c = chunks[lo]!;
    let a = 0;
    let b = c.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (this.cmp(c[mid]!.range.start, p) > 0) b = mid;
      else a = mid + 1;
    }
    return [lo, a];
  }

  private at(ci: number, i: number): TextEdit | undefined {
    return this.chunks[ci]?.[i];
  }

  private before(ci: number, i: number): TextEdit | undefined {
    if (i > 0) return this.chunks[ci]![i - 1];
    const prev = this.chunks[ci - 1];
    return prev ? prev[prev.length - 1] : undefined;
  }

  /**
   * The taken edit `e` overlaps, if any: one that starts where `e` starts (two insertions at
   * one point have no defined order), or one whose range shares characters with `e`'s.
   */
  conflict(e: TextEdit): TextEdit | undefined {
    const [ci, i] = this.upper(e.range.start);
    const pred = this.before(ci, i);
    if (pred && (this.cmp(pred.range.start, e.range.start) === 0 || this.cmp(pred.range.end, e.range.start) > 0)) return pred;
    const succ = ci < this.chunks.length ? this.at(ci, i) : undefined;
    return succ !== undefined && this.cmp(succ.range.start, e.range.end) < 0 ? succ : undefined;
  }

  insert(e: TextEdit): void {
    if (this.chunks.length === 0) {
      this.chunks.push([e]);
      return;
    }
    let [ci, i] = this.upper(e.range.start);
    if (ci === this.chunks.length) {
      ci--;
      i = this.chunks[ci]!.length;
    }
    const c = this.chunks[ci]!;
    c.splice(i, 0, e);
    if (c.length > CHUNK) this.chunks.splice(ci + 1, 0, c.splice(CHUNK >> 1));
  }

  /** Every taken edit from the end of the file backwards. */
  backwards(): TextEdit[] {
    const out: TextEdit[] = [];
    for (let ci = this.chunks.length - 1; ci >= 0; ci--) {
      const c = this.chunks[ci]!;
      for (let i = c.length - 1; i >= 0; i--) out.push(c[i]!);
    }
    return out;
  }
}

/**
 * The edits of every finding's preferred fix, merged for one file: a fix shared by several
 * findings counts once, and a fix that would overlap one already taken is left for a later
 * pass. Fixes that are not preferred (a choice a person makes, such as PERMISSIVE → STRICT)
 * are offered one by one and never applied here. Edits come back sorted from the end of the
 * file backwards, ready to apply one after the other. About n·log n comparisons for n edits.
 */
export function combineFixes(findings: readonly Finding[], stats: FixStats = { comparisons: 0 }): { edits: TextEdit[]; applied: number; skipped: number } {
  const taken = new TakenEdits(stats);
  // Findings of one directive usually carry the very same fix object. An equal copy of a taken
  // fix meets its own edits (a duplicate, not an overlap); copies of skipped fixes are told
  // apart by their edits' text, built only for the few fixes that overlap.
  const seenFix = new Set<Fix>();
  const skippedKeys = new Set<string>();
  let applied = 0;
  let skipped = 0;
  for (const f of findings) {
    let fix: Fix | undefined;
    for (const x of f.fixes) if (x.preferred) { fix = x; break; }
    if (!fix || seenFix.has(fix)) continue;
    seenFix.add(fix);
    let overlap = false;
    let duplicate = fix.edits.length > 0;
    for (const e of fix.edits) {
      const t = taken.conflict(e);
      if (t) overlap = true;
      if (!t || !sameEdit(t, e)) duplicate = false;
    }
    if (duplicate) continue;
    if (overlap) {
      const key = editsKey(fix.edits);
      if (!skippedKeys.has(key)) {
        skippedKeys.add(key);
        skipped++;
      }
      continue;
    }
    for (const e of fix.edits) taken.insert(e);
    applied++;
  }
  return { edits: taken.backwards(), applied, skipped };
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return (
    a.newText === b.newText &&
    a.range.start.line === b.range.start.line &&
    a.range.start.character === b.range.start.character &&
    a.range.end.line === b.range.end.line &&
    a.range.end.character === b.range.end.character
  );
}

/** A fix's edits as one string: equal for equal edits (ranges and texts). */
function editsKey(edits: readonly TextEdit[]): string {
  let key = '';
  for (const e of edits) key += `${e.range.start.line},${e.range.start.character},${e.range.end.line},${e.range.end.character},${e.newText.length}:${e.newText}|`;
  return key;
}

/** Applies edits (sorted from the end backwards, as combineFixes returns them) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[], offsetAt: (p: Position) => number): string {
  let out = text;
  for (const e of edits) out = out.slice(0, offsetAt(e.range.start)) + e.newText + out.slice(offsetAt(e.range.end));
  return out;
}

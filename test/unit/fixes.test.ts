/** "Fix all": combineFixes merges every finding's preferred fix, in about n·log n comparisons. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { combineFixes, type Finding, type FixStats, type TextEdit } from '../../server/src/core';
import { comparePositions, range, type Position } from '../../server/src/core/text';
import { prng } from '../support/random';

function finding(edits: TextEdit[], preferred = true): Finding {
  return { ruleId: 'nginx/weak-protocol', severity: 'warning', message: 'm', file: 'f', range: edits[0]?.range ?? range(0, 0, 0, 0), fixes: [{ title: 't', edits, ...(preferred ? { preferred } : {}) }], related: [] };
}

const edit = (sl: number, sc: number, el: number, ec: number, newText = 'x'): TextEdit => ({ range: range(sl, sc, el, ec), newText });

/** The definition: a fix is taken when none of its edits overlaps an edit taken before (pairwise, as the first version did). */
const before = (x: Position, y: Position): boolean => comparePositions(x, y) < 0;
const overlaps = (a: TextEdit, b: TextEdit): boolean =>
  comparePositions(a.range.start, b.range.start) === 0 || (before(a.range.start, b.range.end) && before(b.range.start, a.range.end));

function reference(findings: readonly Finding[]): { edits: TextEdit[]; applied: number; skipped: number } {
  const taken: TextEdit[] = [];
  const seen = new Set<string>();
  let applied = 0;
  let skipped = 0;
  for (const f of findings) {
    const fix = f.fixes.find((x) => x.preferred);
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

/** n findings with fixes of one to three edits at random places of a 5,000-line file (many overlap). */
function randomFindings(seed: number, n: number, lines = 5000): Finding[] {
  const r = prng(seed);
  const out: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const edits: TextEdit[] = [];
    const count = 1 + Math.floor(r() * 3);
    for (let k = 0; k < count; k++) {
      const line = Math.floor(r() * lines);
      const start = Math.floor(r() * 40);
      const insertion = r() < 0.3;
      const multiLine = !insertion && r() < 0.1;
      const e = edit(line, start, multiLine ? line + 1 + Math.floor(r() * 3) : line, insertion ? start : start + 1 + Math.floor(r() * 20), `e${i}.${k}`);
      // A fix's own edits never overlap (as in every rule).
      if (!edits.some((x) => overlaps(x, e))) edits.push(e);
    }
    out.push(finding(edits, r() < 0.9));
    // Shared fixes: several findings carry the same one.
    if (r() < 0.1) out.push(finding(edits, true));
  }
  return out;
}

describe('combineFixes', () => {
  test('takes preferred fixes only, each shared fix once, skips overlaps, and returns edits from the end backwards', () => {
    const shared = [edit(3, 2, 3, 8, '')];
    const r = combineFixes([
      finding([edit(1, 0, 1, 5)]),
      finding(shared),
      finding(shared),
      finding([edit(1, 4, 1, 9)]), // overlaps the first
      finding([edit(1, 5, 1, 5, ' always')]), // touches its end: no overlap
      finding([edit(1, 0, 1, 0, 'a')]), // starts where the first starts
      finding([edit(7, 0, 7, 1)], false), // not preferred: a choice for a person
    ]);
    assert.equal(r.applied, 3);
    assert.equal(r.skipped, 2);
    assert.deepEqual(r.edits.map((e) => [e.range.start.line, e.range.start.character]), [[3, 2], [1, 5], [1, 0]]);
  });

  test('the same result as the pairwise definition on 300 random files', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const findings = randomFindings(seed, 1 + (seed % 97), 30 + (seed % 50));
      assert.deepEqual(combineFixes(findings), reference(findings), `seed ${seed}`);
    }
  });

  test('comparisons grow as n·log n, not n² (counted, not timed)', () => {
    const count = (n: number): number => {
      const stats: FixStats = { comparisons: 0 };
      const findings = randomFindings(7, n, n);
      const edits = findings.reduce((k, f) => k + f.fixes[0]!.edits.length, 0);
      combineFixes(findings, stats);
      return stats.comparisons / edits;
    };
    const small = count(5_000);
    const large = count(40_000);
    // Per edit: a few binary searches (about 4·log2 n); the pairwise check made up to n per edit.
    assert.ok(large < 4 * Math.log2(40_000) + 8, `${large.toFixed(1)} comparisons per edit at 40,000 findings`);
    assert.ok(large / small < 1.5, `per-edit comparisons grew ${(large / small).toFixed(2)}× for 8× the findings`);
  });
});

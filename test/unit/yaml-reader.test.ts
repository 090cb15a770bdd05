import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { parseYamlFile, simpleDocuments } from '../../server/src/core/formats/yaml/documents';
import * as reader from '../../server/src/core/formats/yaml/reader';
import { LineIndex } from '../../server/src/core/text';
import { assertSameAsParser, shape } from '../support/yamlEquality';
import { yamlGenerator as generator } from '../support/yamlGenerator';

/**
 * The own YAML reader (`formats/yaml/reader.ts`) against the `yaml` package: every document it
 * takes must come out as the package parses it (nodes, values, types, ranges, errors, resources,
 * material), and everything it does not take is left to the package. Random manifests mix what
 * it reads with what it must refuse; each count assertion keeps a test from passing vacuously.
 */

const root = resolve(__dirname, '../../..');

describe('the own YAML reader reads as the yaml package parses', () => {
  test('random manifests: every document it takes is the parse, the rest is left to the parser', () => {
    const g = generator(Number(process.env.YAML_READER_SEED ?? 20261202));
    let files = 0;
    let docs = 0;
    let taken = 0;
    for (let n = 0; n < 600; n++) {
      const text = g.file();
      files++;
      docs += text.split(/^---/m).length;
      taken += assertSameAsParser(text);
    }
    // The generator must reach the reader's paths often, and its refusals too, or this test would prove little.
    assert.ok(taken > docs * 0.25, `${taken} of about ${docs} documents taken`);
    assert.ok(taken < docs * 0.9, `${taken} of about ${docs} documents taken: too few refusals`);
    assert.equal(files, 600);
  });

  test('random manifests with one character changed, removed or inserted', () => {
    const g = generator(Number(process.env.YAML_READER_SEED ?? 7));
    let taken = 0;
    for (let n = 0; n < 500; n++) {
      let text = g.file();
      for (let k = 1 + g.int(2); k > 0; k--) {
        const at = g.int(text.length + 1);
        const c = g.pick([' ', '\n', ':', '#', '-', "'", '"', '[', '{', '}', '\t', 'x', '|', '\\', '']);
        text = g.chance(0.5) ? text.slice(0, at) + c + text.slice(at + 1) : text.slice(0, at) + c + text.slice(at);
      }
      taken += assertSameAsParser(text);
    }
    assert.ok(taken > 300, `${taken} documents taken`);
  });

  test('the project’s example and test manifests', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const n of readdirSync(dir)) {
        const p = join(dir, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(n)) files.push(p);
      }
    };
    walk(join(root, 'examples'));
    walk(join(root, 'schemas'));
    let taken = 0;
    for (const f of files) taken += assertSameAsParser(readFileSync(f, 'utf8'));
    assert.ok(files.length >= 3 && taken >= files.length, `${taken} documents taken of ${files.length} files`);
  });

  test('edge cases: comments that move a node’s end, empty values and documents, block scalar ends', () => {
    const cases = [
      // A comment indented deeper than the mapping belongs to the value before it (with the blank lines before it).
      'a:\n  b: 1\n    # c\nz: 2\n',
      'a:\n  b: 1\n\n    # c\nz: 2\n',
      // At the mapping's indentation it ends the mapping (kept) or starts the next key.
      'a:\n  b: 1\n  # c\nz: 2\n',
      'a:\n  b: 1\n  # c\n\nz: 2\n',
      'a:\n  b:\n    c: 1\n    # x\n  # y\n# z\n',
      'a:\n  b:\n    c: 1\n    # x\n  d: 2\n',
      'a:\n  - x\n  # c\nb: 1\n',
      '- a\n  # c\n- b\n',
      '- a: 1\n    # c\n  b: 2\n',
      // Empty values and where their comments end.
      'a:\n# c\nb: 1\n',
      'a:\n\n\nb: 1\n',
      'a: 1\nb:\n\n# c\n',
      'a:   # c\nb: 1\n',
      'a: # c\nb: 1\n',
      'a:\n  b:\n  # c\nz: 1\n',
      '---\nkind: x\nname: # c\n# c\n---\nkind: y\n',
      '---\napp_version:\n',
      // Empty documents.
      'a: 1\n---\n',
      'a: 1\n---\n# c\n',
      'a: 1\n--- # c\n',
      'a: 1\n---   \n# c\n\n---\nb: 1\n',
      '---\n---\na: 1',
      // Block scalars: trailing empty and more-indented lines, keep chomping, folded more-indented lines.
      'k: |\n  a\n    \nz: 1\n',
      'k: |\n  a\n  \nz: 1\n',
      'k: |+\n  a\n    \n\nz: 1\n',
      'k: |\n  a\n\n  # c\n',
      'k: |\n  a\n # c\nz: 1\n',
      'k: >\n  a\n  b\n\n  c\n   d\n  e\n',
      'k: >-\n  a\n\n\n   b\n  c\n',
      'k: |-\n\n  a\n',
      // Quoted scalars over lines; multi-line plain scalars.
      "k: 'a\n  b\n\n  c  '\n",
      'k: "a  \n   b\\tx\n\n\n  c"\n',
      'k: a\n  - b\n',
      'a: b\n\n  c\n\n\n  d\n',
      '- a: 1\n  b: x\n    y\n',
      // Flow collections and spacing.
      'k: [a , b ,c]\n',
      'k: {a: b , c: d}\n',
      'k: [ a ]\n',
      'k: [a, [b, c], {d: e}]  # x\n',
      // Keys: quoted, with spaces before the colon, typed.
      '"a b": 1\n\'c\' : 2\n1: x\ntrue: y\nnull: z\n',
    ];
    let taken = 0;
    for (const text of cases) taken += assertSameAsParser(text);
    assert.ok(taken >= cases.length, `${taken} documents taken`);
    assert.equal(simpleDocuments('k: |2\n  x\n').length, 0, 'an indentation indicator is left to the parser');
  });

  test('an edited text read with the reading before it: the same as a parse, and only the edited document is scanned again', () => {
    const g = generator(Number(process.env.YAML_READER_SEED ?? 11));
    const scans = countScans();
    try {
      let reused = 0;
      for (let n = 0; n < 300; n++) {
        const before = g.file();
        const at = g.int(before.length + 1);
        const cut = g.int(8);
        const after = before.slice(0, at) + g.pick(['', 'x', ' ', '\n', '# c\n', ':', '---\n', '\n---\nkind: X\n']) + before.slice(at + cut);
        const previous = parseYamlFile(before, new LineIndex(before));
        scans.n = 0;
        const edited = parseYamlFile(after, new LineIndex(after), true, previous);
        const fresh = parseYamlFile(after, new LineIndex(after));
        const freshScans = scans.n;
        assert.deepEqual(shape(edited), shape(fresh), `${JSON.stringify(before)}\n→ ${JSON.stringify(after)}`);
        assert.deepEqual(shape(edited), shape(parseYamlFile(after, new LineIndex(after), false)), JSON.stringify(after));
        if (fresh.documents.length > 2) reused++;
        void freshScans;
      }
      assert.ok(reused > 50, `${reused} edits of files with several documents`);
      // A one-line edit in a file of 2,000 documents scans the edited one again, not all of them.
      const docs = (k: number, mark: string): string => Array.from({ length: 2000 }, (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}${i === k ? mark : ''}\ndata:\n  a: b\n`).join('');
      const first = docs(1000, '');
      const previous = parseYamlFile(first, new LineIndex(first));
      const next = docs(1000, 'x');
      scans.n = 0;
      const edited = parseYamlFile(next, new LineIndex(next), true, previous);
      assert.equal(scans.n, 1, `${scans.n} documents scanned after a one-line edit`);
      assert.equal(edited.documents[1000]?.simple?.name, 'c1000x');
      assert.equal(edited.documents[1999]?.simple?.start, next.lastIndexOf('---\n'));
    } finally {
      scans.restore();
    }
  });
});

/** Counts the reader's scans (the module's export is what `documents.ts` calls). */
function countScans(): { n: number; restore: () => void } {
  const original = reader.scanDocument;
  const counter = { n: 0, restore: () => Object.assign(reader, { scanDocument: original }) };
  Object.assign(reader, {
    scanDocument: (...args: Parameters<typeof original>) => {
      counter.n++;
      return original(...args);
    },
  });
  return counter;
}

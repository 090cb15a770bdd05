import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineIndex } from '../../server/src/core/text';

test('LineIndex maps offsets and positions for LF, CRLF and CR line ends', () => {
  const text = 'a\r\nbc\rd\n\nefg';
  const idx = new LineIndex(text);
  assert.equal(idx.lineCount, 5);
  assert.deepEqual(['a', 'bc', 'd', '', 'efg'], [0, 1, 2, 3, 4].map((l) => idx.lineText(l)));
  for (let o = 0; o <= text.length; o++) {
    const p = idx.positionAt(o);
    if (text[o - 1] === '\r' && text[o] === '\n') continue; // between CR and LF is not a position
    assert.equal(idx.offsetAt(p), o, `offset ${o}`);
  }
  assert.deepEqual(idx.positionAt(999), { line: 4, character: 3 });
  assert.equal(idx.offsetAt({ line: 1, character: 99 }), 6, 'clamped to the line end');
});

test('characters are UTF-16 code units, as LSP counts them', () => {
  const idx = new LineIndex('😀 x');
  assert.deepEqual(idx.positionAt(3), { line: 0, character: 3 });
});

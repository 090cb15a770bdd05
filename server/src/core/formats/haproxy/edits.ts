/**
 * Quick-fix edits for HAProxy files: replace a word, remove words with the blank before
 * them, append options to a line, insert a statement after a line with its indentation.
 * Values that need it are written in double quotes (with `"`, `\`, `$` escaped).
 */
import type { TextEdit } from '../../findings';
import type { LineIndex } from '../../text';
import type { HaproxyLine, HaproxyWord } from './parser';

/** A word as HAProxy reads it back as `value`. */
export function quoteWord(value: string): string {
  if (value !== '' && !/[\s"'#\\$]/.test(value)) return value;
  return `"${value.replace(/[\\"$]/g, (c) => '\\' + c)}"`;
}

export function replaceWord(word: HaproxyWord, value: string): TextEdit {
  return { range: word.range, newText: quoteWord(value) };
}

/** Removes words (and the blank before each) from a line. */
export function removeWords(words: readonly HaproxyWord[], text: string, lines: LineIndex): TextEdit[] {
  return words.map((w) => {
    let start = w.offset;
    while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
    return { range: lines.rangeOf(start, w.offset + w.raw.length), newText: '' };
  });
}

/** Appends words at the end of a line's last word (before any comment). */
export function appendToLine(line: HaproxyLine, words: readonly string[]): TextEdit {
  return { range: { start: line.range.end, end: line.range.end }, newText: ' ' + words.join(' ') };
}

/** The blanks a line starts with. */
export function indentOf(line: HaproxyLine, text: string, lines: LineIndex): string {
  const start = lines.offsetAt({ line: line.line, character: 0 });
  return /^[ \t]*/.exec(text.slice(start, start + 200))![0];
}

/** Inserts a statement on a new line after `after`, indented like `like` (default: like `after`). */
export function insertLineAfter(after: HaproxyLine, statement: string, text: string, lines: LineIndex, like: HaproxyLine = after): TextEdit {
  const lineStart = lines.offsetAt({ line: after.line, character: 0 });
  let end = lineStart;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  const at = lines.positionAt(end);
  const indent = indentOf(like, text, lines) || '    ';
  return { range: { start: at, end: at }, newText: `\n${indent}${statement}` };
}

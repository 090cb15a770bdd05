import type { TextEdit } from '../../findings';
import type { LineIndex } from '../../text';
import type { NginxDirective } from './ast';

/** The indentation of the line a directive starts on. */
export function indentOf(d: NginxDirective, lines: LineIndex): string {
  return /^[ \t]*/.exec(lines.lineText(d.range.start.line))?.[0] ?? '';
}

/**
 * Inserts directive lines after `d`, on new lines with its indentation: after the end of
 * its line when only a comment follows it there, else right after it.
 */
export function insertAfter(d: NginxDirective, text: readonly string[], lines: LineIndex): TextEdit {
  const line = d.range.end.line;
  const lineText = lines.lineText(line);
  const rest = lineText.slice(d.range.end.character).trim();
  const at = rest === '' || rest.startsWith('#') ? { line, character: lineText.length } : d.range.end;
  const indent = indentOf(d, lines);
  return { range: { start: at, end: at }, newText: text.map((t) => `\n${indent}${t}`).join('') };
}

/** Inserts directive lines as the first lines of a block (after its `{`), indented one level deeper. */
export function insertAtBlockStart(block: NginxDirective, text: readonly string[], lines: LineIndex): TextEdit {
  const open = block.block!.range.start;
  const inner = block.block!.directives[0];
  const indent = inner ? indentOf(inner, lines) : indentOf(block, lines) + '    ';
  const at = { line: open.line, character: open.character + 1 };
  return { range: { start: at, end: at }, newText: text.map((t) => `\n${indent}${t}`).join('') };
}

/** Adds lines to a server block: after its last explicit `listen` if any, else at the top of the block. */
export function insertInServer(server: NginxDirective, lastListen: NginxDirective | undefined, text: readonly string[], lines: LineIndex): TextEdit {
  return lastListen ? insertAfter(lastListen, text, lines) : insertAtBlockStart(server, text, lines);
}

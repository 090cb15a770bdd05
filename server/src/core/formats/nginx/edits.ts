import type { TextEdit } from '../../findings';
import type { LineIndex } from '../../text';
import type { NginxDirective } from './ast';
import type { EffectiveConfig, EffectiveServer } from './effective';

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

const includeMemo = new WeakMap<NginxDirective, boolean>();

/**
 * Whether a block (or any block inside it) has an `include`: its effective settings cannot
 * be known from this file alone. Memoised: rules ask it for every server of a big http block.
 */
export function hasInclude(d: NginxDirective | undefined): boolean {
  if (!d?.block) return false;
  let known = includeMemo.get(d);
  if (known === undefined) {
    known = d.block.directives.some((c) => c.name === 'include' || hasInclude(c));
    includeMemo.set(d, known);
  }
  return known;
}

/** Adds lines to a server block: after its last explicit `listen` if any, else at the top of the block. */
export function insertInServer(server: NginxDirective, lastListen: NginxDirective | undefined, text: readonly string[], lines: LineIndex): TextEdit {
  return lastListen ? insertAfter(lastListen, text, lines) : insertAtBlockStart(server, text, lines);
}

/**
 * Whether a server's inherited settings may come from an include this file cannot see: an
 * `include` in the server or in its http/stream/mail block (a snippet's unknown http block
 * carries one too). Rules then stay silent about values such an include might set.
 */
export function mayBeSetByInclude(cfg: EffectiveConfig, server: EffectiveServer): boolean {
  return hasInclude(server.directive) || hasInclude(cfg.blocks.find((b) => b.module === server.module)?.directive);
}

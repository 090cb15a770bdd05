import type { TextDoc } from '../../document';
import { LineIndex, type Position, type Range } from '../../text';
import { TextCache } from '../../textCache';
import type { NginxBlock, NginxConfig, NginxDirective } from './ast';
import { parseNginxRange } from './parser';

/**
 * Parses shared across a process: one text is parsed once however many callers ask (the
 * engine, the "does it need its includer" check, the include loader, hover), and an edited
 * document re-parses only the block around the edit.
 *
 * A result is shared: nobody may mutate its directives (the include loader clones before
 * splicing).
 */
export interface ParsedNginx {
  text: string;
  lines: LineIndex;
  config: NginxConfig;
}

const MAX_ENTRIES = 64;
const MAX_CHARS = 64 * 1024 * 1024;

/** The latest parse of each file or document name: a repeat of the same text is answered from it, an edit of it is re-parsed from it. */
const byName = new TextCache<ParsedNginx>(MAX_ENTRIES, MAX_CHARS);

/**
 * The parse of `text`. With `name` (a file path or document name) a text parsed before
 * under that name is not parsed again, and an edit of it re-parses only the innermost
 * block that holds the edit; `lines` is used on a full parse (the caller's index, if any).
 */
export function parseNginxCached(text: string, name?: string, lines?: LineIndex): ParsedNginx {
  if (name === undefined) return fullParse(text, lines);
  const prev = byName.get(name);
  if (prev && prev.text === text) {
    byName.set(name, prev);
    return prev;
  }
  const p = (prev && reparseEdit(prev, text)) ?? fullParse(text, lines);
  byName.set(name, p);
  return p;
}

function fullParse(text: string, lines: LineIndex | undefined): ParsedNginx {
  const index = lines ?? new LineIndex(text);
  return { text, lines: index, config: parseNginxRange(text, index, 0, text.length).config };
}

/** The parse of a document (by its text and file name); the document adopts the parse's line index. */
export function parseNginxDoc(doc: TextDoc): NginxConfig {
  const p = parseNginxCached(doc.text, doc.source ?? doc.file);
  doc.adoptLines(p.lines);
  return p.config;
}

/** Forgets every cached parse (tests, or memory pressure). */
export function clearParseCache(): void {
  byName.clear();
}

function isBreak(c: number): boolean {
  return c === 10 || c === 13;
}

/**
 * Re-parses only the body of the innermost block that holds an edit, when the edit stays
 * within one line and the previous text parsed without problems; undefined when that does
 * not apply (a full parse then). The result equals a full parse of `text`.
 */
export function reparseEdit(prev: ParsedNginx, text: string): ParsedNginx | undefined {
  const a = prev.text;
  if (prev.config.problems.length > 0) return undefined;
  const max = Math.min(a.length, text.length);
  // Whole chunks compared natively first, then characters.
  const CHUNK = 2048;
  let p = 0;
  while (p + CHUNK <= max && a.slice(p, p + CHUNK) === text.slice(p, p + CHUNK)) p += CHUNK;
  while (p < max && a.charCodeAt(p) === text.charCodeAt(p)) p++;
  let s = 0;
  while (s + CHUNK <= max - p && a.slice(a.length - s - CHUNK, a.length - s) === text.slice(text.length - s - CHUNK, text.length - s)) s += CHUNK;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === text.charCodeAt(text.length - 1 - s)) s++;
  const oldEnd = a.length - s;
  const newEnd = text.length - s;
  for (let i = p; i < oldEnd; i++) if (isBreak(a.charCodeAt(i))) return undefined;
  for (let i = p; i < newEnd; i++) if (isBreak(text.charCodeAt(i))) return undefined;
  // Between a CR and its LF an insertion would split a line break in two.
  if (p > 0 && a.charCodeAt(p - 1) === 13) return undefined;
  const delta = newEnd - oldEnd;

  // The innermost block whose braces enclose the edit.
  const old = prev.lines;
  const path: NginxDirective[] = [];
  let open = -1;
  let close = -1;
  for (let list = prev.config.directives; ; ) {
    let inner: NginxDirective | undefined;
    for (const d of list) {
      if (!d.block) continue;
      const o = old.offsetAt(d.block.range.start);
      const c = old.offsetAt(d.block.range.end) - 1;
      if (o < p && oldEnd <= c && a.charCodeAt(o) === 123 && a.charCodeAt(c) === 125) {
        inner = d;
        open = o;
        close = c;
        break;
      }
      if (o >= oldEnd) break;
    }
    if (!inner) break;
    path.push(inner);
    list = inner.block!.directives;
  }
  const target = path[path.length - 1];
  // An edit outside every block, or inside a raw (Lua) body the parser does not read.
  if (!target || (target.block!.directives.length === 0 && /_by_lua_block$|^lua_block$/.test(target.name))) return undefined;

  const line = old.positionAt(p).line;
  const lines = old.edited(text, line, delta);
  const body = parseNginxRange(text, lines, open + 1, close + delta);
  if (!body.clean || body.config.problems.length > 0) return undefined;

  // Positions after the edit on its line move by delta; every other position stays.
  const closePos = old.positionAt(close);
  const shiftFrom = closePos.line === line ? closePos.character : Infinity;
  const pos = (q: Position): Position => (q.line === line && q.character >= shiftFrom ? { line, character: q.character + delta } : q);
  const rng = (r: Range): Range => {
    const start = pos(r.start);
    const end = pos(r.end);
    return start === r.start && end === r.end ? r : { start, end };
  };
  const shifted = (d: NginxDirective): NginxDirective => {
    if (d.range.end.line < line || d.range.start.line > line || shiftFrom === Infinity) return d;
    const out: NginxDirective = { ...d, nameRange: rng(d.nameRange), args: d.args.map((x) => ({ ...x, range: rng(x.range) })), range: rng(d.range) };
    if (d.block) out.block = { range: rng(d.block.range), directives: d.block.directives.map(shifted) };
    return out;
  };
  const rebuild = (list: readonly NginxDirective[], depth: number): NginxDirective[] => {
    const on = path[depth]!;
    return list.map((d) => {
      if (d !== on) return old.offsetAt(d.range.end) <= open ? d : shifted(d);
      const block: NginxBlock = { range: rng(d.block!.range), directives: depth === path.length - 1 ? body.config.directives : rebuild(d.block!.directives, depth + 1) };
      return { ...d, range: rng(d.range), block };
    });
  };
  return { text, lines, config: { directives: rebuild(prev.config.directives, 0), problems: [] } };
}

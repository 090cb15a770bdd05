import type { LineIndex, Range } from '../../text';
import { MAX_NESTING, type NginxArg, type NginxBlock, type NginxConfig, type NginxDirective, type ParseProblem } from './ast';

/** Token kinds: the lexer keeps the current token in its fields instead of allocating one per token. */
const WORD = 0;
const SEMI_T = 1;
const OPEN_T = 2;
const CLOSE_T = 3;
const EOF_T = 4;
type TokenKind = typeof WORD | typeof SEMI_T | typeof OPEN_T | typeof CLOSE_T | typeof EOF_T;

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r' };

const [SPACE, TAB, LF, CR, HASH, SEMI, LBRACE, RBRACE, DQUOTE, SQUOTE, DOLLAR, BACKSLASH] = [32, 9, 10, 13, 35, 59, 123, 125, 34, 39, 36, 92];

/** nginx separates words by space, tab, CR and LF only. */
function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR;
}

/**
 * Tokenizes nginx configuration the way nginx's own reader does: whitespace separates
 * words, `;`, `{` and `}` are delimiters, `#` at a word start opens a comment, quotes
 * group words, a backslash escapes the next character, and `${name}` stays in a word.
 */
class Lexer {
  pos: number;
  readonly problems: Array<{ message: string; start: number; end: number }> = [];
  /** A comment or a word ran up to `end`: what follows `end` in the whole text might have changed its reading. */
  touchedEnd = false;
  /** The current token: where it starts and ends, and for a word its value, whether quoted, whether its string is unterminated. */
  start = 0;
  stop = 0;
  value = '';
  quoted = false;
  unterminated = false;

  constructor(
    private readonly text: string,
    start: number,
    /** Where reading stops (exclusive): the text's length, or a block's closing brace for a partial parse. */
    private readonly end: number,
  ) {
    // A byte order mark is read past (nginx/byte-order-mark reports it), so the rest is judged.
    this.pos = start === 0 && text.charCodeAt(0) === 0xfeff ? 1 : start;
  }

  next(): TokenKind {
    const t = this.text;
    const n = this.end;
    let pos = this.pos;
    for (;;) {
      while (pos < n && isSpace(t.charCodeAt(pos))) pos++;
      if (pos < n && t.charCodeAt(pos) === HASH) {
        while (pos < n && t.charCodeAt(pos) !== LF && t.charCodeAt(pos) !== CR) pos++;
        if (pos >= n) this.touchedEnd = true;
        continue;
      }
      break;
    }
    const start = pos;
    this.pos = pos;
    this.start = start;
    if (start >= n) {
      this.stop = start;
      return EOF_T;
    }
    const c = t.charCodeAt(start);
    if (c === SEMI || c === LBRACE || c === RBRACE) {
      this.pos = this.stop = start + 1;
      return c === SEMI ? SEMI_T : c === LBRACE ? OPEN_T : CLOSE_T;
    }
    if (c === DQUOTE || c === SQUOTE) {
      this.quotedWord(t[start]!);
      return WORD;
    }
    // A bare word keeps its text as written: escapes and ${name} stay as they are.
    while (pos < n) {
      const ch = t.charCodeAt(pos);
      if (isSpace(ch) || ch === SEMI || ch === RBRACE) break;
      if (ch === LBRACE) {
        // `${name}` is a variable, not a block.
        if (t.charCodeAt(pos - 1) === DOLLAR) {
          const close = t.indexOf('}', pos);
          if (close < 0 || close >= n) {
            if (close >= n) this.touchedEnd = true;
            break;
          }
          pos = close + 1;
          continue;
        }
        break;
      }
      pos += ch === BACKSLASH && pos + 1 < n ? 2 : 1;
    }
    if (pos >= n) this.touchedEnd = true;
    this.pos = this.stop = pos;
    this.value = t.slice(start, pos);
    this.quoted = false;
    this.unterminated = false;
    return WORD;
  }

  private quotedWord(q: string): void {
    const t = this.text;
    const start = this.pos++;
    const n = this.end;
    const close = t.indexOf(q, this.pos);
    let value: string;
    if (close >= 0 && close < n && !t.slice(this.pos, close).includes('\\')) {
      // No escapes: the common case.
      value = t.slice(this.pos, close);
      this.pos = close;
    } else {
      value = '';
      while (this.pos < n && t[this.pos] !== q) {
        const ch = t[this.pos]!;
        if (ch === '\\' && this.pos + 1 < n) {
          const n = t[this.pos + 1]!;
          value += n === q || n === '\\' ? n : ESCAPES[n] ?? '\\' + n;
          this.pos += 2;
          continue;
        }
        value += ch;
        this.pos++;
      }
    }
    this.value = value;
    this.quoted = true;
    this.start = start;
    if (this.pos >= n) {
      // Located on the opening line: the rest of the file is the string's body.
      const eol = t.slice(start, n).search(/[\r\n]/);
      this.problems.push({ message: `unterminated ${q === '"' ? 'double' : 'single'}-quoted string`, start, end: eol < 0 ? n : start + eol });
      this.stop = this.pos;
      this.unterminated = true;
      return;
    }
    this.pos++;
    // nginx wants a separator after a closing quote: "a"b is an error there ("unexpected b");
    // ")" may follow, closing an if condition.
    const next = this.pos < n ? t[this.pos] : undefined;
    if (next !== undefined && !isSpace(next.charCodeAt(0)) && next !== ';' && next !== '{' && next !== '}' && next !== ')') {
      this.problems.push({ message: `unexpected "${next}" after a quoted string (a space or ";" must follow the closing quote)`, start: this.pos, end: this.pos + 1 });
    }
    this.stop = this.pos;
    this.unterminated = false;
  }

  /** Skips a raw block body (e.g. `content_by_lua_block { … }`) after its `{`; returns the `}` offset or -1. */
  skipRawBlock(): number {
    const t = this.text;
    let depth = 1;
    let quote: string | undefined;
    const n = this.end;
    while (this.pos < n) {
      const ch = t[this.pos]!;
      if (quote) {
        if (ch === '\\') this.pos++;
        else if (ch === quote) quote = undefined;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '-' && t[this.pos + 1] === '-') {
        while (this.pos < n && t[this.pos] !== '\n') this.pos++;
        continue;
      } else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) return this.pos++;
      this.pos++;
    }
    return -1;
  }
}

/** Directives whose block bodies are another language, not nginx directives. */
function hasRawBody(name: string): boolean {
  return name.endsWith('_by_lua_block') || name === 'lua_block';
}

/**
 * Parses nginx configuration into directives with exact ranges. Never throws: syntax
 * problems (unbalanced braces, a missing `;`, an unterminated string) come back located
 * in `problems`, and parsing goes on as nginx's own reader would have to stop.
 */
export function parseNginx(text: string, lines: LineIndex): NginxConfig {
  return parseNginxRange(text, lines, 0, text.length).config;
}

/**
 * Parses `text[start, end)` as a directive list (positions stay those of the whole text).
 * `clean` is false when a comment or word runs into `end`, so reading on past `end` could
 * have read it differently (used to re-parse only an edited block's body).
 */
export function parseNginxRange(text: string, lines: LineIndex, start: number, end: number): { config: NginxConfig; clean: boolean } {
  const lexer = new Lexer(text, start, end);
  const problems: ParseProblem[] = [];
  const problem = (message: string, start: number, end: number): void => {
    problems.push({ message, range: lines.rangeOf(start, Math.max(end, start)) });
  };

  const top: NginxDirective[] = [];
  interface Frame {
    list: NginxDirective[];
    owner?: NginxDirective;
    open: number;
  }
  const stack: Frame[] = [{ list: top, open: 0 }];
  // The words of the directive being read, in parallel arrays reused across directives.
  const wValue: string[] = [];
  const wStart: number[] = [];
  const wEnd: number[] = [];
  const wQuoted: boolean[] = [];
  let wCount = 0;
  let lastUnterminated = false;
  let tooDeep = false;

  const makeDirective = (endOffset: number): NginxDirective => {
    // The name's start is the directive's start too: one position object for both.
    const start = lines.positionAt(wStart[0]!);
    const nameRange: Range = { start, end: lines.positionAt(wEnd[0]!) };
    const args: NginxArg[] = new Array<NginxArg>(wCount - 1);
    for (let i = 1; i < wCount; i++) args[i - 1] = { value: wValue[i]!, quoted: wQuoted[i]!, range: lines.rangeOf(wStart[i]!, wEnd[i]!) };
    return { name: wValue[0]!, nameRange, args, range: { start, end: lines.positionAt(endOffset) } };
  };

  for (;;) {
    const kind = lexer.next();
    const frame = stack[stack.length - 1]!;
    if (kind === WORD) {
      wValue[wCount] = lexer.value;
      wStart[wCount] = lexer.start;
      wEnd[wCount] = lexer.stop;
      wQuoted[wCount] = lexer.quoted;
      lastUnterminated = lexer.unterminated;
      wCount++;
      continue;
    }
    const tokStart = lexer.start;
    const tokEnd = lexer.stop;
    if (kind === SEMI_T) {
      if (wCount === 0) problem('unexpected ";"', tokStart, tokEnd);
      else frame.list.push(makeDirective(tokEnd));
      wCount = 0;
      continue;
    }
    if (kind === OPEN_T) {
      if (wCount === 0) {
        problem('unexpected "{" (a block needs a directive name)', tokStart, tokEnd);
      }
      const d: NginxDirective = wCount
        ? makeDirective(tokEnd)
        : { name: '', nameRange: lines.rangeOf(tokStart, tokStart), args: [], range: lines.rangeOf(tokStart, tokEnd) };
      wCount = 0;
      const block: NginxBlock = { directives: [], range: lines.rangeOf(tokStart, tokEnd) };
      d.block = block;
      frame.list.push(d);
      if (hasRawBody(d.name)) {
        const close = lexer.skipRawBlock();
        const stop = close < 0 ? end : close + 1;
        if (close < 0) problem(`unexpected end of file: "${d.name}" block is not closed with "}"`, tokStart, tokEnd);
        block.range = lines.rangeOf(tokStart, stop);
        d.range = lines.rangeOf(lines.offsetAt(d.nameRange.start), stop);
        continue;
      }
      // Deeper than any real configuration: what is inside is read for its braces only, so no
      // walk over the tree (every rule's) can run out of stack.
      if (stack.length > MAX_NESTING && !tooDeep) {
        tooDeep = true;
        problems.push({ message: `blocks nested deeper than ${MAX_NESTING} levels: what is inside is not checked`, range: lines.rangeOf(tokStart, tokEnd), severity: 'warning' });
      }
      stack.push({ list: stack.length > MAX_NESTING ? [] : block.directives, owner: d, open: tokStart });
      continue;
    }
    if (kind === CLOSE_T) {
      if (wCount) {
        problem(`directive "${wValue[0]!}" is not terminated by ";"`, wStart[0]!, wEnd[wCount - 1]!);
        frame.list.push(makeDirective(wEnd[wCount - 1]!));
        wCount = 0;
      }
      if (stack.length === 1) {
        problem('unexpected "}"', tokStart, tokEnd);
        continue;
      }
      stack.pop();
      const owner = frame.owner!;
      owner.block!.range = lines.rangeOf(frame.open, tokEnd);
      owner.range = lines.rangeOf(lines.offsetAt(owner.nameRange.start), tokEnd);
      continue;
    }
    // eof
    if (wCount) {
      // An unterminated string already explains the missing ";".
      if (!lastUnterminated) problem(`unexpected end of file: directive "${wValue[0]!}" is not terminated by ";"`, wStart[0]!, wEnd[wCount - 1]!);
      frame.list.push(makeDirective(wEnd[wCount - 1]!));
    }
    for (let i = stack.length - 1; i > 0; i--) {
      const f = stack[i]!;
      const owner = f.owner!;
      problem(`unexpected end of file: "${owner.name}" block is not closed with "}"`, f.open, f.open + 1);
      owner.block!.range = lines.rangeOf(f.open, end);
      owner.range = lines.rangeOf(lines.offsetAt(owner.nameRange.start), end);
    }
    break;
  }
  for (const p of lexer.problems) problem(p.message, p.start, p.end);
  problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { config: { directives: top, problems }, clean: !lexer.touchedEnd };
}

/** Positions are 0-based; `character` counts UTF-16 code units, as in LSP. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export function range(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function rangeContains(r: Range, p: Position): boolean {
  return comparePositions(r.start, p) <= 0 && comparePositions(p, r.end) <= 0;
}

/** Maps string offsets to line/character positions and back. */
export class LineIndex {
  private readonly starts: number[];

  constructor(
    private readonly text: string,
    /** Line starts already known (see `edited`). */
    known?: number[],
  ) {
    if (known) {
      this.starts = known;
      return;
    }
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) starts.push(i + 1);
      else if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  /**
   * The index of `text`, which is this index's text with an edit inside line `line` that
   * moved the rest of that line by `delta` characters and added or removed no line break.
   */
  edited(text: string, line: number, delta: number): LineIndex {
    const starts = this.starts.slice();
    for (let l = line + 1; l < starts.length; l++) starts[l]! += delta;
    return new LineIndex(text, starts);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** The line of the last lookup: parsers ask in increasing order, so the answer is usually on it or just after. */
  private lastLine = 0;

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.starts;
    let l = this.lastLine;
    if (starts[l]! <= o) {
      for (let k = 0; k < 4 && l + 1 < starts.length && starts[l + 1]! <= o; k++) l++;
      if (l + 1 >= starts.length || starts[l + 1]! > o) {
        this.lastLine = l;
        return { line: l, character: o - starts[l]! };
      }
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    this.lastLine = lo;
    return { line: lo, character: o - starts[lo]! };
  }

  offsetAt(p: Position): number {
    if (p.line < 0) return 0;
    if (p.line >= this.starts.length) return this.text.length;
    const lineStart = this.starts[p.line]!;
    const nextStart = p.line + 1 < this.starts.length ? this.starts[p.line + 1]! : this.text.length;
    return Math.max(lineStart, Math.min(lineStart + p.character, nextStart));
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** The text of one line without its line break. */
  lineText(line: number): string {
    if (line < 0 || line >= this.starts.length) return '';
    const s = this.starts[line]!;
    let e = line + 1 < this.starts.length ? this.starts[line + 1]! : this.text.length;
    if (e > s && this.text.charCodeAt(e - 1) === 10) e--;
    if (e > s && this.text.charCodeAt(e - 1) === 13) e--;
    return this.text.slice(s, e);
  }
}

/** Collapses `.`, `..` and repeated separators; backslashes become `/`. */
export function normalizePath(p: string): string {
  const m = /^([A-Za-z]:)?([\\/])?/.exec(p);
  const head = m?.[0] ?? '';
  const drive = m?.[1] ?? '';
  const abs = Boolean(m?.[2]);
  const out: string[] = [];
  for (const part of p.slice(head.length).split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
      continue;
    }
    out.push(part);
  }
  const root = drive + (abs ? '/' : '');
  return root + out.join('/') || '.';
}

import type * as Yaml from 'yaml';
import { PARSE_OPTIONS, yaml } from './lib';

/**
 * An own reader for the block YAML most manifests are written in: block mappings and
 * sequences, plain scalars (also over several lines), quoted scalars and flow collections on
 * one line, literal and folded block scalars, comments and blank lines anywhere. It builds the
 * same nodes the `yaml` package builds — the same classes, values (typed by the package's own
 * core-schema tags), `type`s and ranges, including where comments and blank lines move a
 * node's end — so every consumer reads them as a parse's. Comments themselves are not kept
 * (nothing reads them). Anything else (anchors, aliases, tags, explicit keys, directives, tabs
 * outside block scalars, multi-line quoted scalars or flow collections, empty documents,
 * template expressions, anything that would be a parse error) makes the document "not read
 * here": the caller parses it with the `yaml` package. `test/unit/yaml-reader.test.ts` holds
 * the two equal on generated documents, edge cases and every example manifest.
 *
 * A scan (`scanDocument`) checks a document and reads its identity (apiVersion, kind,
 * metadata name and namespace) without building the rest; `readDocument` builds it.
 */

/** A document's identity, as `KNode.str()` reads those fields from a parse. */
export interface FastIdentity {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

/** A document built by the reader: what `composeDoc` would give as contents and range. */
export interface FastDocument {
  /** A mapping; a null scalar for an empty document. */
  contents: Yaml.YAMLMap;
  /** [start (its `---` or first key), end of contents, end of the document]. */
  range: [number, number, number];
}

/** Thrown inside the reader when the text leaves the subset it reads. */
class OutsideSubset extends Error {}
const OUT = new OutsideSubset('not read by the fast reader');

interface ScalarTag {
  test?: RegExp;
  default?: boolean | 'key';
  collection?: string;
  format?: string;
  resolve(value: string, onError: (message: string) => void, options: unknown): unknown;
}

interface Lib {
  y: typeof Yaml;
  template: Yaml.Document;
  nodeType: symbol;
  schema: Yaml.Schema;
  tags: ScalarTag[];
  keyTags: ScalarTag[];
  options: unknown;
}

let lib: Lib | undefined;

function libOnce(): Lib {
  if (lib) return lib;
  const y = yaml();
  const template = new y.Document(undefined, PARSE_OPTIONS);
  const all = template.schema.tags as unknown as ScalarTag[];
  const scalarTags = all.filter((t) => !t.collection && t.test);
  return (lib = {
    y,
    template,
    nodeType: Object.getOwnPropertySymbols(template)[0]!,
    schema: template.schema,
    tags: scalarTags.filter((t) => t.default === true),
    keyTags: scalarTags.filter((t) => t.default === true || t.default === 'key'),
    options: template.options,
  });
}

/** A Document holding `contents` with `range`, as the package's composer makes one (without a new schema per document). */
export function fastDocumentNode(doc: FastDocument): Yaml.Document.Parsed {
  const L = libOnce();
  const d = Object.create(L.y.Document.prototype) as Yaml.Document.Parsed & Record<symbol, unknown>;
  Object.defineProperty(d, L.nodeType, { value: (L.template as unknown as Record<symbol, unknown>)[L.nodeType] });
  Object.assign(d, { commentBefore: null, comment: null, errors: [], warnings: [], options: L.template.options, directives: L.template.directives, schema: L.schema, contents: doc.contents, range: doc.range });
  return d;
}

const SP = 32;
const TAB = 9;
const HASH = 35;
const COLON = 58;
const DASH = 45;

/** Why a plain scalar ended on its line. */
const enum Stop {
  Eol,
  Colon,
  Comment,
  Flow,
}

/** Comments and blank lines after a collection's last value, not yet given to a node (see `Reader.trail`). */
interface Pending {
  /** The deepest indentation of a comment among them, -1 when there is none. */
  maxIndent: number;
  /** Where they end: the next content's first character, or the document's end. */
  end: number;
}

interface Built {
  node: Yaml.Node | null;
  /** The node's `range[2]`. */
  end: number;
  pending: Pending | null;
}

/** A value on the key's (or the dash's) line, before the comments after it are looked at. */
interface Inline {
  node: Yaml.Node | null;
  end: number;
  /** A flow scalar or flow collection: more-indented comments right after it extend its end. */
  absorbs: boolean;
}

const KEY_NAMES_TOP = new Set(['apiVersion', 'kind', 'metadata']);
const KEY_NAMES_META = new Set(['name', 'namespace']);

function isFlowIndicator(c: number): boolean {
  return c === 44 /* , */ || c === 91 /* [ */ || c === 93 /* ] */ || c === 123 /* { */ || c === 125 /* } */;
}

/** Characters the reader does not take anywhere but in comments: controls, DEL and C1, line and paragraph separators, BOM, non-characters. */
function isOddChar(c: number): boolean {
  return c < SP ? c !== TAB : c >= 0x7f && (c <= 0x9f || c === 0x2028 || c === 0x2029 || c === 0xfeff || c === 0xfffe || c === 0xffff);
}

const HEX: Readonly<Record<number, RegExp>> = { 2: /^[0-9a-fA-F]{2}$/, 4: /^[0-9a-fA-F]{4}$/, 8: /^[0-9a-fA-F]{8}$/ };

const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

class Reader {
  /** The current line: its start, indentation, first non-space character, content end (before CR LF or LF) and the next line's start. */
  private p = 0;
  private ind = 0;
  private cs = 0;
  private le = 0;
  private nl = 0;
  /** Set by `plainLine`: why the scalar ended. */
  private stop = Stop.Eol;
  private why(): Stop {
    return this.stop;
  }

  constructor(
    private readonly s: string,
    private readonly end: number,
    /** Build every node; else only what the identity needs. */
    private readonly build: boolean,
    private readonly L: Lib,
  ) {}

  private at(p: number): void {
    const s = this.s;
    this.p = p;
    if (p >= this.end) {
      this.ind = 0;
      this.cs = this.le = this.nl = this.end;
      return;
    }
    let i = p;
    while (s.charCodeAt(i) === SP) i++;
    this.ind = i - p;
    this.cs = i;
    let n = s.indexOf('\n', i);
    if (n < 0 || n >= this.end) n = this.end;
    this.nl = n < this.end ? n + 1 : this.end;
    this.le = n > i && s.charCodeAt(n - 1) === 13 ? n - 1 : n;
  }

  private get atEnd(): boolean {
    return this.p >= this.end;
  }

  /** The current line holds only spaces. A tab before its first character is not read here. */
  private blank(): boolean {
    if (this.cs < this.le && this.s.charCodeAt(this.cs) === TAB) throw OUT;
    return this.cs >= this.le;
  }

  private comment(): boolean {
    return this.s.charCodeAt(this.cs) === HASH;
  }

  /** A `-` item indicator at `i` (followed by a space or the line's end). */
  private dashAt(i: number): boolean {
    return this.s.charCodeAt(i) === DASH && (i + 1 >= this.le || this.s.charCodeAt(i + 1) === SP);
  }

  document(start: number, marked: boolean): { doc: FastDocument; identity: FastIdentity } | 'none' | undefined {
    const s = this.s;
    this.at(start);
    let docStart: number | undefined;
    let commented = false;
    if (marked) {
      // `---`, then spaces and maybe a comment; anything else on the marker line is not read here.
      let i = start + 3;
      while (s.charCodeAt(i) === SP) i++;
      if (i < this.le) {
        if (s.charCodeAt(i) !== HASH || i === start + 3) return undefined;
        commented = true;
      }
      docStart = start;
      this.at(this.nl);
    }
    while (!this.atEnd && (this.blank() || this.comment())) {
      if (this.comment()) commented = true;
      this.at(this.nl);
    }
    if (this.atEnd) {
      if (!marked) return 'none';
      // An empty document: a null scalar right after `---` and its spaces, ending after its comments (if any).
      let pos = start + 3;
      while (s.charCodeAt(pos) === SP) pos++;
      const end = commented ? this.end : pos;
      const contents = this.build ? this.scalar('', 'PLAIN', [pos, pos, end], true) : null;
      return { doc: { contents: contents as unknown as Yaml.YAMLMap, range: [start, end, end] }, identity: {} };
    }
    if (this.ind !== 0) throw OUT;
    docStart ??= this.cs;
    const r = this.blockMap(0, this.cs, true, 0);
    if (!this.atEnd) throw OUT;
    const map = r.node as Yaml.YAMLMap;
    // The comments and blank lines after the contents are the document's (an empty last value keeps them).
    return { doc: { contents: map, range: [docStart, r.end, r.pending ? this.end : r.end] }, identity: this.identity(map) };
  }

  private identity(map: Yaml.YAMLMap): FastIdentity {
    const y = this.L.y;
    const get = (m: Yaml.YAMLMap, key: string): unknown => {
      for (const p of m.items) if (y.isScalar(p.key) && String(p.key.value) === key) return p.value;
      return undefined;
    };
    const str = (n: unknown): string | undefined => {
      if (!y.isScalar(n)) return undefined;
      const v = n.value;
      return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : undefined;
    };
    const out: FastIdentity = {};
    const apiVersion = str(get(map, 'apiVersion'));
    const kind = str(get(map, 'kind'));
    if (apiVersion !== undefined) out.apiVersion = apiVersion;
    if (kind !== undefined) out.kind = kind;
    const meta = get(map, 'metadata');
    if (y.isMap(meta)) {
      const name = str(get(meta, 'name'));
      const namespace = str(get(meta, 'namespace'));
      if (name !== undefined) out.name = name;
      if (namespace !== undefined) out.namespace = namespace;
    }
    return out;
  }

  /** Whether a scan builds the value of `key` in a mapping at `depth` (the top level's identity keys, metadata's name and namespace). */
  private wants(want: boolean, depth: number, key: string | undefined): boolean {
    if (this.build) return true;
    if (!want || key === undefined) return false;
    return depth === 0 ? KEY_NAMES_TOP.has(key) : depth === 1 && KEY_NAMES_META.has(key);
  }

  // ------------------------------------------------------------------------------------
  // Scalars

  private scalar(value: string, type: Yaml.Scalar.Type, range: [number, number, number], plain: boolean, atKey = false): Yaml.Scalar {
    const L = this.L;
    let node: Yaml.Scalar | undefined;
    if (plain) {
      const c = value.charCodeAt(0);
      // Only values starting like null, a boolean or a number can be anything but a string in the core schema.
      if (value === '' || c === 126 /* ~ */ || c === 110 || c === 78 /* n N */ || c === 116 || c === 84 /* t T */ || c === 102 || c === 70 /* f F */ || c === 43 || c === 45 || c === 46 /* + - . */ || (c >= 48 && c <= 57)) {
        for (const tag of atKey ? L.keyTags : L.tags) {
          if (!tag.test!.test(value)) continue;
          let failed = false;
          const res = tag.resolve(value, () => (failed = true), L.options);
          if (failed) throw OUT;
          node = L.y.isScalar(res) ? res : new L.y.Scalar(res);
          if (tag.format) node.format = tag.format;
          break;
        }
      }
    }
    node ??= new L.y.Scalar(value);
    node.range = range;
    node.source = value;
    node.type = type;
    return node;
  }

  /**
   * Scans a plain scalar's characters from `i` to its end on this line; returns the end of its
   * last non-space character and sets `stop`: a `: ` (a key), ` #` (a comment), a flow indicator (in flow) or the line's end.
   */
  private plainLine(i: number, flow: boolean): number {
    const s = this.s;
    const le = this.le;
    let last = i;
    for (; i < le; i++) {
      const c = s.charCodeAt(i);
      if (c === COLON) {
        const n = i + 1 < le ? s.charCodeAt(i + 1) : -1;
        if (n === -1 || n === SP || (flow && isFlowIndicator(n))) {
          this.stop = Stop.Colon;
          return last;
        }
        last = i + 1;
      } else if (c === SP) {
        if (s.charCodeAt(i + 1) === HASH) {
          this.stop = Stop.Comment;
          return last;
        }
      } else if (c === TAB || isOddChar(c)) {
        throw OUT;
      } else if (flow && isFlowIndicator(c)) {
        this.stop = Stop.Flow;
        return last;
      } else last = i + 1;
    }
    this.stop = Stop.Eol;
    return last;
  }

  /** The closing quote (of a scalar opened by `q`) on this line from `from`, or -1. */
  private closing(from: number, q: number): number {
    const s = this.s;
    for (let j = from; j < this.le; j++) {
      const c = s.charCodeAt(j);
      if (c === q) {
        if (q === 39 && s.charCodeAt(j + 1) === 39) {
          j++;
          continue;
        }
        return j;
      }
      if (q === 34 && c === 92 /* \ */) {
        // Only escapes YAML defines (an escaped line break is not read here): a scan checks what a build decodes.
        const e = s[++j];
        if (j >= this.le || e === undefined) throw OUT;
        if (ESCAPES[e] !== undefined) continue;
        const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
        if (!len || !HEX[len]!.test(s.slice(j + 1, j + 1 + len)) || parseInt(s.slice(j + 1, j + 1 + len), 16) > 0x10ffff) throw OUT;
        j += len;
      } else if (isOddChar(c)) throw OUT;
    }
    return -1;
  }

  /** The end (after the closing quote) of a quoted scalar at `i` that closes on this line. */
  private quotedEnd(i: number): number {
    const e = this.closing(i + 1, this.s.charCodeAt(i));
    if (e < 0) throw OUT;
    return e + 1;
  }

  /** A quoted scalar's value from the source between its quotes, on one line. */
  private unquote(q: number, body: string): string {
    if (q === 39) return body.replace(/''/g, "'");
    if (!body.includes('\\')) return body;
    let out = '';
    for (let j = 0; j < body.length; j++) {
      const c = body[j]!;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = body[++j]!;
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        continue;
      }
      const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      const hex = body.slice(j + 1, j + 1 + len);
      if (!len || hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw OUT;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw OUT;
      out += String.fromCodePoint(code);
      j += len;
    }
    return out;
  }

  private quotedValue(i: number, end: number): string {
    return this.unquote(this.s.charCodeAt(i), this.s.slice(i + 1, end - 1));
  }

  /**
   * A quoted scalar value at `i`, closing on this line or on a later one indented more than
   * `n` (folded as YAML folds flow scalars: one line break is a space, each empty line a line
   * feed, each line trimmed). The reader ends on the line after its closing quote.
   */
  private quoted(n: number, i: number, want: boolean): Inline {
    const s = this.s;
    const q = s.charCodeAt(i);
    const type = q === 34 ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
    let close = this.closing(i + 1, q);
    if (close >= 0) {
      const end = this.lineRest(close + 1);
      const node = want ? this.scalar(this.unquote(q, s.slice(i + 1, close)), type, [i, close + 1, end], false) : null;
      this.at(this.nl);
      return { node, end, absorbs: true };
    }
    /** The source of each line (null for an empty one), trimmed. */
    const parts: Array<string | null> = [this.trimEnd(q, s.slice(i + 1, this.le))];
    for (;;) {
      this.at(this.nl);
      if (this.atEnd) throw OUT;
      if (this.blank()) {
        parts.push(null);
        continue;
      }
      if (this.ind <= n) throw OUT;
      close = this.closing(this.cs, q);
      if (close >= 0) {
        parts.push(s.slice(this.cs, close));
        break;
      }
      parts.push(this.trimEnd(q, s.slice(this.cs, this.le)));
    }
    const end = this.lineRest(close + 1);
    let node: Yaml.Scalar | null = null;
    if (want) {
      let value = this.unquote(q, parts[0]!);
      let empty = 0;
      for (let k = 1; k < parts.length; k++) {
        const part = parts[k] as string | null;
        if (part === null) {
          empty++;
          continue;
        }
        value += (empty ? '\n'.repeat(empty) : ' ') + this.unquote(q, part);
        empty = 0;
      }
      node = this.scalar(value, type, [i, close + 1, end], false);
    }
    this.at(this.nl);
    return { node, end, absorbs: true };
  }

  /** A quoted scalar's line before a line break, without its trailing white space (escaped white space there is not read here). */
  private trimEnd(q: number, line: string): string {
    const t = line.replace(/[ \t]+$/, '');
    if (q === 34 && t.length < line.length && /(^|[^\\])(\\\\)*\\$/.test(t)) throw OUT;
    return t;
  }

  /** After a token ending at `j` on this line: spaces and maybe a comment, then the line's end. Returns where the next line starts. */
  private lineRest(j: number): number {
    const s = this.s;
    let i = j;
    while (s.charCodeAt(i) === SP) i++;
    if (i < this.le && (s.charCodeAt(i) !== HASH || i === j)) throw OUT;
    return this.nl;
  }

  // ------------------------------------------------------------------------------------
  // Keys and values on one line

  /** A key at `k` on this line: its node (when wanted), its value as a string, and its `:`. */
  private key(k: number, want: boolean): { node: Yaml.Scalar | null; text: string | undefined; colon: number } {
    const s = this.s;
    const c = s.charCodeAt(k);
    let text: string | undefined;
    let node: Yaml.Scalar | null = null;
    let colon: number;
    if (c === 34 || c === 39) {
      const e = this.quotedEnd(k);
      colon = e;
      while (s.charCodeAt(colon) === SP) colon++;
      if (s.charCodeAt(colon) !== COLON || (colon + 1 < this.le && s.charCodeAt(colon + 1) !== SP)) throw OUT;
      if (want) {
        text = this.quotedValue(k, e);
        node = this.scalar(text, c === 34 ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', [k, e, e], false);
      }
    } else {
      if (!this.plainStart(k)) throw OUT;
      const last = this.plainLine(k, false);
      if (this.why() !== Stop.Colon) throw OUT;
      colon = s.indexOf(':', last);
      if (want) {
        text = s.slice(k, last);
        node = this.scalar(text, 'PLAIN', [k, last, last], true, true);
        text = String(node.value);
      }
    }
    // An implicit key's `:` within 1024 characters of the key's line break (YAML 1.2 §7.4; the parser counts from the break before it).
    if (colon - this.p >= 1024) throw OUT;
    return { node, text, colon };
  }

  /** Whether a plain scalar may start at `i` in block context. */
  private plainStart(i: number): boolean {
    const c = this.s.charCodeAt(i);
    switch (c) {
      case DASH:
        return i + 1 < this.le && this.s.charCodeAt(i + 1) !== SP;
      case 63: // ?
      case COLON:
      case 44: // ,
      case 91: // [
      case 93: // ]
      case 123: // {
      case 125: // }
      case HASH:
      case 38: // &
      case 42: // *
      case 33: // !
      case 124: // |
      case 62: // >
      case 39: // '
      case 34: // "
      case 37: // %
      case 64: // @
      case 96: // `
        return false;
      default:
        return !isOddChar(c) && c !== TAB;
    }
  }

  /** Whether the text at `i` is a mapping key (a plain or quoted scalar followed by `: `). */
  private isKey(i: number): boolean {
    const s = this.s;
    const c = s.charCodeAt(i);
    if (c === 34 || c === 39) {
      const close = this.closing(i + 1, c);
      if (close < 0) return false;
      let e = close + 1;
      while (s.charCodeAt(e) === SP) e++;
      return s.charCodeAt(e) === COLON && (e + 1 >= this.le || s.charCodeAt(e + 1) === SP);
    }
    if (!this.plainStart(i)) return false;
    this.plainLine(i, false);
    return this.why() === Stop.Colon;
  }

  /**
   * A value starting at `i` on this line (after `key: ` or `- `), in a collection at indent `n`:
   * a quoted or plain scalar (plain ones may go on over more-indented lines), a flow collection,
   * or a block scalar. The reader ends on the line after it.
   */
  private inline(n: number, i: number, want: boolean): Inline {
    const s = this.s;
    const c = s.charCodeAt(i);
    if (c === 34 || c === 39) return this.quoted(n, i, want);
    if (c === 91 || c === 123) {
      const f = this.flow(i, want);
      const end = this.lineRest(f.end);
      if (f.node) f.node.range![2] = end;
      this.at(this.nl);
      return { node: f.node, end, absorbs: true };
    }
    if (c === 124 || c === 62) return { ...this.blockScalar(n, i, want), absorbs: false };
    if (!this.plainStart(i)) throw OUT;
    return this.plain(n, i, want);
  }

  /** A plain scalar from `i`, continued on lines indented more than `n` (folded as YAML folds them). */
  private plain(n: number, i: number, want: boolean): Inline {
    const s = this.s;
    let last = this.plainLine(i, false);
    if (this.why() === Stop.Colon) throw OUT;
    let text = want ? s.slice(i, last) : '';
    let after = this.nl;
    if (this.why() === Stop.Eol) {
      let blanks = 0;
      this.at(this.nl);
      while (!this.atEnd) {
        if (this.blank()) {
          blanks++;
          this.at(this.nl);
          continue;
        }
        if (this.ind <= n || this.comment()) break;
        const e = this.plainLine(this.cs, false);
        if (this.why() === Stop.Colon) throw OUT;
        if (want) text += (blanks ? '\n'.repeat(blanks) : ' ') + s.slice(this.cs, e);
        last = e;
        after = this.nl;
        blanks = 0;
        if (this.why() === Stop.Comment) break;
        this.at(this.nl);
      }
    }
    this.at(after);
    const node = want ? this.scalar(text, 'PLAIN', [i, last, after], true) : null;
    return { node, end: after, absorbs: true };
  }

  /** A flow collection opening at `i` and closing on this line; `end` is after its closing bracket. */
  private flow(i: number, want: boolean): { node: Yaml.YAMLMap | Yaml.YAMLSeq | null; end: number } {
    const s = this.s;
    const L = this.L;
    const isMap = s.charCodeAt(i) === 123;
    const close = isMap ? 125 : 93;
    const coll = want ? (isMap ? new L.y.YAMLMap(L.schema) : new L.y.YAMLSeq(L.schema)) : null;
    if (coll) coll.flow = true;
    let j = i + 1;
    const skip = (): void => {
      while (s.charCodeAt(j) === SP) j++;
      if (j >= this.le || s.charCodeAt(j) === TAB) throw OUT;
    };
    skip();
    while (s.charCodeAt(j) !== close) {
      const first = this.flowItem(j, want);
      j = first.next;
      if (isMap) {
        // A key ends where its text ends (a value or item takes the spaces after it).
        if (first.node) first.node.range![2] = first.node.range![1]!;
        // `key: value` (a space after the colon; `key:value`, `key` alone and empty values are not read here).
        if (s.charCodeAt(j) !== COLON || s.charCodeAt(j + 1) !== SP) throw OUT;
        j += 1;
        skip();
        const value = this.flowItem(j, want);
        j = value.next;
        if (coll) (coll as Yaml.YAMLMap).items.push(new L.y.Pair(first.node, value.node));
      } else {
        if (s.charCodeAt(j) === COLON) throw OUT;
        if (coll) (coll as Yaml.YAMLSeq).items.push(first.node);
      }
      if (s.charCodeAt(j) === 44) {
        j++;
        skip();
      } else if (s.charCodeAt(j) !== close) throw OUT;
    }
    if (coll) coll.range = [i, j + 1, j + 1];
    return { node: coll, end: j + 1 };
  }

  /** One scalar or collection inside a flow collection; `next` is after it and the spaces that follow. */
  private flowItem(j: number, want: boolean): { node: Yaml.Node | null; next: number } {
    const s = this.s;
    const c = s.charCodeAt(j);
    let node: Yaml.Node | null = null;
    let e: number;
    if (c === 91 || c === 123) {
      const f = this.flow(j, want);
      node = f.node;
      e = f.end;
    } else if (c === 34 || c === 39) {
      e = this.quotedEnd(j);
      if (want) node = this.scalar(this.quotedValue(j, e), c === 34 ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', [j, e, e], false);
    } else {
      if (!this.plainStart(j) || c === DASH) throw OUT;
      e = this.plainLine(j, true);
      if (this.why() === Stop.Eol || this.why() === Stop.Comment || e === j) throw OUT;
      if (want) node = this.scalar(s.slice(j, e), 'PLAIN', [j, e, e], true);
    }
    let next = e;
    while (s.charCodeAt(next) === SP) next++;
    if (next >= this.le) throw OUT;
    if (node) node.range![2] = next;
    return { node, next };
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar whose header is at `h`, in a collection at
   * indent `n` (its lines must be indented more). Chomping indicators are read; an explicit
   * indentation indicator is not read here.
   */
  private blockScalar(n: number, h: number, want: boolean): { node: Yaml.Node | null; end: number } {
    const s = this.s;
    const folded = s.charCodeAt(h) === 62;
    let j = h + 1;
    let chomp: 'clip' | 'strip' | 'keep' = 'clip';
    const c = s.charCodeAt(j);
    if (c === DASH || c === 43) {
      chomp = c === DASH ? 'strip' : 'keep';
      j++;
    }
    if (j < this.le) {
      if (s.charCodeAt(j) !== SP) throw OUT;
      this.lineRest(j);
    }
    // Its lines: leading empty lines, then content (indented at least as the first content line) and empty lines among and after it.
    const lines: Array<{ p: number; ind: number; le: number; nl: number; empty: boolean }> = [];
    let indent = -1;
    let leadingMax = 0;
    this.at(this.nl);
    while (!this.atEnd) {
      const empty = this.cs >= this.le;
      if (indent < 0) {
        if (empty) {
          leadingMax = Math.max(leadingMax, this.ind);
          lines.push({ p: this.p, ind: this.ind, le: this.le, nl: this.nl, empty: true });
          this.at(this.nl);
          continue;
        }
        if (this.ind <= n || s.charCodeAt(this.cs) === TAB || leadingMax > this.ind) throw OUT;
        indent = this.ind;
      } else if (!empty && this.ind < indent) break;
      lines.push({ p: this.p, ind: this.ind, le: this.le, nl: this.nl, empty: empty && this.ind <= indent });
      this.at(this.nl);
    }
    if (indent < 0) throw OUT;
    // Content ends at its last line that holds more than indentation (more-indented space-only lines count).
    let last = lines.length - 1;
    while (lines[last]!.empty) last--;
    const first = lines.findIndex((l) => !l.empty);
    let end: number;
    if (chomp === 'keep') {
      // Every empty line up to the next content, but not a last one without a line break that is indented less.
      const tail = lines[lines.length - 1]!;
      if (this.atEnd && tail.empty && tail.nl === tail.le && tail.ind < indent && lines.length - 1 > last) {
        lines.pop();
        end = tail.p;
        this.at(end);
      } else end = this.atEnd ? this.end : this.p;
    } else {
      end = lines[last]!.nl;
      this.at(end);
    }
    if (!want) return { node: null, end };
    let value = '\n'.repeat(first);
    let prev: 'text' | 'more' | undefined;
    let breaks = 0;
    for (let k = first; k <= last; k++) {
      const l = lines[k]!;
      if (l.empty) {
        breaks++;
        continue;
      }
      const text = s.slice(l.p + indent, l.le);
      const kind = l.ind > indent || text.charCodeAt(0) === TAB ? 'more' : 'text';
      if (prev !== undefined) {
        if (!folded) value += '\n'.repeat(breaks + 1);
        else if (prev === 'text' && kind === 'text') value += breaks ? '\n'.repeat(breaks) : ' ';
        else value += '\n'.repeat(breaks + 1);
      }
      value += text;
      prev = kind;
      breaks = 0;
    }
    if (chomp === 'clip') value += '\n';
    else if (chomp === 'keep') {
      // Every line break from the last content line on (at least one).
      let breaks = 0;
      for (let k = last; k < lines.length; k++) if (lines[k]!.nl > lines[k]!.le) breaks++;
      value += '\n'.repeat(Math.max(1, breaks));
    }
    return { node: this.scalar(value, folded ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL', [h, end, end], false), end };
  }

  // ------------------------------------------------------------------------------------
  // Collections

  /**
   * Comments and blank lines after a flow scalar or flow collection that ends its line: comment
   * lines indented more than its collection (`n`), with only blank lines before them, extend its
   * end, as the parser gives them to the value; the rest are the collection's pending lines.
   */
  private trail(n: number, v: Inline): { end: number; pending: Pending | null } {
    let end = v.end;
    let pending: Pending | null = null;
    while (!this.atEnd) {
      if (this.blank()) pending ??= { maxIndent: -1, end: 0 };
      else if (this.comment()) {
        if (v.absorbs && (pending === null || pending.maxIndent < 0) && this.ind > n) {
          end = this.nl;
          pending = null;
        } else {
          pending ??= { maxIndent: -1, end: 0 };
          pending.maxIndent = Math.max(pending.maxIndent, this.ind);
        }
      } else break;
      this.at(this.nl);
    }
    if (pending) pending.end = this.atEnd ? this.end : this.cs;
    if (v.node && end !== v.end) v.node.range![2] = end;
    return { end, pending };
  }

  /**
   * Ends a collection at indent `n` whose last value ends at `offset`: pending comments it
   * keeps (one indented at least as deep as the collection, unless at indent 0) extend its end;
   * else they go to the collection around it.
   */
  private close(node: Yaml.YAMLMap | Yaml.YAMLSeq | null, n: number, start: number, offset: number, pending: Pending | null): Built {
    let end = offset;
    if (pending && n !== 0 && pending.maxIndent >= n) {
      end = pending.end;
      pending = null;
    }
    if (node) node.range = [start, offset, end];
    return { node, end, pending };
  }

  /** A block mapping at column `n` whose first key is at `k` on the current line. */
  private blockMap(n: number, k: number, want: boolean, depth: number): Built {
    const L = this.L;
    const s = this.s;
    const map = want ? new L.y.YAMLMap(L.schema) : null;
    const start = k;
    let offset = k;
    let pending: Pending | null = null;
    for (;;) {
      const key = this.key(k, want);
      const vWant = this.wants(want, depth, key.text);
      let i = key.colon + 1;
      while (s.charCodeAt(i) === SP) i++;
      let value: Yaml.Node | null;
      if (i >= this.le || s.charCodeAt(i) === HASH) {
        const r = this.below(n, i, vWant, depth + 1);
        value = r.node;
        offset = r.end;
        pending = r.pending;
      } else {
        // `key: - x` and `key: k2: v` are errors; `key: &a`, `*a`, `!tag` are not read here.
        if (this.dashAt(i)) throw OUT;
        const v = this.inline(n, i, vWant);
        const t = this.trail(n, v);
        value = v.node;
        offset = t.end;
        pending = t.pending;
      }
      if (map) map.items.push(new L.y.Pair(key.node, value));
      if (this.atEnd || this.ind < n) break;
      if (this.ind > n || this.dashAt(this.cs)) throw OUT;
      k = this.cs;
      pending = null;
    }
    return this.close(map, n, start, offset, pending);
  }

  /**
   * The value of a key whose line ends after its `:` (`i` is after the spaces that follow it,
   * at a comment or the line's end): a collection or scalar on the lines below, or an
   * empty value. For an empty value the comments below go to it as the parser gives them: up to
   * the second line break after the last comment indented deeper than the mapping when the next
   * key follows, else all of them.
   */
  private below(n: number, i: number, want: boolean, depth: number): Built {
    const keyLineComment = i < this.le;
    // Line breaks after the `:` that would pass to the next key, and whether a comment came before each.
    let breaks: Array<{ at: number; comment: boolean }> = [{ at: this.le, comment: keyLineComment }];
    let comment = keyLineComment;
    this.at(this.nl);
    while (!this.atEnd && (this.blank() || this.comment())) {
      if (this.comment()) {
        comment = true;
        if (this.ind > n) breaks = [];
      }
      breaks.push({ at: this.le, comment });
      this.at(this.nl);
    }
    if (!this.atEnd && (this.ind > n || (this.ind === n && this.dashAt(this.cs)))) {
      const c = this.cs;
      if (this.dashAt(c)) return this.blockSeq(this.ind, c, want, depth);
      if (this.isKey(c)) return this.blockMap(this.ind, c, want, depth);
      // A scalar on the lines below: after a comment line the parser reads it differently (or fails); not read here.
      const ch = this.s.charCodeAt(c);
      if (ch === 91 || ch === 123 || ch === 124 || ch === 62 || comment) throw OUT;
      const v = this.inline(n, c, want);
      const t = this.trail(n, v);
      return { node: v.node, end: t.end, pending: t.pending };
    }
    // An empty value, right after the `:` and the spaces that follow it.
    let end: number;
    let withComment: boolean;
    // The next key, or the next document's `---` after a top-level key, takes what follows the second break.
    const nextItem = this.atEnd ? n === 0 && this.end < this.s.length : this.ind === n;
    if (nextItem && breaks.length >= 2) {
      end = breaks[1]!.at;
      withComment = breaks[1]!.comment;
    } else {
      end = this.atEnd ? this.end : this.cs;
      withComment = comment;
    }
    const node = want ? this.scalar('', 'PLAIN', [i, i, withComment ? end : i], true) : null;
    return { node, end: withComment ? end : i, pending: null };
  }

  /** A block sequence at column `n` whose first `-` is at `d` on the current line. */
  private blockSeq(n: number, d: number, want: boolean, depth: number): Built {
    const L = this.L;
    const s = this.s;
    const seq = want ? new L.y.YAMLSeq(L.schema) : null;
    const start = d;
    let offset = d;
    let pending: Pending | null = null;
    for (;;) {
      let i = d + 1;
      while (s.charCodeAt(i) === SP) i++;
      let r: Built;
      if (i >= this.le || s.charCodeAt(i) === HASH) {
        // The item's value is on the lines below (an empty item is not read here).
        this.at(this.nl);
        while (!this.atEnd && (this.blank() || this.comment())) this.at(this.nl);
        if (this.atEnd || this.ind <= n) throw OUT;
        const c = this.cs;
        if (this.dashAt(c)) r = this.blockSeq(this.ind, c, want, depth);
        else if (this.isKey(c)) r = this.blockMap(this.ind, c, want, depth);
        else {
          const ch = s.charCodeAt(c);
          if (ch === 91 || ch === 123 || ch === 124 || ch === 62) throw OUT;
          const v = this.inline(n, c, want);
          const t = this.trail(n, v);
          r = { node: v.node, end: t.end, pending: t.pending };
        }
      } else if (this.dashAt(i)) r = this.blockSeq(i - this.p, i, want, depth);
      else if (this.isKey(i)) r = this.blockMap(i - this.p, i, want, depth);
      else {
        const v = this.inline(n, i, want);
        const t = this.trail(n, v);
        r = { node: v.node, end: t.end, pending: t.pending };
      }
      if (seq) seq.items.push(r.node);
      offset = r.end;
      pending = r.pending;
      if (this.atEnd || this.ind < n) break;
      if (this.ind > n) throw OUT;
      if (!this.dashAt(this.cs)) break;
      d = this.cs;
      pending = null;
    }
    return this.close(seq, n, start, offset, pending);
  }
}

/**
 * Reads the document `text[start, end)` (from its `---` line when `marked`, else the file's
 * first document) without building it: its identity, `'none'` when it holds nothing (only
 * comments, before the first marker), or undefined when it is not read here.
 */
export function scanDocument(text: string, start: number, end: number, marked: boolean): FastIdentity | 'none' | undefined {
  try {
    const r = new Reader(text, end, false, libOnce()).document(start, marked);
    return r === undefined || r === 'none' ? r : r.identity;
  } catch (e) {
    if (e === OUT) return undefined;
    throw e;
  }
}

/** Builds a document `scanDocument` read (undefined for any other). */
export function readDocument(text: string, start: number, end: number, marked: boolean): FastDocument | undefined {
  try {
    const r = new Reader(text, end, true, libOnce()).document(start, marked);
    return r === undefined || r === 'none' ? undefined : r.doc;
  } catch (e) {
    if (e === OUT) return undefined;
    throw e;
  }
}

import type * as Yaml from 'yaml';
import type { LineIndex, Range } from '../../text';
import { PARSE_OPTIONS, yaml } from './lib';
import { fastDocumentNode, readDocument, scanDocument } from './reader';

/** One YAML document of a (possibly multi-document) file, parsed by the `yaml` package or by the own reader. */
export interface YamlDocument {
  /** 0-based position among the file's documents. */
  readonly index: number;
  /** The parsed document; for a `simple` one, built on first access. */
  readonly doc: Yaml.Document.Parsed;
  /** Whole document, for messages about the document as such. */
  readonly range: Range;
  /** Set when the document was read by the own reader (`formats/yaml/reader.ts`), not the parser. */
  readonly simple?: SimpleDocument;
}

/**
 * A document the own reader (`reader.ts`) took: it parses without errors, and its identity was
 * read without building its nodes, so it is built only when something asks for more (most
 * ConfigMaps, RBAC objects, CRDs … are never read past their kind and name).
 */
export interface SimpleDocument {
  /** Its source in the file: from its `---` line (or the file's start) to the next document's. */
  readonly start: number;
  readonly end: number;
  /** Whether it begins with a `---` line (every document but a file's first one does). */
  readonly marked: boolean;
  readonly apiVersion?: string;
  readonly kind?: string;
  /** `metadata.name` and `metadata.namespace`. */
  readonly name?: string;
  readonly namespace?: string;
}

export interface YamlFile {
  documents: YamlDocument[];
  /** Located parse errors of every document (the documents are still returned). */
  errors: { message: string; range: Range }[];
  /** The text as read (a lone CR taken as LF) and its documents' sources, for reading an edit of it (`parseYamlFile`'s `previous`). */
  readonly source?: { text: string; segments: readonly Segment[] };
}

/** Pass as `toJS({ maxAliasCount })`: `yaml` then refuses to expand more aliases than this (alias bombs). */
export const YAML_MAX_ALIAS_COUNT = 100;

export { yaml } from './lib';

/** The range of a node's source (`node.range` offsets), or the empty range at 0. */
export function nodeRange(lines: LineIndex, node: { range?: readonly number[] | null } | null | undefined): Range {
  const [s = 0, e = s] = node?.range ?? [];
  return lines.rangeOf(s, e);
}

/**
 * Parses every document of a YAML file with exact ranges. Never throws; problems come
 * back located. Walk the AST (node APIs, `yaml().visit`) rather than `toJS`; where `toJS` is
 * needed, pass `{ maxAliasCount: YAML_MAX_ALIAS_COUNT }` so alias bombs fail instead of expanding.
 * Documents the own reader takes (`simpleDocuments`) are left out of the parse (blanked to one
 * line of spaces, so offsets and document numbers stay) and built when their `doc` is first
 * asked for; a file of such documents is not given to the `yaml` package at all.
 */
export function parseYamlFile(text: string, lines: LineIndex, lazy = true, previous?: YamlFile): YamlFile {
  // A lone CR is a line break (YAML 1.2 b-break, and LineIndex), which the parser does not take: the same offsets with LF.
  if (text.includes('\r')) text = text.replace(/\r(?!\n)/g, '\n');
  const errors: YamlFile['errors'] = [];
  const documents: YamlDocument[] = [];
  const segments = lazy ? readSegments(text, previous?.source) : [];
  const read = { text, segments };
  if (segments.length && segments.every((g) => g.simple || g.none)) {
    let index = 0;
    for (const g of segments) if (g.simple) documents.push(lazyDocument(text, lines, index++, g.simple));
    return { documents, errors, source: read };
  }
  const simple = segments.flatMap((g) => (g.simple ? [g.simple] : []));
  let source = text;
  if (simple.length) {
    const parts: string[] = [];
    let at = 0;
    for (const d of simple) {
      const body = d.marked ? text.indexOf('\n', d.start) + 1 : d.start;
      // One line of spaces as long as the body: the parser skips it at once (many blank lines cost more).
      const n = d.end - body;
      parts.push(text.slice(at, body), n <= 0 ? '' : text.charCodeAt(d.end - 1) === 10 ? ' '.repeat(n - 1) + '\n' : ' '.repeat(n));
      at = d.end;
    }
    parts.push(text.slice(at));
    source = parts.join('');
  }
  const { parseAllDocuments } = yaml();
  let parsed: ReturnType<typeof parseAllDocuments>;
  try {
    parsed = withoutStacks(() => parseAllDocuments(source, PARSE_OPTIONS));
  } catch (e) {
    return { documents, errors: [{ message: `YAML could not be read: ${e instanceof Error ? e.message : String(e)}`, range: lines.rangeOf(0, 0) }] };
  }
  const list = Array.isArray(parsed) ? parsed : [];
  if (!simple.length) {
    list.forEach((doc, index) => documents.push(parsedDocument(doc, lines, index, errors)));
    return { documents, errors };
  }
  // The parse must hold one document per segment the reader did not take (at its `---`, or
  // within the first segment) and an empty one per blanked segment after a `---`. If not (a
  // quoted string of a document ran over the next `---`), blanking changed what came before:
  // parse the whole text as written. So too when a document right after one the reader took
  // (or that one's blank) has an error: the parser may give it to the document before the one
  // it is in (a stray `}` after `---`).
  let next = 0;
  let before: Segment | undefined;
  for (const g of segments) {
    if (g.none) continue;
    if (g.simple && !g.marked) {
      before = g;
      continue;
    }
    const d = list[next++];
    const at = d?.range?.[0];
    if (at === undefined || (g.marked ? at !== g.start : at < g.start || at >= g.end)) return parseYamlFile(text, lines, false);
    if (d!.errors.length && (g.simple || before?.simple)) return parseYamlFile(text, lines, false);
    before = g;
  }
  if (next !== list.length) return parseYamlFile(text, lines, false);
  next = 0;
  let index = 0;
  for (const g of segments) {
    if (g.none) continue;
    if (g.simple) {
      if (g.marked) next++;
      documents.push(lazyDocument(text, lines, index++, g.simple));
    } else documents.push(parsedDocument(list[next++]!, lines, index++, errors));
  }
  return { documents, errors, source: read };
}

/**
 * Runs `f` with no stack traces captured for errors made meanwhile: the parser makes an Error
 * object for every problem it finds (a broken 1 MB file has hundreds), and TLS Lens reads
 * only their messages and positions.
 */
function withoutStacks<T>(f: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return f();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function parsedDocument(doc: Yaml.Document.Parsed | Yaml.EmptyStream | Yaml.Document, lines: LineIndex, index: number, errors: YamlFile['errors']): YamlDocument {
  const d = doc as Yaml.Document.Parsed;
  for (const err of d.errors) errors.push({ message: err.message.split('\n')[0]!, range: lines.rangeOf(err.pos[0], err.pos[1]) });
  return { index, doc: d, range: nodeRange(lines, d.contents) };
}

/** A document the reader took, built from its own source on first access, with the file's offsets. */
function lazyDocument(text: string, lines: LineIndex, index: number, simple: SimpleDocument): YamlDocument {
  let parsed: { doc: Yaml.Document.Parsed; range: Range } | undefined;
  const get = (): { doc: Yaml.Document.Parsed; range: Range } => {
    if (parsed) return parsed;
    const read = readDocument(text, simple.start, simple.end, simple.marked);
    let doc: Yaml.Document.Parsed;
    if (read) doc = fastDocumentNode(read);
    else {
      // (Not reached: the reader builds what it scanned.) The parser on the document's own source.
      const source = text.slice(simple.start, simple.end) + (simple.end < text.length ? '---\n' : '');
      doc = yaml().parseAllDocuments(source, PARSE_OPTIONS)[0] as Yaml.Document.Parsed;
      shiftRanges(doc, simple.start);
    }
    parsed = { doc, range: nodeRange(lines, doc.contents) };
    // From now on plain fields (a getter left in place would say "not parsed yet").
    Object.defineProperties(d, { doc: { value: doc, enumerable: true }, range: { value: parsed.range, enumerable: true } });
    return parsed;
  };
  const d: YamlDocument = {
    index,
    simple,
    get doc() {
      return get().doc;
    },
    get range() {
      return get().range;
    },
  };
  return d;
}

/** Moves every offset of a document parsed from a slice of the file to the file's offsets. */
function shiftRanges(doc: Yaml.Document.Parsed, by: number): void {
  const y = yaml();
  const shift = (r: number[] | null | undefined): void => {
    if (r) for (let i = 0; i < r.length; i++) r[i]! += by;
  };
  shift(doc.range);
  for (const e of [...doc.errors, ...doc.warnings]) shift(e.pos);
  y.visit(doc, {
    Node(_, n) {
      shift(n.range);
    },
  });
}

/** A line that starts a document or ends one (`---`, `...`) in any form. */
const ANY_MARKER = /^(?:---|\.\.\.)(?:[ \t]|\r?$)/;

/** One document's source: from a `---` line (or the file's start) to the next. */
export interface Segment {
  start: number;
  end: number;
  marked: boolean;
  /** What the reader read of it, when it took it. */
  simple?: SimpleDocument;
  /** Only comments and blank lines before the first `---`: no document. */
  none?: boolean;
}

/**
 * The file cut at its `---` lines, each part scanned by the reader. Files with directives (`%`)
 * or `...` lines have no segments. With the `previous` reading of an earlier text of the file,
 * a part that lies wholly before the edit, or wholly after it, takes that reading's scan (what
 * the reader read depends on the part's own text only, and on whether a document follows it).
 */
function readSegments(text: string, previous?: YamlFile['source']): Segment[] {
  if (/^(?:%|\.\.\.)/m.test(text)) return [];
  const reuse = previous?.segments.length ? unchanged(previous, text) : undefined;
  const starts: number[] = [];
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    if (text.charCodeAt(at) === 45 /* - */ && ANY_MARKER.test(text.slice(at, Math.min(end, at + 5)))) starts.push(at);
    at = end + 1;
  }
  const out: Segment[] = [];
  /** The next `{{` at or after the segment being read (-1: none left). */
  let templ = text.indexOf('{{');
  const add = (start: number, end: number, marked: boolean): void => {
    const g: Segment = { start, end, marked };
    // Template expressions (even in comments) make the resource `templated`: leave those to the parser.
    const known = reuse?.(start, end);
    if (known) {
      if (known.none) g.none = true;
      else if (known.simple) g.simple = { ...known.simple, start, end };
      out.push(g);
      return;
    }
    if (templ >= 0 && templ < start) templ = text.indexOf('{{', start);
    const id = templ >= 0 && templ < end ? undefined : scanDocument(text, start, end, marked);
    if (id === 'none') g.none = true;
    else if (id) {
      const d: { -readonly [K in keyof SimpleDocument]: SimpleDocument[K] } = { start, end, marked };
      if (id.apiVersion !== undefined) d.apiVersion = id.apiVersion;
      if (id.kind !== undefined) d.kind = id.kind;
      if (id.name !== undefined) d.name = id.name;
      if (id.namespace !== undefined) d.namespace = id.namespace;
      g.simple = d;
    }
    out.push(g);
  };
  if (starts[0] !== 0) add(0, starts[0] ?? text.length, false);
  for (let i = 0; i < starts.length; i++) add(starts[i]!, starts[i + 1] ?? text.length, true);
  return out;
}

/**
 * For a new text of a file: the earlier reading's segment with the same source as `[start, end)`
 * of the new text, when that source lies wholly in the text the two share before the edit, or
 * wholly in what they share after it.
 */
function unchanged(previous: NonNullable<YamlFile['source']>, text: string): (start: number, end: number) => Segment | undefined {
  const old = previous.text;
  const min = Math.min(old.length, text.length);
  let prefix = 0;
  while (prefix < min && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < min - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  const delta = text.length - old.length;
  const byStart = new Map(previous.segments.map((g) => [g.start, g]));
  return (start, end) => {
    // Before the edit (and not the last part, whose end is the text's: a document after it matters).
    if (end <= prefix && end < text.length && end < old.length) {
      const g = byStart.get(start);
      return g && g.end === end ? g : undefined;
    }
    if (start >= text.length - suffix) {
      const g = byStart.get(start - delta);
      return g && g.end === end - delta ? g : undefined;
    }
    return undefined;
  };
}

/** The documents of a file the own reader takes (see `parseYamlFile`). */
export function simpleDocuments(text: string): SimpleDocument[] {
  return readSegments(text).flatMap((g) => (g.simple ? [g.simple] : []));
}

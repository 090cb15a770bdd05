import type * as Yaml from 'yaml';
import type { LineIndex, Range } from '../../text';

/** One YAML document of a (possibly multi-document) file, parsed by the `yaml` package. */
export interface YamlDocument {
  /** 0-based position among the file's documents. */
  readonly index: number;
  /** The parsed document; for a `simple` one, parsed on first access. */
  readonly doc: Yaml.Document.Parsed;
  /** Whole document, for messages about the document as such. */
  readonly range: Range;
  /** Set when the document was read without the parser (see `readSimpleDocument`). */
  readonly simple?: SimpleDocument;
}

/**
 * A document of block mappings with plain, one-line values only (`key: value`, `key:`,
 * comments), whose top fields were read from its lines. Such a document parses without
 * errors and its top fields are what the parser would give, so it is parsed only when
 * something asks for more (most ConfigMaps, RBAC objects … are never read past their kind).
 */
export interface SimpleDocument {
  /** Its source in the file: from its `---` line to the next document's. */
  readonly start: number;
  readonly end: number;
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
}

/** Pass as `toJS({ maxAliasCount })`: `yaml` then refuses to expand more aliases than this (alias bombs). */
export const YAML_MAX_ALIAS_COUNT = 100;

let yamlLib: typeof Yaml | undefined;

/** The `yaml` package, loaded on first use (most runs of the nginx rules never need it). */
export function yaml(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load
  return (yamlLib ??= require('yaml') as typeof Yaml);
}

/** The range of a node's source (`node.range` offsets), or the empty range at 0. */
export function nodeRange(lines: LineIndex, node: { range?: readonly number[] | null } | null | undefined): Range {
  const [s = 0, e = s] = node?.range ?? [];
  return lines.rangeOf(s, e);
}

/**
 * Parses every document of a YAML file with exact ranges. Never throws; problems come
 * back located. Walk the AST (node APIs, `yaml().visit`) rather than `toJS`; where `toJS` is
 * needed, pass `{ maxAliasCount: YAML_MAX_ALIAS_COUNT }` so alias bombs fail instead of expanding.
 * Simple documents (`readSimpleDocument`) are left out of the parse (blanked to one line of
 * spaces, so offsets and document numbers stay) and parsed on their own when their `doc` is first asked for.
 */
export function parseYamlFile(text: string, lines: LineIndex, lazy = true): YamlFile {
  // A lone CR is a line break (YAML 1.2 b-break, and LineIndex), which the parser does not take: the same offsets with LF.
  if (text.includes('\r')) text = text.replace(/\r(?!\n)/g, '\n');
  const { parseAllDocuments } = yaml();
  const errors: YamlFile['errors'] = [];
  const documents: YamlDocument[] = [];
  const simple = lazy ? simpleDocuments(text) : [];
  let source = text;
  if (simple.length) {
    const parts: string[] = [];
    let at = 0;
    for (const d of simple) {
      const body = text.indexOf('\n', d.start) + 1;
      // One line of spaces as long as the body: the parser skips it at once (many blank lines cost more).
      const n = d.end - body;
      parts.push(text.slice(at, body), text.charCodeAt(d.end - 1) === 10 ? ' '.repeat(n - 1) + '\n' : ' '.repeat(n));
      at = d.end;
    }
    parts.push(text.slice(at));
    source = parts.join('');
  }
  let parsed: ReturnType<typeof parseAllDocuments>;
  try {
    parsed = parseAllDocuments(source, PARSE_OPTIONS);
  } catch (e) {
    return { documents, errors: [{ message: `YAML could not be read: ${e instanceof Error ? e.message : String(e)}`, range: lines.rangeOf(0, 0) }] };
  }
  const list = Array.isArray(parsed) ? parsed : [];
  // Each simple document must have begun a document of its own. If one did not (a quoted
  // string of the document before ran over its `---`), blanking it changed what came
  // before: parse the whole text as written.
  let next = 0;
  for (const doc of list) if (next < simple.length && doc.range?.[0] === simple[next]!.start) next++;
  if (next < simple.length) return parseYamlFile(text, lines, false);
  next = 0;
  list.forEach((doc, index) => {
    const s = simple[next];
    if (s && doc.range?.[0] === s.start) {
      next++;
      documents.push(lazyDocument(text, lines, index, s));
      return;
    }
    for (const err of doc.errors) errors.push({ message: err.message.split('\n')[0]!, range: lines.rangeOf(err.pos[0], err.pos[1]) });
    documents.push({ index, doc: doc as Yaml.Document.Parsed, range: nodeRange(lines, doc.contents) });
  });
  return { documents, errors };
}

const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: false } as const;

/** A simple document whose `doc` is parsed from its own source on first access, with the file's offsets. */
function lazyDocument(text: string, lines: LineIndex, index: number, simple: SimpleDocument): YamlDocument {
  let parsed: { doc: Yaml.Document.Parsed; range: Range } | undefined;
  const get = (): { doc: Yaml.Document.Parsed; range: Range } => {
    if (parsed) return parsed;
    const y = yaml();
    // With the next document's marker after it, as in the file: where a document ends (a key
    // without a value, then comments or blank lines) depends on whether a `---` follows.
    const source = text.slice(simple.start, simple.end) + (simple.end < text.length ? '---\n' : '');
    const doc = y.parseAllDocuments(source, PARSE_OPTIONS)[0] as Yaml.Document.Parsed;
    shiftRanges(doc, simple.start);
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

/** `---` alone on its line (a comment may follow): where a simple document can begin. */
const MARKER = /^---[ \t]*(?:#.*)?\r?$/;
/** A line that starts a document or ends one (`---`, `...`) in any form. */
const ANY_MARKER = /^(?:---|\.\.\.)(?:[ \t]|\r?$)/;
/**
 * `key: value` or `key:`. An implicit key longer than 1,024 characters is an error (YAML 1.2
 * §7.4): keys are cut short here, and `readSimpleDocument` also counts the indentation.
 */
const KEY_LINE = /^( *)([A-Za-z0-9][A-Za-z0-9_./-]{0,1022}):(?: +([A-Za-z0-9/][A-Za-z0-9_./@+=-]*))?(?: +#.*)? *\r?$/;
const BLANK_OR_COMMENT = /^ *(?:#.*)?\r?$/;
/** Plain scalars the YAML 1.2 core schema reads as something else than a string (null, bool, numbers). */
const NOT_A_STRING = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+.0-9].*)$/;

/**
 * The simple documents of a file: each begins with a bare `---` line and holds only block
 * mappings with plain one-line values. Files with directives (`%`) or `...` lines have none.
 */
export function simpleDocuments(text: string): SimpleDocument[] {
  // Cheap exits: one document, or YAML that is not block mappings throughout.
  if (!text.includes('\n---') || /^(?:%|\.\.\.)/m.test(text)) return [];
  const out: SimpleDocument[] = [];
  const starts: number[] = [];
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    if (text.charCodeAt(at) === 45 /* - */ && ANY_MARKER.test(text.slice(at, end))) starts.push(at);
    at = end + 1;
  }
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const end = starts[i + 1] ?? text.length;
    const d = readSimpleDocument(text, start, end);
    if (d) out.push(d);
  }
  return out;
}

/**
 * Reads `text[start, end)` (a `---` line and the lines up to the next marker) as a simple
 * document, or undefined when it is anything else. Keys and values are restricted to
 * characters that mean nothing to YAML, indentation must close back to an open mapping, and
 * a value never continues on the next line: what is accepted parses without errors, to the
 * mapping the lines show.
 */
export function readSimpleDocument(text: string, start: number, end: number): SimpleDocument | undefined {
  const source = text.slice(start, end);
  // Template expressions (even in comments) make the resource `templated`: leave those to the parser.
  if (source.includes('{{')) return undefined;
  const lines = source.split('\n');
  if (!MARKER.test(lines[0]!)) return undefined;
  /** Indents of the open mappings, outermost first. */
  const open: number[] = [];
  let last: { indent: number; hasValue: boolean } | undefined;
  let keys = 0;
  const top = new Map<string, { value?: string }>();
  const meta = new Map<string, { value?: string }>();
  /** Inside the first top-level `metadata` (the one the parser's first-key lookup finds), when it is a mapping. */
  let inMetadata = false;
  let seenMetadata = false;
  for (let l = 1; l < lines.length; l++) {
    const line = lines[l]!;
    const m = KEY_LINE.exec(line);
    if (!m) {
      if (BLANK_OR_COMMENT.test(line)) continue;
      return undefined;
    }
    const indent = m[1]!.length;
    // The parser measures a key from as early as the line break before it (after a key without
    // a value), so indentation, line break and key together stay under the limit.
    if (indent + m[2]!.length >= 1024) return undefined;
    if (!last) {
      if (indent !== 0) return undefined;
      open.push(0);
    } else if (indent > last.indent) {
      // Only a key without a value opens a nested mapping; after a value it would continue it.
      if (last.hasValue) return undefined;
      open.push(indent);
    } else {
      while (open.length && open[open.length - 1]! > indent) open.pop();
      if (open[open.length - 1] !== indent) return undefined;
    }
    const key = m[2]!;
    const value = m[3];
    const entry = value === undefined ? {} : { value };
    if (indent === 0) {
      if (!top.has(key)) top.set(key, entry);
      inMetadata = key === 'metadata' && !seenMetadata && value === undefined;
      if (key === 'metadata') seenMetadata = true;
    } else if (inMetadata && open.length === 2 && !meta.has(key)) meta.set(key, entry);
    last = { indent, hasValue: value !== undefined };
    keys++;
  }
  if (keys === 0) return undefined;
  const field = (v: { value?: string } | undefined): string | undefined | false => {
    if (v?.value === undefined) return undefined;
    return NOT_A_STRING.test(v.value) ? false : v.value;
  };
  const apiVersion = field(top.get('apiVersion'));
  const kind = field(top.get('kind'));
  const name = field(meta.get('name'));
  const namespace = field(meta.get('namespace'));
  if (apiVersion === false || kind === false || name === false || namespace === false) return undefined;
  const d: { -readonly [K in keyof SimpleDocument]: SimpleDocument[K] } = { start, end };
  if (apiVersion !== undefined) d.apiVersion = apiVersion;
  if (kind !== undefined) d.kind = kind;
  if (name !== undefined) d.name = name;
  if (namespace !== undefined) d.namespace = namespace;
  return d;
}


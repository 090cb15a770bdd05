import type * as Yaml from 'yaml';
import type { LineIndex, Range } from '../../text';

/** One YAML document of a (possibly multi-document) file, parsed by the `yaml` package. */
export interface YamlDocument {
  /** 0-based position among the file's documents. */
  index: number;
  doc: Yaml.Document.Parsed;
  /** Whole document, for messages about the document as such. */
  range: Range;
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
 */
export function parseYamlFile(text: string, lines: LineIndex): YamlFile {
  const { parseAllDocuments } = yaml();
  const errors: YamlFile['errors'] = [];
  const documents: YamlDocument[] = [];
  let parsed: ReturnType<typeof parseAllDocuments>;
  try {
    parsed = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
  } catch (e) {
    return { documents, errors: [{ message: `YAML could not be read: ${e instanceof Error ? e.message : String(e)}`, range: lines.rangeOf(0, 0) }] };
  }
  const list = Array.isArray(parsed) ? parsed : [];
  list.forEach((doc, index) => {
    for (const err of doc.errors) errors.push({ message: err.message.split('\n')[0]!, range: lines.rangeOf(err.pos[0], err.pos[1]) });
    documents.push({ index, doc: doc as Yaml.Document.Parsed, range: nodeRange(lines, doc.contents) });
  });
  return { documents, errors };
}

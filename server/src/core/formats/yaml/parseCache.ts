import type { LineIndex } from '../../text';
import { TextCache } from '../../textCache';
import { parseYamlFile, type YamlFile } from './documents';

/**
 * YAML parses shared across a process, by file or document name: the lint, the workspace
 * index, hover and code lenses of one text read it once, and an edited text takes the scans of
 * the documents the edit did not touch from the text before it (`parseYamlFile`'s `previous`).
 * A result is shared: nobody may change it.
 */
const MAX_ENTRIES = 64;
const MAX_CHARS = 64 * 1024 * 1024;

const byName = new TextCache<{ text: string; yaml: YamlFile }>(MAX_ENTRIES, MAX_CHARS);

/** The parse of `text` (the document `name` holds now); `lines` is its line index. */
export function parseYamlCached(text: string, name: string | undefined, lines: LineIndex): YamlFile {
  if (name === undefined) return parseYamlFile(text, lines);
  const prev = byName.get(name);
  if (prev && prev.text === text) {
    byName.set(name, prev);
    return prev.yaml;
  }
  const yaml = parseYamlFile(text, lines, true, prev?.yaml);
  byName.set(name, { text, yaml });
  return yaml;
}

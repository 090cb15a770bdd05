import type { LineIndex } from '../../text';
import { parseYamlFile, type YamlFile } from './documents';

/**
 * YAML parses shared across a process, by file or document name: the lint, the workspace
 * index, hover and code lenses of one text read it once, and an edited text takes the scans of
 * the documents the edit did not touch from the text before it (`parseYamlFile`'s `previous`).
 * (Keyed by name, not by text: V8 hashes long strings by their length only.) A result is
 * shared: nobody may change it.
 */
const MAX_ENTRIES = 64;
const MAX_CHARS = 64 * 1024 * 1024;

const byName = new Map<string, { text: string; yaml: YamlFile }>();
let cachedChars = 0;

function remember(name: string, entry: { text: string; yaml: YamlFile }): void {
  const old = byName.get(name);
  if (old) {
    byName.delete(name);
    cachedChars -= old.text.length;
  }
  byName.set(name, entry);
  cachedChars += entry.text.length;
  while (byName.size > MAX_ENTRIES || (cachedChars > MAX_CHARS && byName.size > 1)) {
    const [oldest, e] = byName.entries().next().value!;
    byName.delete(oldest);
    cachedChars -= e.text.length;
  }
}

/** The parse of `text` (the document `name` holds now); `lines` is its line index. */
export function parseYamlCached(text: string, name: string | undefined, lines: LineIndex): YamlFile {
  if (name === undefined) return parseYamlFile(text, lines);
  const prev = byName.get(name);
  if (prev && prev.text === text) {
    remember(name, prev);
    return prev.yaml;
  }
  const yaml = parseYamlFile(text, lines, true, prev?.yaml);
  remember(name, { text, yaml });
  return yaml;
}

/** Forgets a name (a closed document: its next text is read afresh). */
export function forgetYaml(name: string): void {
  const old = byName.get(name);
  if (!old) return;
  byName.delete(name);
  cachedChars -= old.text.length;
}

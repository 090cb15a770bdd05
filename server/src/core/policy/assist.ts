/**
 * Completion and hover in a `.tls-lens.yaml`, driven by the policy schema (`schema.ts`).
 * Policy files are small block-style YAML: the place of the cursor (which mapping, key or
 * value) is read from the lines above it by indentation, so an unfinished line still gets
 * help. A flow-style or JSON policy file gets none (JSON editors have the schema).
 */
import type { Position, Range } from '../text';
import type { PolicySchema, SchemaNode } from './schema';

export interface PolicyCompletion {
  label: string;
  kind: 'key' | 'value';
  detail?: string;
  documentation?: string;
  /** What replaces `range`; a snippet (`$0` marks the cursor) when `snippet`. */
  insertText: string;
  snippet: boolean;
  range: Range;
}

export interface PolicyHover {
  markdown: string;
  range: Range;
  /** The rule id hovered in `rules`, so the caller can link its page. */
  ruleId?: string;
}

interface Place {
  /** Keys of the mappings around the cursor, outermost first. */
  path: string[];
  mode: 'key' | 'value';
  /** The key whose value the cursor is in (value mode). */
  key?: string;
  /** The word under the cursor (a key being typed, or the value) and its range. */
  word: string;
  range: Range;
  /** Indentation of the keys at the cursor's level. */
  indent: number;
}

const KEY_LINE = /^(\s*)([^\s:#'"][^:#]*?|"[^"]*"|'[^']*')\s*:(?:\s+([^#]*?))?\s*(?:#.*)?$/;
const PARENT_LINE = /^(\s*)([^\s:#'"][^:#]*?|"[^"]*"|'[^']*')\s*:\s*(?:#.*)?$/;

function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function isBlankOrComment(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#') || t === '---';
}

/** The keys of the block mappings enclosing line `n` at indentation `indent`, or undefined inside a sequence or flow node. */
function parents(lines: readonly string[], n: number, indent: number): string[] | undefined {
  const path: string[] = [];
  let limit = indent;
  for (let i = n - 1; i >= 0 && limit > 0; i--) {
    const line = lines[i]!;
    if (isBlankOrComment(line)) continue;
    const ind = indentOf(line);
    if (ind >= limit) continue;
    const m = PARENT_LINE.exec(line);
    if (!m || line.trimStart().startsWith('-')) return undefined;
    path.unshift(unquote(m[2]!.trim()));
    limit = ind;
  }
  return path;
}

function placeAt(text: string, pos: Position): { place: Place; lines: string[] } | undefined {
  if (/^\s*[{[]/.test(text)) return undefined;
  const lines = text.split(/\r?\n/);
  const line = lines[pos.line];
  if (line === undefined) return undefined;
  const before = line.slice(0, pos.character);
  if (/(^|\s)#/.test(before) || /^\s*-(\s|$)/.test(before)) return undefined;
  const key = /^(\s*)([^\s:#'"][^:#]*?|"[^"]*"|'[^']*')\s*:(\s*)(.*)$/.exec(before);
  if (key) {
    const indent = key[1]!.length;
    const path = parents(lines, pos.line, indent);
    if (!path) return undefined;
    const valueStart = before.length - key[4]!.length;
    const rest = line.slice(valueStart);
    const valueText = rest.replace(/\s+#.*$/, '').trimEnd();
    return {
      lines,
      place: { path, mode: 'value', key: unquote(key[2]!.trim()), word: unquote(valueText), indent, range: { start: { line: pos.line, character: valueStart }, end: { line: pos.line, character: valueStart + valueText.length } } },
    };
  }
  const typing = /^(\s*)([^\s:#]*)$/.exec(before);
  if (!typing) return undefined;
  const indent = typing[1]!.length;
  const path = parents(lines, pos.line, indent);
  if (!path) return undefined;
  const after = /^[^\s:#]*/.exec(line.slice(pos.character))![0];
  return {
    lines,
    place: { path, mode: 'key', word: typing[2]! + after, indent, range: { start: { line: pos.line, character: indent }, end: { line: pos.line, character: pos.character + after.length } } },
  };
}

/** The schema node at a path of keys (`rules` → each rule, `pathMappings` → any key). */
function schemaAt(schema: PolicySchema, path: readonly string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = schema;
  for (const k of path) {
    if (!node) return undefined;
    const next: SchemaNode | undefined = node.properties?.[k] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    node = next;
  }
  return node;
}

/** Keys written at the cursor's level of the mapping (to leave them out of the offer). */
function siblings(lines: readonly string[], n: number, indent: number): Set<string> {
  const out = new Set<string>();
  const scan = (from: number, step: number): void => {
    for (let i = from; i >= 0 && i < lines.length; i += step) {
      const line = lines[i]!;
      if (isBlankOrComment(line)) continue;
      const ind = indentOf(line);
      if (ind < indent) return;
      if (ind > indent) continue;
      const m = KEY_LINE.exec(line);
      if (m) out.add(unquote(m[2]!.trim()));
    }
  };
  scan(n - 1, -1);
  scan(n + 1, 1);
  return out;
}

function typeLabel(node: SchemaNode): string | undefined {
  if (node.enum) return node.enum.join(' | ');
  if (node.type === 'array') return 'list';
  if (node.type === 'object') return 'mapping';
  return node.type;
}

/** What to offer at a position of a policy file: keys of the mapping there, or the values a key takes. */
export function policyCompletions(text: string, pos: Position, schema: PolicySchema): PolicyCompletion[] {
  const found = placeAt(text, pos);
  if (!found) return [];
  const { place, lines } = found;
  if (place.mode === 'key') {
    const parent = schemaAt(schema, place.path);
    if (!parent?.properties) return [];
    const taken = siblings(lines, pos.line, place.indent);
    const child = ' '.repeat(2);
    return Object.entries(parent.properties)
      .filter(([k]) => !taken.has(k) || k === place.word)
      .map(([k, node]) => {
        const insertText = node.type === 'object' ? `${k}:\n${child}$0` : node.type === 'array' ? `${k}:\n${child}- $0` : `${k}: $0`;
        const item: PolicyCompletion = { label: k, kind: 'key', insertText, snippet: true, range: place.range };
        const detail = place.path[0] === 'rules' ? node.description : typeLabel(node);
        if (detail) item.detail = detail;
        if (node.description && place.path[0] !== 'rules') item.documentation = node.description;
        return item;
      });
  }
  const node = schemaAt(schema, [...place.path, place.key!]);
  if (!node) return [];
  const values = node.enum ?? (node.type === 'boolean' ? ['true', 'false'] : []);
  return values.map((v, i) => {
    const item: PolicyCompletion = { label: v, kind: 'value', insertText: v, snippet: false, range: place.range };
    const doc = node.enumDescriptions?.[i];
    if (doc) item.documentation = doc;
    if (node.default === v) item.detail = 'default';
    return item;
  });
}

/** The description of the key or value under the cursor. */
export function policyHover(text: string, pos: Position, schema: PolicySchema): PolicyHover | undefined {
  if (/^\s*[{[]/.test(text)) return undefined;
  const lines = text.split(/\r?\n/);
  const line = lines[pos.line];
  if (line === undefined) return undefined;
  const m = KEY_LINE.exec(line);
  if (!m || line.trimStart().startsWith('-')) return undefined;
  const indent = m[1]!.length;
  const keyText = m[2]!;
  const key = unquote(keyText.trim());
  const path = parents(lines, pos.line, indent);
  if (!path) return undefined;
  const node = schemaAt(schema, [...path, key]);
  if (!node) return undefined;
  const keyEnd = indent + keyText.length;
  if (pos.character >= indent && pos.character <= keyEnd) {
    const range = { start: { line: pos.line, character: indent }, end: { line: pos.line, character: keyEnd } };
    const type = typeLabel(node);
    const markdown = `**${key}**${type && path[0] !== 'rules' ? ` (${type})` : ''}\n\n${node.description ?? ''}`.trim();
    return path[0] === 'rules' && path.length === 1 ? { markdown, range, ruleId: key } : { markdown, range };
  }
  const value = m[3] ? unquote(m[3]) : undefined;
  const i = value !== undefined ? (node.enum?.indexOf(value) ?? -1) : -1;
  const doc = i >= 0 ? node.enumDescriptions?.[i] : undefined;
  if (!doc || value === undefined) return undefined;
  const start = line.indexOf(m[3]!, keyEnd);
  if (pos.character < start || pos.character > start + m[3]!.length) return undefined;
  return { markdown: `**${value}**\n\n${doc}`, range: { start: { line: pos.line, character: start }, end: { line: pos.line, character: start + m[3]!.length } } };
}

/**
 * nginx files that are templates (Go `{{ … }}`, Jinja `{{ … }}` / `{% … %}` / `{# … #}`, ERB
 * `<% … %>`): not nginx until rendered. They are read with their tags blanked out, offsets kept:
 * a tag alone on its line (a loop, a condition, an inserted block) becomes spaces; a tag inside
 * a directive (`server_name {{ host }};`) becomes a `$_…` word of the same length, which rules
 * treat like a variable (unknown, never judged).
 */

import type { TextDoc } from '../../document';
import { parseNginxDoc } from './parseCache';

/** Offsets of the raw (Lua) block bodies of an nginx document: template tags there are Lua's. */
export function rawBodies(doc: TextDoc): Array<[number, number]> {
  if (!/lua_block/.test(doc.text)) return [];
  const out: Array<[number, number]> = [];
  const stack = [...parseNginxDoc(doc).directives];
  while (stack.length) {
    const d = stack.pop()!;
    if (!d.block) continue;
    if (d.name.endsWith('_by_lua_block') || d.name === 'lua_block') out.push([doc.lines.offsetAt(d.block.range.start), doc.lines.offsetAt(d.block.range.end)]);
    else stack.push(...d.block.directives);
  }
  return out;
}

const TAGS: ReadonlyArray<{ open: string; close: string; kind: string }> = [
  { open: '{{', close: '}}', kind: 'Go/Jinja' },
  { open: '{%', close: '%}', kind: 'Jinja' },
  { open: '{#', close: '#}', kind: 'Jinja' },
  { open: '<%', close: '%>', kind: 'ERB' },
];

export interface TemplateInfo {
  /** Go/Jinja, Jinja, ERB. */
  kind: string;
  /** Offset of the first tag. */
  first: number;
  /** The text with every tag blanked (same length, same line breaks). */
  blanked: string;
}

/** Whether a text holds anything that opens a template tag (four native searches beat one regular expression). */
function hasTagOpening(text: string): boolean {
  return text.includes('{{') || text.includes('{%') || text.includes('{#') || text.includes('<%');
}

/** The last answer of `templateOf` (the engine and nginx/template-skipped ask about the same text). */
let last: { text: string; info: TemplateInfo | undefined } | undefined;

/**
 * The template tags of a text, or undefined when it has none. `skip` lists offset ranges
 * that are not nginx (the bodies of `*_by_lua_block`, where `{%` and `{{` are Lua templates);
 * given as a function, it is asked only when the text holds something like a tag.
 */
export function templateOf(text: string, skip: ReadonlyArray<readonly [number, number]> | (() => ReadonlyArray<readonly [number, number]>) = []): TemplateInfo | undefined {
  if (!hasTagOpening(text)) return undefined;
  if (typeof skip !== 'function') return findTags(text, skip);
  if (last?.text === text) return last.info;
  const info = findTags(text, skip());
  last = { text, info };
  return info;
}

function findTags(text: string, skip: ReadonlyArray<readonly [number, number]>): TemplateInfo | undefined {
  let out = '';
  let pos = 0;
  let first = -1;
  let kind = '';
  for (;;) {
    let best: { at: number; tag: (typeof TAGS)[number] } | undefined;
    for (const tag of TAGS) {
      const at = text.indexOf(tag.open, pos);
      if (at >= 0 && (!best || at < best.at)) best = { at, tag };
    }
    if (!best) break;
    const inSkip = skip.find(([a, b]) => best.at >= a && best.at < b);
    if (inSkip) {
      out += text.slice(pos, inSkip[1]);
      pos = inSkip[1];
      continue;
    }
    const close = text.indexOf(best.tag.close, best.at + best.tag.open.length);
    if (close < 0) break;
    const end = close + best.tag.close.length;
    const body = text.slice(best.at, end);
    // `${{` and `{{` inside a Lua block are rare; a tag spanning a blank line is not one.
    if (/\n\s*\n/.test(body)) {
      out += text.slice(pos, best.at + 1);
      pos = best.at + 1;
      continue;
    }
    if (first < 0) {
      first = best.at;
      kind = best.tag.kind;
    }
    const lineStart = text.lastIndexOf('\n', best.at - 1) + 1;
    const lineEnd = text.indexOf('\n', end);
    const alone = text.slice(lineStart, best.at).trim() === '' && text.slice(end, lineEnd < 0 ? text.length : lineEnd).trim() === '';
    const control = alone || best.tag.open === '{%' || best.tag.open === '{#' || (best.tag.open === '<%' && body[2] !== '=');
    out += text.slice(pos, best.at);
    out += control ? body.replace(/[^\r\n]/g, ' ') : ('$_' + '_'.repeat(Math.max(0, body.length - 2))).replace(/_/g, (c, i: number) => (/[\r\n]/.test(body[i]!) ? body[i]! : c));
    pos = end;
  }
  if (first < 0) return undefined;
  out += text.slice(pos);
  return { kind, first, blanked: out };
}

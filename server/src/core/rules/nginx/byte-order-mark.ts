import type { Rule } from '../rule';

/**
 * A UTF-8 byte order mark (U+FEFF) at the start of a file: nginx reads it as part of the first
 * directive's name and refuses the configuration (`unknown directive "\ufeffevents"`).
 * Windows editors add it when saving "UTF-8 with BOM".
 */
export const byteOrderMark: Rule = {
  id: 'nginx/byte-order-mark',
  title: 'The file starts with a UTF-8 byte order mark, which nginx refuses',
  defaultSeverity: 'error',
  formats: ['nginx'],
  check(ctx) {
    if (ctx.doc.text.charCodeAt(0) !== 0xfeff) return;
    const first = ctx.nginx().directives[0]?.name ?? 'the first directive';
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
    ctx.report({
      range,
      message: `the file starts with a UTF-8 byte order mark: nginx reads it as part of "${first}" and refuses the configuration (unknown directive); save the file as UTF-8 without BOM`,
      fixes: [{ title: 'Remove the byte order mark', edits: [{ range, newText: '' }], preferred: true }],
    });
  },
};

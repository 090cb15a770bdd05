import { haproxyFormat } from '../../formats/haproxy';
import { atLeast } from '../../formats/haproxy/keywords';
import type { Rule } from '../rule';

/**
 * What HAProxy's configuration reader refuses (parse_line() and parse_cfg()): unmatched
 * quotes and braces, bad `\xNN` escapes and variable names, statements before any section,
 * `.if` blocks that do not close, unknown `.` directives, too many words, a last line
 * without LF (fatal since HAProxy 2.3). `haproxy -c` rejects every file this rule reports.
 */
export const haproxySyntax: Rule = {
  id: 'haproxy/syntax',
  title: 'HAProxy cannot read this line',
  defaultSeverity: 'error',
  formats: ['haproxy'],
  check(ctx) {
    const model = ctx.model(haproxyFormat);
    for (const p of model.config.problems) {
      const fatal = p.fatal && (!p.fatalSince || atLeast(model.version, p.fatalSince));
      const fixes = p.message.startsWith('missing LF')
        ? [{ title: 'Add a line feed at the end of the file', edits: [{ range: { start: p.range.end, end: p.range.end }, newText: '\n' }], preferred: true }]
        : [];
      ctx.report({
        range: p.range,
        message: fatal ? `${p.message}; HAProxy refuses the configuration` : `${p.message} (HAProxy ${model.version} warns; ${p.fatalSince ?? 'later versions'} and later refuse it)`,
        severity: fatal ? 'error' : 'warning',
        fixes,
      });
    }
  },
};

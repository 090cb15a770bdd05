import { rawBodies, templateOf } from '../../formats/nginx/template';
import type { Rule } from '../rule';

/**
 * An nginx file that is a template (Go, Jinja, ERB tags): one note per file instead of a
 * syntax error per tag. Read with its tags blanked; when that still parses, the rules judge
 * it (values written as tags are unknown); when it does not, nothing else is reported.
 */
export const templateSkipped: Rule = {
  id: 'nginx/template-skipped',
  title: 'An nginx template: tags are not judged (or the file is skipped until rendered)',
  defaultSeverity: 'info',
  formats: ['nginx'],
  check(ctx) {
    const tpl = templateOf(ctx.doc.text, () => rawBodies(ctx.doc));
    if (!tpl) return;
    const at = ctx.doc.lines.positionAt(tpl.first);
    const range = { start: at, end: { line: at.line, character: at.character + 2 } };
    const parses = ctx.nginx().problems.every((p) => p.severity === 'warning');
    ctx.report({
      range,
      message: parses
        ? `this file is a ${tpl.kind} template: TLS Lens judges the nginx around its tags; values written as tags are not judged (lint the rendered file for those)`
        : `this file is a ${tpl.kind} template that is not nginx until rendered: it is not checked; lint the rendered file`,
    });
  },
};

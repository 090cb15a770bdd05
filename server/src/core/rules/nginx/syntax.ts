import type { Rule } from '../rule';

/** nginx syntax problems found by the parser: unbalanced braces, missing `;`, unterminated strings. */
export const nginxSyntax: Rule = {
  id: 'nginx/syntax',
  title: 'nginx configuration syntax error',
  defaultSeverity: 'error',
  formats: ['nginx'],
  check(ctx) {
    for (const p of ctx.nginx().problems) ctx.report({ range: p.range, message: p.message, ...(p.severity ? { severity: p.severity } : {}) });
  },
};

import type { Rule } from '../rule';

/**
 * An `include` whose file does not exist (nginx refuses to start: "open() … failed"), an
 * include cycle, or a tree over the size limits. A glob that matches nothing is fine, as
 * in nginx. Reported where the include is written; checked when the caller can read the
 * files (the CLI, the language server).
 */
export const includeNotFound: Rule = {
  id: 'nginx/include-not-found',
  title: 'An include names a file that does not exist, or includes form a cycle',
  defaultSeverity: 'info',
  formats: ['nginx'],
  check(ctx) {
    for (const p of ctx.nginxIncludeProblems()) {
      ctx.report({ range: p.range, severity: p.kind === 'include-cycle' ? 'error' : p.kind === 'include-not-found' ? 'info' : 'warning', message: p.message });
    }
  },
};

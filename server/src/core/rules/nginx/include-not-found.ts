import type { Rule } from '../rule';
import { hiddenByInclude, notJudged } from './include-unknown';

/**
 * An `include` whose file does not exist (nginx refuses to start: "open() … failed"), an
 * include cycle, or a tree over the size limits. A glob that matches nothing is fine, as
 * in nginx. Reported where the include is written; checked when the caller can read the
 * files (the CLI, the language server). Runs after the rules that judge effective values,
 * so the note also names what they could not judge because of it.
 */
export const includeNotFound: Rule = {
  id: 'nginx/include-not-found',
  title: 'An include names a file that does not exist, or includes form a cycle',
  defaultSeverity: 'info',
  formats: ['nginx'],
  check(ctx) {
    const problems = ctx.nginxIncludeProblems();
    if (problems.length === 0) return;
    const hidden = [...hiddenByInclude(ctx)].filter(([inc]) => inc.directive.file === undefined);
    for (const p of problems) {
      const here = hidden.find(([inc]) => p.range.start.line >= inc.directive.range.start.line && p.range.start.line <= inc.directive.range.end.line);
      const extra = here ? `; by its name it likely sets ${notJudged(here[1])}, not judged here` : '';
      ctx.report({ range: p.range, severity: p.kind === 'include-cycle' ? 'error' : p.kind === 'include-not-found' ? 'info' : 'warning', message: p.message + extra });
    }
  },
};

import type { NginxTreeProblem } from '../../formats/nginx/includes';
import { describeInclude, type Hidden, type UnknownInclude } from '../../formats/nginx/unknowns';
import type { Range } from '../../text';
import type { Rule, RuleContext } from '../rule';

/**
 * What the other nginx rules left unjudged because an include the workspace does not hold
 * likely sets it (by its name: `ssl.conf`, `hsts.conf` …), grouped by include, for one note
 * there. Runs after every rule that judges effective values.
 */
export function hiddenByInclude(ctx: RuleContext): Map<UnknownInclude, Hidden[]> {
  const out = new Map<UnknownInclude, Hidden[]>();
  for (const h of ctx.nginxUnknowns().hidden) {
    const list = out.get(h.include);
    if (list) list.push(h);
    else out.set(h.include, [h]);
  }
  return out;
}

/** "ssl_protocols, ssl_ciphers and Strict-Transport-Security". */
export function notJudged(hidden: readonly Hidden[]): string {
  const what = [...new Set(hidden.map((h) => h.what))];
  return what.length > 1 ? `${what.slice(0, -1).join(', ')} and ${what[what.length - 1]}` : (what[0] ?? '');
}

const HOW = 'add the file to the workspace, or map its folder with pathMappings in .tls-lens.yaml';

/** Whether an include problem (not found, unreadable) stands at this include: nginx/include-not-found then says it all. */
function problemAt(problems: readonly NginxTreeProblem[], r: Range): boolean {
  return problems.some((p) => p.range.start.line >= r.start.line && p.range.start.line <= r.end.line);
}

export const includeUnknown: Rule = {
  id: 'nginx/include-unknown',
  title: 'An include the workspace does not hold likely sets what is therefore not judged',
  defaultSeverity: 'info',
  formats: ['nginx'],
  check(ctx) {
    const problems = ctx.nginxIncludeProblems();
    for (const [inc, hidden] of hiddenByInclude(ctx)) {
      const d = inc.directive;
      if (d.file === undefined) {
        if (problemAt(problems, d.range)) continue;
        ctx.report({
          range: d.args[0]?.range ?? d.range,
          message: `${describeInclude(d)} is not in the workspace and, by its name, likely sets ${notJudged(hidden)}: not judged here; ${HOW}`,
        });
      } else {
        ctx.report({
          range: hidden[0]!.at,
          message: `${notJudged(hidden)} not judged: ${describeInclude(d)} is not in the workspace and, by its name, likely sets it; ${HOW}`,
        });
      }
    }
  },
};

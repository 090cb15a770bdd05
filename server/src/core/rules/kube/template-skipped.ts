import type { Rule } from '../rule';

/**
 * A Helm or Go template ({{ … }}) is not YAML until rendered. Documents that still parse are
 * checked; the others are skipped with this one note per file rather than a flood of
 * bogus errors.
 */
export const templateSkipped: Rule = {
  id: 'kube/template-skipped',
  title: 'A templated manifest was skipped: it is not YAML until rendered',
  defaultSeverity: 'info',
  formats: ['kubernetes'],
  check(ctx) {
    for (const n of ctx.kube().kube.notes) if (n.kind === 'template') ctx.report({ range: n.range, message: n.message });
  },
};

import { lateNotes } from '../../formats/kube/resources';
import type { Rule } from '../rule';

/**
 * Bounds on what one file may cost: resources per file and YAML aliases followed (an alias
 * bomb expands exponentially). What lies beyond is not read and this says so. Runs after
 * the other Kubernetes rules, which follow aliases while they read.
 */
export const manifestLimits: Rule = {
  id: 'kube/manifest-limits',
  title: 'A manifest is too large or too alias-heavy to read completely',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  check(ctx) {
    const kube = ctx.kube().kube;
    for (const n of [...kube.notes, ...lateNotes(kube, ctx.doc.lines)]) if (n.kind === 'limit') ctx.report({ range: n.range, message: n.message });
  },
};

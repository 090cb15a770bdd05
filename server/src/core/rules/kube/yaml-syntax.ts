import type { Rule } from '../rule';

/**
 * A document of a manifest that is not valid YAML (and holds no template expression, which
 * `kube/template-skipped` covers): kubectl refuses it. Reported at the first error of each
 * such document; the file's other documents are still checked.
 */
export const yamlSyntax: Rule = {
  id: 'kube/yaml-syntax',
  title: 'A manifest document is not valid YAML',
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  check(ctx) {
    for (const n of ctx.kube().kube.notes) if (n.kind === 'syntax') ctx.report({ range: n.range, message: n.message, ...(n.severity ? { severity: n.severity } : {}) });
  },
};

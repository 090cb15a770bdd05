import { parsePolicyFile } from '../../policy/policyFile';
import { RULE_IDS } from '..';
import type { Rule } from '../rule';

/** Said once per file, on its first problem: what a broken policy file means for the files it governs. */
export const NOT_USED = '(while this file has errors, it is not used: files get the built-in defaults and editor settings)';

/**
 * Problems in a `.tls-lens.yaml` policy file; while it has any, linting uses the defaults.
 * An unknown key, rule id, profile or level close to a known one gets "did you mean" and a
 * quick fix that writes it.
 */
export const policyInvalid: Rule = {
  id: 'policy/invalid',
  title: 'Invalid TLS Lens policy file',
  defaultSeverity: 'error',
  formats: ['policy'],
  check(ctx) {
    const { problems } = parsePolicyFile(ctx.doc.text, RULE_IDS);
    problems.forEach((p, i) => {
      const fixes = p.suggestion !== undefined ? [{ title: `Change to "${p.suggestion}"`, edits: [{ range: p.range, newText: p.suggestion }], preferred: true }] : [];
      ctx.report({ range: p.range, message: i === 0 ? `${p.message} ${NOT_USED}` : p.message, fixes });
    });
  },
};

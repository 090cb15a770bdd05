import { parsePolicyFile } from '../../policy/policyFile';
import { RULE_IDS } from '..';
import type { Rule } from '../rule';

/** Problems in a `.tls-lens.yaml` policy file; while it has any, linting uses the defaults. */
export const policyInvalid: Rule = {
  id: 'policy/invalid',
  title: 'Invalid TLS Lens policy file',
  defaultSeverity: 'error',
  formats: ['policy'],
  check(ctx) {
    const { problems } = parsePolicyFile(ctx.doc.text, RULE_IDS);
    for (const p of problems) {
      ctx.report({ range: p.range, message: `${p.message} (while this file has errors, it is not used: files get the built-in defaults and editor settings)` });
    }
  },
};

import { namedUses } from '../../certs/judge';
import type { MaterialRole } from '../../formats/format';
import { judgeDhFile } from '../../certs/dh';
import type { Rule } from '../rule';

const DH_FILES: ReadonlySet<MaterialRole> = new Set(['dh']);

/**
 * The DH parameters file `ssl_dhparam` names has a prime below 2048 bits (or the profile's
 * `dh_param_size`): DHE key exchange with it is breakable (Logjam, weakdh.org; RFC 9325 §4.1
 * wants at least 2048 bits). Needs the file read from the workspace.
 */
export const weakDhparam: Rule = {
  id: 'nginx/weak-dhparam',
  title: 'Weak DH parameters',
  defaultSeverity: 'error',
  formats: ['nginx'],
  check(ctx) {
    const min = Math.max(2048, ctx.policy.profile.dhParamSize ?? 2048);
    for (const use of namedUses(ctx, DH_FILES)) {
      const j = judgeDhFile(use.ref);
      if (!j) continue;
      if ('problem' in j) {
        const message =
          j.problem === 'no-block'
            ? `${use.ref.written} holds no "DH PARAMETERS" PEM block; nginx fails to load it (make one with "openssl dhparam -out dhparam.pem 2048")`
            : j.problem === 'malformed'
              ? `the DH parameters in ${use.ref.written} are malformed: ${j.detail}`
              : `the DH parameters in ${use.ref.written} do not parse (${j.detail})`;
        ctx.report({ range: use.range, message, severity: 'warning' });
        continue;
      }
      if (j.bits < min) {
        ctx.report({ range: use.range, message: `${use.ref.written} has a ${j.bits}-bit DH prime; at least ${min} bits are needed (Logjam; RFC 9325 §4.1). Use "openssl dhparam -out dhparam.pem ${min}", or the RFC 7919 ffdhe${min} group` });
      }
    }
  },
};

import { referencedUses } from '../../certs/judge';
import { scanPem } from '../../formats/pem/scanner';
import { LineIndex } from '../../text';
import { DerError } from '../../x509/der';
import { dhPrimeBits } from '../../x509/dh';
import type { Rule } from '../rule';

const DH_FILES: ReadonlySet<string> = new Set(['ssl_dhparam']);

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
    for (const use of referencedUses(ctx, DH_FILES)) {
      let der: Uint8Array | undefined = use.ref.bytes;
      if (use.ref.text !== undefined) {
        const text = use.ref.text;
        const block = scanPem(text, new LineIndex(text)).find((b) => b.label === 'DH PARAMETERS' || b.label === 'X9.42 DH PARAMETERS');
        if (!block) {
          ctx.report({ range: use.range, message: `${use.ref.written} holds no "DH PARAMETERS" PEM block; nginx fails to load it (make one with "openssl dhparam -out dhparam.pem 2048")`, severity: 'warning' });
          continue;
        }
        der = block.der;
        if (!der) {
          ctx.report({ range: use.range, message: `the DH parameters in ${use.ref.written} are malformed: ${block.problem?.message ?? 'unreadable'}`, severity: 'warning' });
          continue;
        }
      }
      if (!der) continue;
      let bits: number;
      try {
        bits = dhPrimeBits(der);
      } catch (e) {
        ctx.report({ range: use.range, message: `the DH parameters in ${use.ref.written} do not parse (${e instanceof DerError ? e.message : 'unexpected structure'})`, severity: 'warning' });
        continue;
      }
      if (bits < min) {
        ctx.report({ range: use.range, message: `${use.ref.written} has a ${bits}-bit DH prime; at least ${min} bits are needed (Logjam; RFC 9325 §4.1). Use "openssl dhparam -out dhparam.pem ${min}", or the RFC 7919 ffdhe${min} group` });
      }
    }
  },
};

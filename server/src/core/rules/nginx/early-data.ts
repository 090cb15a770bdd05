import { forEachNamed, indexedNames } from '../../formats/nginx/ast';
import type { Rule } from '../rule';

/** The directives this rule looks up (declared to the shared index when the rule loads). */
const NAMES = indexedNames(['ssl_early_data']);

/**
 * `ssl_early_data on` accepts TLS 1.3 0-RTT data, which an attacker can replay (RFC 8446
 * §8, Appendix E.5); nginx's default is off. Applications must then check the
 * `Early-Data` header ($ssl_early_data) and reject non-idempotent requests (RFC 8470).
 */
export const earlyData: Rule = {
  id: 'nginx/early-data',
  title: 'ssl_early_data on accepts replayable 0-RTT requests',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    forEachNamed(ctx.nginx().directives, NAMES, (d) => {
      if (d.name !== 'ssl_early_data' || d.args[0]?.value.toLowerCase() !== 'on') return;
      const arg = d.args[0];
      ctx.report({
        range: arg.range,
        message: 'ssl_early_data on accepts TLS 1.3 0-RTT data, which can be replayed (RFC 8446 §8): turn it off unless the application rejects replayed requests (RFC 8470)',
        fixes: [{ title: 'Set ssl_early_data off', edits: [{ range: arg.range, newText: 'off' }], preferred: true }],
      });
    });
  },
};

import { forEachNamed, indexedNames } from '../../formats/nginx/ast';
import type { Rule } from '../rule';

/** The directives this rule looks up (declared to the shared index when the rule loads). */
const NAMES = indexedNames(['listen']);

/**
 * The `spdy` parameter of `listen` was removed in nginx 1.9.5, when HTTP/2 replaced SPDY
 * (nginx CHANGES 1.9.5): nginx refuses the configuration (`invalid parameter "spdy"`).
 */
export const listenSpdy: Rule = {
  id: 'nginx/listen-spdy',
  title: '"listen … spdy" is refused by nginx since 1.9.5; use http2',
  defaultSeverity: 'error',
  formats: ['nginx'],
  check(ctx) {
    forEachNamed(ctx.nginx().directives, NAMES, (d) => {
      if (d.name !== 'listen') return;
      const arg = d.args.find((a, i) => i > 0 && a.value === 'spdy');
      if (!arg) return;
      const http2 = d.args.some((a) => a.value === 'http2');
      const prev = d.args[d.args.indexOf(arg) - 1]!;
      ctx.report({
        range: arg.range,
        message: 'nginx refuses the "spdy" parameter of "listen" since 1.9.5 (invalid parameter "spdy"): HTTP/2 replaced SPDY',
        fixes: [
          http2
            ? { title: 'Remove "spdy"', edits: [{ range: { start: prev.range.end, end: arg.range.end }, newText: '' }], preferred: true }
            : { title: 'Replace "spdy" with "http2"', edits: [{ range: arg.range, newText: 'http2' }], preferred: true },
        ],
      });
    });
  },
};

import { forEachNamed, indexedNames } from '../../formats/nginx/ast';
import type { TextEdit } from '../../findings';
import { targetsAtLeast } from '../../policy/nginxVersion';
import type { Rule } from '../rule';

/** The directives this rule looks up (declared to the shared index when the rule loads). */
const NAMES = indexedNames(['listen']);

/**
 * The `http2` parameter of `listen` is deprecated since nginx 1.25.1 in favour of the
 * `http2 on;` directive (ngx_http_v2_module docs, CHANGES 1.25.1).
 */
export const deprecatedListenHttp2: Rule = {
  id: 'nginx/deprecated-listen-http2',
  title: '"listen … http2" is deprecated since nginx 1.25.1; use "http2 on"',
  defaultSeverity: 'info',
  formats: ['nginx'],
  check(ctx) {
    // Older nginx does not know "http2 on": the parameter is the only way there.
    if (!targetsAtLeast(ctx.policy.nginxVersion, '1.25.1')) return;
    forEachNamed(ctx.nginx().directives, NAMES, (d, parent) => {
      if (d.name !== 'listen') return;
      const arg = d.args.find((a) => a.value === 'http2');
      if (!arg) return;
      const server = parent;
      // One "http2 on;" per server: only the first listen with the parameter adds it.
      const firstHttp2Listen = server?.block?.directives.find((x) => x.name === 'listen' && x.args.some((a) => a.value === 'http2'));
      const hasHttp2On = (server?.block?.directives.some((x) => x.name === 'http2') ?? false) || (firstHttp2Listen !== undefined && firstHttp2Listen !== d);
      const prev = d.args[d.args.indexOf(arg) - 1];
      const edits: TextEdit[] = [{ range: { start: prev ? prev.range.end : arg.range.start, end: arg.range.end }, newText: '' }];
      if (!hasHttp2On) {
        const line = ctx.doc.lines.lineText(d.range.end.line);
        const indent = /^[ \t]*/.exec(ctx.doc.lines.lineText(d.range.start.line))?.[0] ?? '';
        edits.push({ range: { start: { line: d.range.end.line, character: line.length }, end: { line: d.range.end.line, character: line.length } }, newText: `\n${indent}http2 on;` });
      }
      // Older nginx does not know "http2 on": without a target version, no fix that could break it.
      const known = ctx.policy.nginxVersion !== undefined;
      ctx.report({
        range: arg.range,
        message: known
          ? 'the "http2" parameter of "listen" is deprecated since nginx 1.25.1: use "http2 on;" in the server block'
          : 'the "http2" parameter of "listen" is deprecated since nginx 1.25.1 ("http2 on;" replaces it there); set nginxVersion in the policy to get a fix',
        fixes: known ? [{ title: hasHttp2On ? 'Remove "http2" from listen' : 'Replace with "http2 on;"', edits, preferred: true }] : [],
      });
    });
  },
};

import { forEachNamed, indexedNames, type NginxDirective } from '../../formats/nginx/ast';
import type { Fix, TextEdit } from '../../findings';
import { targetsAtLeast } from '../../policy/nginxVersion';
import type { Rule } from '../rule';

/** The directives this rule looks up (declared to the shared index when the rule loads). */
const NAMES = indexedNames(['ssl']);

/**
 * `ssl on;` is obsolete since nginx 1.15.0 and was removed in 1.25.1 (nginx then refuses
 * to start): the `ssl` parameter of `listen` replaces it (ngx_http_ssl_module docs, CHANGES).
 */
export const obsoleteSslOn: Rule = {
  id: 'nginx/obsolete-ssl-on',
  title: '"ssl on" is obsolete (removed in nginx 1.25.1); use "listen … ssl"',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    // Before 1.15.0 "ssl on" was the documented way; the listen parameter exists since 0.7.14.
    if (!targetsAtLeast(ctx.policy.nginxVersion, '1.15.0')) return;
    forEachNamed(ctx.nginx().directives, NAMES, (d, parent) => {
      if (d.name !== 'ssl' || d.args.length !== 1) return;
      const value = d.args[0]!.value.toLowerCase();
      const siblings = parent?.block?.directives ?? [];
      const edits: TextEdit[] = [{ range: lineRangeOf(d, ctx.doc.lines.lineText(d.range.start.line)), newText: '' }];
      if (value === 'on') {
        for (const l of siblings) if (l.name === 'listen' && l.args.length > 0 && !l.args.some((a) => a.value === 'ssl')) edits.push(addSsl(l));
      }
      const fix: Fix = {
        title: value === 'on' ? 'Remove "ssl on" and add "ssl" to this server\'s listen directives' : 'Remove "ssl off"',
        edits,
        preferred: true,
      };
      // "ssl on" outside a server, or in one without listen lines, has nowhere to go: a
      // removal would silently turn servers into plain HTTP.
      const canMove = value !== 'on' || (parent?.name === 'server' && siblings.some((l) => l.name === 'listen' && l.args.length > 0));
      ctx.report({
        range: d.range,
        message:
          value === 'on'
            ? '"ssl on" is obsolete since nginx 1.15.0 and removed in 1.25.1: use the "ssl" parameter of "listen"'
            : '"ssl off" is obsolete since nginx 1.15.0 and removed in 1.25.1: remove it',
        fixes: canMove ? [fix] : [],
      });
    });
  },
};

/** The directive's whole line when it stands alone on it (so no blank line is left), else just the directive. */
function lineRangeOf(d: NginxDirective, lineText: string): { start: { line: number; character: number }; end: { line: number; character: number } } {
  const alone = d.range.start.line === d.range.end.line && lineText.slice(0, d.range.start.character).trim() === '' && lineText.slice(d.range.end.character).trim() === '';
  return alone ? { start: { line: d.range.start.line, character: 0 }, end: { line: d.range.start.line + 1, character: 0 } } : d.range;
}

function addSsl(listen: NginxDirective): TextEdit {
  // After the address (the first argument): "listen 443 ssl default_server;".
  const at = listen.args[0]!.range.end;
  return { range: { start: at, end: at }, newText: ' ssl' };
}

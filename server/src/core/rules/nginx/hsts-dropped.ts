import { droppedHeader, findHeader, walkLocations } from '../../formats/nginx/effective';
import { insertAtBlockStart } from '../../formats/nginx/edits';
import { kindsSet } from '../../formats/nginx/unknowns';
import type { Rule } from '../rule';

/**
 * nginx inherits `add_header` from the enclosing level only when a level defines none of
 * its own (ngx_http_headers_module docs): a location that adds any header silently drops
 * the server's Strict-Transport-Security.
 */
export const hstsDropped: Rule = {
  id: 'nginx/hsts-dropped',
  title: 'A location\'s add_header drops the inherited Strict-Transport-Security header',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    const unknowns = ctx.nginxUnknowns();
    for (const server of ctx.nginxEffective().servers) {
      if (server.module !== 'http' || !server.tls) continue;
      walkLocations(server, (loc) => {
        const [lost] = droppedHeader(loc.headers, 'strict-transport-security');
        if (!lost || findHeader(loc.headers, 'strict-transport-security').length > 0) return;
        // An unread include in this location that likely adds headers may add it back.
        const inc = unknowns.in(loc.directive).find((i) => kindsSet(i.kinds, 'add_header'));
        if (inc) {
          unknowns.hide(inc, 'the Strict-Transport-Security header this location drops', loc.directive.nameRange);
          return;
        }
        // Copy the line as written when it is in this file, else rebuild it.
        const local = lost.directive.file === undefined && lost.directive.range.start.line === lost.directive.range.end.line;
        const line = ctx.doc.lines.lineText(lost.directive.range.start.line).slice(lost.directive.range.start.character, lost.directive.range.end.character);
        const copy = local ? line : `add_header Strict-Transport-Security "${lost.value}"${lost.always ? ' always' : ''};`;
        ctx.report({
          range: loc.directive.nameRange,
          message: `this ${loc.kind}'s own add_header replaces the inherited ones, so its responses lack Strict-Transport-Security (set at ${lost.level}${lost.directive.file ? ` in ${lost.directive.file}` : ''}, line ${lost.directive.range.start.line + 1})`,
          related: [{ file: lost.directive.file ?? ctx.doc.file, range: lost.directive.range, message: 'the header that is dropped' }],
          fixes: [{ title: 'Repeat the Strict-Transport-Security header here', edits: [insertAtBlockStart(loc.directive, [copy], ctx.doc.lines)], preferred: true }],
        });
      });
    }
  },
};

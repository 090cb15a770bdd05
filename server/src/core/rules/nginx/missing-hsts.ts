import type { NginxDirective } from '../../formats/nginx/ast';
import { findHeader, walkLocations } from '../../formats/nginx/effective';
import { insertAtBlockStart, insertInServer, mayBeSetByInclude } from '../../formats/nginx/edits';
import type { Rule } from '../rule';

/**
 * A TLS server without Strict-Transport-Security (RFC 6797), or with a max-age below the
 * policy's minimum, or without `always` (nginx then adds it only to 200, 201, 204, 206,
 * 301, 302, 303, 304, 307 and 308 responses: ngx_http_headers_module docs).
 * A server with `ssl_reject_handshake on` serves nothing and needs no HSTS.
 */
export const missingHsts: Rule = {
  id: 'nginx/missing-hsts',
  title: 'A TLS server sends no (or a weak) Strict-Transport-Security header',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    const min = ctx.policy.thresholds.hstsMinAgeSeconds;
    const header = `add_header Strict-Transport-Security "max-age=${min}" always;`;
    const cfg = ctx.nginxEffective();
    const http = cfg.blocks.find((b) => b.module === 'http');
    // A header set once in http applies to every server: judge it once.
    const judged = new Set<unknown>();
    for (const server of cfg.servers) {
      if (server.module !== 'http' || !server.tls) continue;
      if (server.settings.flag('ssl_reject_handshake') === true) continue;
      const sts = findHeader(server.headers, 'strict-transport-security');
      if (sts.length === 0) {
        // An include may add the header: this file alone cannot tell.
        if (mayBeSetByInclude(cfg, server)) continue;
        // A server that only rejects or redirects ("return 444"), headers set by the
        // headers-more module, or HSTS set where the site is served (location /) are fine.
        const own = server.directive.block?.directives ?? [];
        if (own.some((d) => d.name === 'return')) continue;
        if (mentionsSts(server.directive)) continue;
        let inLocation = false;
        walkLocations(server, (loc) => {
          if (findHeader(loc.headers, 'strict-transport-security').length) inLocation = true;
        });
        if (inLocation) continue;
        // Adding a header to a server that inherits others from http would drop those
        // (nginx does not merge add_header levels): then the header goes to http.
        const inheritsOthers = server.headers.own.length === 0 && server.headers.entries.length > 0 && http !== undefined;
        const lastListen = [...server.listens].reverse().find((l) => !l.implicit)?.directive;
        const edit = inheritsOthers ? insertAtBlockStart(http.directive, [header], ctx.doc.lines) : insertInServer(server.directive, lastListen, [header], ctx.doc.lines);
        ctx.report({
          range: server.directive.nameRange,
          message: `this TLS server sends no Strict-Transport-Security header, so browsers may still try plain HTTP (RFC 6797); the ${ctx.policy.profile.name} profile asks for max-age ≥ ${min}`,
          fixes: [{ title: 'Add the Strict-Transport-Security header', edits: [edit], preferred: true }],
        });
        continue;
      }
      for (const h of sts) {
        // A header from the including configuration is judged in its own file.
        if (judged.has(h.directive) || h.directive.file !== undefined) continue;
        judged.add(h.directive);
        const valueArg = h.directive.args[1];
        // A value from a variable (a map) cannot be judged here.
        if (!valueArg || valueArg.value.includes('$')) continue;
        const m = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?/i.exec(h.value);
        const age = m ? Number(m[1]) : undefined;
        const rewrite = (value: string) => ({ range: valueArg.range, newText: `"${value}"` });
        if (age === undefined) {
          ctx.report({ range: valueArg.range, message: 'Strict-Transport-Security has no max-age, so browsers ignore it (RFC 6797 §6.1.1)', fixes: [{ title: `Set max-age=${min}`, edits: [rewrite(`max-age=${min}`)], preferred: true }] });
        } else if (age < min) {
          const rest = h.value.replace(/(?:^|;)\s*max-age\s*=\s*"?\d+"?\s*;?/i, '').trim();
          ctx.report({
            range: valueArg.range,
            message: `Strict-Transport-Security max-age=${age} is below the policy's minimum of ${min} seconds`,
            fixes: [{ title: `Raise max-age to ${min}`, edits: [rewrite(`max-age=${min}${rest ? '; ' + rest : ''}`)], preferred: true }],
          });
        }
        if (!h.always) {
          const last = h.directive.args[h.directive.args.length - 1]!;
          ctx.report({
            range: h.directive.nameRange,
            severity: 'info',
            message: 'without "always", nginx sends Strict-Transport-Security only with 2xx and 3xx responses',
            fixes: [{ title: 'Add "always"', edits: [{ range: { start: last.range.end, end: last.range.end }, newText: ' always' }], preferred: true }],
          });
        }
      }
    }
  },
};

/** more_set_headers (headers-more module) setting Strict-Transport-Security anywhere in a block. */
function mentionsSts(d: NginxDirective): boolean {
  return (d.block?.directives ?? []).some((c) => (c.name === 'more_set_headers' && c.args.some((a) => /^strict-transport-security\s*:/i.test(a.value))) || mentionsSts(c));
}

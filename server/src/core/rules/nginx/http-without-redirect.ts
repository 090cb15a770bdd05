import type { NginxDirective } from '../../formats/nginx/ast';
import type { EffectiveServer } from '../../formats/nginx/effective';
import { insertAfter } from '../../formats/nginx/edits';
import { kindsSet, serverChain } from '../../formats/nginx/unknowns';
import type { Rule } from '../rule';

const REDIRECT_CODES = new Set(['301', '302', '303', '307', '308']);

/** `return 30x https://…` or `rewrite … https://… permanent|redirect` directly in a block. */
function redirectsToHttps(directives: readonly NginxDirective[]): boolean {
  return directives.some(
    (d) =>
      (d.name === 'return' && REDIRECT_CODES.has(d.args[0]?.value ?? '') && /^https:\/\//i.test(d.args[1]?.value ?? '')) ||
      (d.name === 'return' && /^https:\/\//i.test(d.args[0]?.value ?? '')) ||
      (d.name === 'rewrite' && /^https:\/\//i.test(d.args[1]?.value ?? '')),
  );
}

function serves(server: EffectiveServer): boolean {
  const own = server.directive.block?.directives ?? [];
  if (redirectsToHttps(own)) return false;
  // Certbot's pattern: if ($host = name) { return 301 https://…; } … return 404;
  if (own.some((d) => d.name === 'if' && d.block && redirectsToHttps(d.block.directives))) return false;
  // A server that answers every request with an error (return 404, 444) serves nothing.
  if (own.some((d) => d.name === 'return' && /^[45]\d\d$/.test(d.args[0]?.value ?? ''))) return false;
  const root = own.find((d) => d.name === 'location' && d.args.length === 1 && d.args[0]!.value === '/');
  return !(root?.block && redirectsToHttps(root.block.directives));
}

/**
 * A plain-HTTP server for a name that a TLS server in the same file also serves, which
 * answers instead of redirecting to HTTPS: visitors who type the name or follow an
 * http:// link stay on plain HTTP (until HSTS, if any, takes over). Mozilla's generator
 * redirects every HTTP request.
 */
export const httpWithoutRedirect: Rule = {
  id: 'nginx/http-without-redirect',
  title: 'An HTTP server serves a name that is also served over HTTPS, without redirecting',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    if (!ctx.policy.require.httpsRedirect) return;
    const cfg = ctx.nginxEffective();
    const unknowns = ctx.nginxUnknowns();
    const servers = cfg.servers.filter((s) => s.module === 'http');
    const tlsNames = new Set(servers.filter((s) => s.tls).flatMap((s) => s.serverNames.map((n) => n.name.toLowerCase())));
    for (const server of servers) {
      if (server.tls || server.listens.some((l) => l.ssl)) continue;
      const shared = server.serverNames.filter((n) => tlsNames.has(n.name.toLowerCase()) && n.name !== '_' && n.name !== '');
      if (shared.length === 0 || !serves(server)) continue;
      // An unread include that likely redirects (by its name), here or in "location /".
      const root = server.locations.find((l) => l.kind === 'location' && l.modifier === '' && l.match === '/');
      const rootInclude = root ? unknowns.in(root.directive).find((i) => kindsSet(i.kinds, 'return')) : undefined;
      if (rootInclude) {
        unknowns.hide(rootInclude, 'the redirect to HTTPS', shared[0]!.arg.range);
        continue;
      }
      const assumptions = unknowns.judge(serverChain(cfg, server), ['return'], 'http', 'the redirect to HTTPS', shared[0]!.arg.range);
      if (!assumptions) continue;
      const anchor = shared[0]!.directive;
      ctx.report({
        assumptions,
        range: shared[0]!.arg.range,
        message: `${shared.map((n) => n.name).join(', ')} ${shared.length > 1 ? 'are' : 'is'} also served over HTTPS, but this plain-HTTP server answers instead of redirecting`,
        fixes: [{ title: 'Redirect to HTTPS', edits: [insertAfter(anchor, ['return 308 https://$host$request_uri;'], ctx.doc.lines)], preferred: true }],
      });
    }
  },
};

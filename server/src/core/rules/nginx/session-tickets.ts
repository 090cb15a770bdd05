import { insertInServer } from '../../formats/nginx/edits';
import { serverChain } from '../../formats/nginx/unknowns';
import { compareVersions } from '../../policy/nginxVersion';
import type { Rule } from '../rule';

/**
 * Session tickets are encrypted with a ticket key; whoever gets the key decrypts every
 * session resumed with it, which undoes forward secrecy. nginx before 1.23.2 generated the
 * key once at start and never rotated it, so Mozilla's generator writes
 * `ssl_session_tickets off` for nginx 1.5.9 up to 1.23.1. From 1.23.2 nginx rotates the
 * keys, but only when the session cache is in shared memory (`ssl_session_cache shared:…`,
 * nginx CHANGES 1.23.2). Keys given with `ssl_session_ticket_key` are rotated by whoever
 * provides them, so such servers are not reported. Judged only when the policy names
 * `nginxVersion`.
 */
export const sessionTickets: Rule = {
  id: 'nginx/session-tickets',
  title: 'Session tickets whose key nginx never rotates',
  defaultSeverity: 'info',
  formats: ['nginx'],
  check(ctx) {
    const v = ctx.policy.nginxVersion;
    if (!v || compareVersions(v, '1.5.9') < 0) return;
    const rotates = compareVersions(v, '1.23.2') >= 0;
    const cfg = ctx.nginxEffective();
    const reported = new Set<unknown>();
    for (const server of cfg.servers) {
      if (server.module !== 'http' || !server.tls || server.settings.flag('ssl_reject_handshake') === true) continue;
      const tickets = server.settings.get('ssl_session_tickets');
      if (!tickets || tickets.args[0]?.toLowerCase() !== 'on') continue;
      if (server.settings.get('ssl_session_ticket_key')) continue;
      const cache = server.settings.get('ssl_session_cache');
      const shared = cache?.args.some((a) => a.startsWith('shared:')) ?? false;
      if (rotates && shared) continue;
      const own = tickets.directives[0];
      // Set in the including configuration: reported there, when that file is linted.
      if (own?.file !== undefined) continue;
      // Values that come from nginx's defaults may be set by an unread include.
      const names = ['ssl_session_ticket_key', ...(tickets.origin === 'default' ? ['ssl_session_tickets'] : []), ...(rotates && (!cache || cache.origin === 'default') ? ['ssl_session_cache'] : [])];
      const listen = [...server.listens].reverse().find((l) => l.ssl && !l.implicit)?.directive;
      const at = own?.range ?? listen?.range ?? server.directive.nameRange;
      const assumptions = ctx.nginxUnknowns().judge(serverChain(cfg, server), names, server.module, 'ssl_session_tickets', at);
      if (!assumptions) continue;
      const why = rotates
        ? `nginx ${v} rotates the session ticket key only with a shared session cache, and this server has none`
        : `nginx ${v} never rotates the session ticket key (1.23.2 does, with a shared session cache)`;
      if (own) {
        if (reported.has(own)) continue;
        reported.add(own);
        ctx.report({
          assumptions,
          range: own.range,
          message: `${why}: turn session tickets off${rotates ? ' or use "ssl_session_cache shared:SSL:10m"' : ''}`,
          fixes: [{ title: 'Set ssl_session_tickets off', edits: [{ range: own.args[0]!.range, newText: 'off' }], preferred: true }],
        });
        continue;
      }
      ctx.report({
        assumptions,
        range: listen ? listen.range : server.directive.nameRange,
        message: `session tickets are on by default, and ${why}: add "ssl_session_tickets off;"`,
        fixes: [{ title: 'Add ssl_session_tickets off', edits: [insertInServer(server.directive, listen, ['ssl_session_tickets off;'], ctx.doc.lines)], preferred: true }],
      });
    }
  },
};

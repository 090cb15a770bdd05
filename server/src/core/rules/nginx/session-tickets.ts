import { hasInclude, insertAfter } from '../../formats/nginx/edits';
import { compareVersions } from '../../policy/nginxVersion';
import type { Rule } from '../rule';

/**
 * Before nginx 1.23.2 the session ticket key was generated once at start and never
 * rotated, so one key protected every resumed session for the server's whole lifetime
 * and stealing it decrypted them all: Mozilla's configuration generator therefore emits
 * `ssl_session_tickets off` for nginx 1.5.9 up to 1.23.1. From 1.23.2 nginx rotates the
 * keys itself (nginx CHANGES 1.23.2). Judged only when the policy names `nginxVersion`.
 */
export const sessionTickets: Rule = {
  id: 'nginx/session-tickets',
  title: 'Session tickets without key rotation (nginx before 1.23.2)',
  defaultSeverity: 'info',
  formats: ['nginx'],
  check(ctx) {
    const v = ctx.policy.nginxVersion;
    if (!v || compareVersions(v, '1.5.9') < 0 || compareVersions(v, '1.23.2') >= 0) return;
    const cfg = ctx.nginxEffective();
    for (const server of cfg.servers) {
      if (server.module !== 'http' || !server.tls || server.settings.flag('ssl_reject_handshake') === true) continue;
      const tickets = server.settings.get('ssl_session_tickets');
      if (!tickets || tickets.args[0]?.toLowerCase() !== 'on') continue;
      if (tickets.origin === 'default' && (hasInclude(server.directive) || hasInclude(cfg.blocks.find((b) => b.module === 'http')?.directive))) continue;
      const own = tickets.directives[0];
      if (own) {
        if (tickets.origin === 'inherited') continue; // reported once, where it is set (below via its own server if any)
        ctx.report({
          range: own.range,
          message: `nginx ${v} never rotates the session ticket key: turn session tickets off (nginx 1.23.2 rotates it)`,
          fixes: [{ title: 'Set ssl_session_tickets off', edits: [{ range: own.args[0]!.range, newText: 'off' }], preferred: true }],
        });
        continue;
      }
      const listen = server.listens.find((l) => l.ssl && !l.implicit)?.directive ?? server.directive;
      ctx.report({
        range: listen.range,
        message: `session tickets are on by default, and nginx ${v} never rotates their key: add "ssl_session_tickets off;" (nginx 1.23.2 rotates it)`,
        fixes: [{ title: 'Add ssl_session_tickets off', edits: [insertAfter(listen, ['ssl_session_tickets off;'], ctx.doc.lines)], preferred: true }],
      });
    }
    // Explicit "on" at http level, inherited by the servers above: report it there once.
    for (const block of cfg.blocks) {
      const t = block.settings.get('ssl_session_tickets');
      const d = t?.origin === 'own' ? t.directives[0] : undefined;
      if (!d || t?.args[0]?.toLowerCase() !== 'on') continue;
      ctx.report({
        range: d.range,
        message: `nginx ${v} never rotates the session ticket key: turn session tickets off (nginx 1.23.2 rotates it)`,
        fixes: [{ title: 'Set ssl_session_tickets off', edits: [{ range: d.args[0]!.range, newText: 'off' }], preferred: true }],
      });
    }
  },
};

import { insertInServer, mayBeSetByInclude } from '../../formats/nginx/edits';
import { sslProtocolsDefault } from '../../formats/nginx/directives';
import type { Rule } from '../rule';

const WEAK = new Set(['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1']);

/**
 * A TLS server that sets no `ssl_protocols` (nor inherits one) gets nginx's default, which
 * enabled TLSv1 and TLSv1.1 in every version before 1.27.3 (ngx_http_ssl_module docs).
 * With the policy's `nginxVersion` the rule knows; without it, it says it depends.
 */
export const defaultProtocols: Rule = {
  id: 'nginx/default-protocols',
  title: 'A TLS server relies on nginx\'s default ssl_protocols, which is weak before nginx 1.27.3',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    const version = ctx.policy.nginxVersion;
    const wanted = ctx.policy.profile.protocols.join(' ');
    const cfg = ctx.nginxEffective();
    for (const server of cfg.servers) {
      if (!server.tls || server.settings.flag('ssl_reject_handshake') === true) continue;
      const value = server.settings.get('ssl_protocols');
      if (value && value.origin !== 'default') continue;
      if (mayBeSetByInclude(cfg, server)) continue;
      const listen = server.listens.find((l) => l.ssl || l.quic);
      const explicitListen = listen && !listen.implicit ? listen.directive : undefined;
      const anchor = explicitListen ?? server.directive;
      const fix = { title: `Set ssl_protocols ${wanted}`, edits: [insertInServer(server.directive, explicitListen, [`ssl_protocols ${wanted};`], ctx.doc.lines)], preferred: true };
      if (version) {
        const dflt = sslProtocolsDefault(version);
        const weak = dflt.split(' ').filter((p) => WEAK.has(p) && !ctx.policy.profile.protocols.includes(p as never));
        if (weak.length === 0) continue;
        ctx.report({ range: explicitListen ? anchor.range : anchor.nameRange, message: `no ssl_protocols here or above: nginx ${version} then enables ${dflt}, including ${weak.join(' and ')}`, fixes: [fix] });
      } else {
        ctx.report({
          range: explicitListen ? anchor.range : anchor.nameRange,
          severity: 'info',
          message: 'no ssl_protocols here or above: nginx before 1.27.3 then enables TLSv1 and TLSv1.1; set ssl_protocols, or nginxVersion in the policy',
          fixes: [fix],
        });
      }
    }
  },
};

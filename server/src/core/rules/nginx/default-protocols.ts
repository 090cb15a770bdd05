import { insertInServer } from '../../formats/nginx/edits';
import { sslProtocolsDefault } from '../../formats/nginx/directives';
import { STOCK_BASES } from '../../formats/nginx/stock';
import { serverChain } from '../../formats/nginx/unknowns';
import type { Rule } from '../rule';

const WEAK = new Set(['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1']);

/**
 * A TLS server that sets no `ssl_protocols` (nor inherits one) gets nginx's default, which
 * enabled TLSv1 and TLSv1.1 in every version before 1.27.3 (ngx_http_ssl_module docs).
 * With the policy's `nginxVersion` the rule knows; without it, it says it depends. A site
 * file judged as included by a platform's stock nginx.conf (`nginx.base`) inherits what that
 * file sets: Debian's sets TLSv1 and TLSv1.1 too.
 */
export const defaultProtocols: Rule = {
  id: 'nginx/default-protocols',
  title: 'A TLS server relies on nginx\'s default ssl_protocols (or a stock nginx.conf\'s), which is weak before nginx 1.27.3',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    const version = ctx.policy.nginxVersion;
    const wanted = ctx.policy.profile.protocols.join(' ');
    const cfg = ctx.nginxEffective();
    const unknowns = ctx.nginxUnknowns();
    for (const server of cfg.servers) {
      if (!server.tls || server.settings.flag('ssl_reject_handshake') === true) continue;
      const value = server.settings.get('ssl_protocols');
      const stock = value?.directives[0]?.virtualBase;
      if (value && value.origin !== 'default' && !stock) continue;
      const listen = server.listens.find((l) => l.ssl || l.quic);
      const explicitListen = listen && !listen.implicit ? listen.directive : undefined;
      const anchor = explicitListen ?? server.directive;
      const range = explicitListen ? anchor.range : anchor.nameRange;
      const assumptions = unknowns.judge(serverChain(cfg, server), ['ssl_protocols'], server.module, 'ssl_protocols', range);
      if (!assumptions) continue;
      const fix = { title: `Set ssl_protocols ${wanted}`, edits: [insertInServer(server.directive, explicitListen, [`ssl_protocols ${wanted};`], ctx.doc.lines)], preferred: true };
      if (stock && stock !== 'none' && value) {
        const weak = value.args.filter((p) => WEAK.has(p) && !ctx.policy.profile.protocols.includes(p as never));
        if (weak.length === 0) continue;
        ctx.report({
          range,
          message: `no ssl_protocols here: ${STOCK_BASES[stock].label} sets "ssl_protocols ${value.args.join(' ')}" in http, so this server enables ${weak.join(' and ')}`,
          fixes: [fix],
          assumptions,
        });
      } else if (version) {
        const dflt = sslProtocolsDefault(version);
        const weak = dflt.split(' ').filter((p) => WEAK.has(p) && !ctx.policy.profile.protocols.includes(p as never));
        if (weak.length === 0) continue;
        ctx.report({ range, message: `no ssl_protocols here or above: nginx ${version} then enables ${dflt}, including ${weak.join(' and ')}`, fixes: [fix], assumptions });
      } else {
        ctx.report({
          range,
          severity: 'info',
          message: 'no ssl_protocols here or above: nginx before 1.27.3 then enables TLSv1 and TLSv1.1; set ssl_protocols, or nginxVersion in the policy',
          fixes: [fix],
          assumptions,
        });
      }
    }
  },
};

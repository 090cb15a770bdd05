import { serverChain } from '../../formats/nginx/unknowns';
import type { Rule } from '../rule';

/**
 * A `listen … ssl` server (http, stream or mail) with no `ssl_certificate` of its own or
 * inherited: nginx refuses such a configuration ("no ssl_certificate is defined"), unless
 * `ssl_reject_handshake on` (1.19.4), which needs none (ngx_http_ssl_module docs).
 */
export const missingCertificate: Rule = {
  id: 'nginx/missing-certificate',
  title: 'A TLS listener has no ssl_certificate',
  defaultSeverity: 'error',
  formats: ['nginx'],
  check(ctx) {
    const cfg = ctx.nginxEffective();
    for (const server of cfg.servers) {
      const sslListen = server.listens.find((l) => l.ssl);
      if (!sslListen) continue;
      if (server.settings.flag('ssl_reject_handshake') === true) continue;
      if (server.settings.get('ssl_certificate') && server.settings.get('ssl_certificate_key')) continue;
      const missing = server.settings.get('ssl_certificate') ? 'ssl_certificate_key' : 'ssl_certificate';
      // An unread include in the server or its module block may provide them.
      const assumptions = ctx.nginxUnknowns().judge(serverChain(cfg, server), ['ssl_certificate', 'ssl_certificate_key'], server.module, missing, sslListen.directive.range);
      if (!assumptions) continue;
      ctx.report({
        assumptions,
        range: sslListen.directive.range,
        message: `this server listens with ssl but has no ${missing} (its own or inherited): nginx refuses the configuration; for a server that should refuse TLS, use "ssl_reject_handshake on"`,
      });
    }
  },
};

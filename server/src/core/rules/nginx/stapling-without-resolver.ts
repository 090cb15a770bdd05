import { serverChain } from '../../formats/nginx/unknowns';
import type { Rule } from '../rule';

/**
 * `ssl_stapling on` needs a `resolver` to find the OCSP responder (unless
 * `ssl_stapling_responder` gives an address), or nginx logs "no resolver defined to
 * resolve …" and staples nothing (ngx_http_ssl_module docs). `ssl_stapling_verify on` also
 * needs the issuer in `ssl_trusted_certificate` (or the certificate chain).
 */
export const staplingWithoutResolver: Rule = {
  id: 'nginx/stapling-without-resolver',
  title: 'ssl_stapling on without a resolver',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    const cfg = ctx.nginxEffective();
    const reported = new Set<unknown>();
    for (const server of cfg.servers) {
      if (server.module !== 'http' || !server.tls) continue;
      const stapling = server.settings.get('ssl_stapling');
      const d = stapling?.directives[0];
      if (!d || stapling?.args[0]?.toLowerCase() !== 'on' || reported.has(d) || d.file !== undefined) continue;
      if (server.settings.get('resolver') || server.settings.get('ssl_stapling_responder')) continue;
      const assumptions = ctx.nginxUnknowns().judge(serverChain(cfg, server), ['resolver', 'ssl_stapling_responder'], server.module, 'resolver', d.range);
      if (!assumptions) continue;
      reported.add(d);
      ctx.report({
        assumptions,
        range: d.range,
        message: 'ssl_stapling is on but no resolver is set (here or above): nginx cannot reach the OCSP responder and staples nothing; add e.g. "resolver 127.0.0.53;"',
      });
    }
  },
};

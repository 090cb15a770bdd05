import { forEachNamed, indexedNames } from '../../formats/nginx/ast';
import type { Rule } from '../rule';

/** The directives this rule looks up (declared to the shared index when the rule loads). */
const NAMES = indexedNames(['ssl_verify_client']);

/**
 * `ssl_verify_client optional_no_ca` asks for a client certificate but does not verify it
 * against a CA (ngx_http_ssl_module docs): any self-made certificate passes the handshake,
 * and only the application, reading $ssl_client_verify, can tell. Use `on` (or `optional`)
 * with `ssl_client_certificate`/`ssl_trusted_certificate`.
 */
export const verifyClientNoCa: Rule = {
  id: 'nginx/verify-client-no-ca',
  title: 'ssl_verify_client optional_no_ca does not verify client certificates',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    forEachNamed(ctx.nginx().directives, NAMES, (d) => {
      if (d.name !== 'ssl_verify_client') return;
      const arg = d.args[0];
      if (!arg || arg.value.toLowerCase() !== 'optional_no_ca') return;
      ctx.report({
        range: arg.range,
        message: 'ssl_verify_client optional_no_ca requests a client certificate but verifies it against no CA: any certificate is accepted; use "on" or "optional" with ssl_client_certificate',
      });
    });
  },
};

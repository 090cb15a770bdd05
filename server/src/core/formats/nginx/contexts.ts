import type { LevelKind, NginxModule } from './effective';

/**
 * Where nginx allows the directives the TLS rules judge: the "Context:" line of each
 * directive in nginx's documentation (nginx.org/en/docs/http/ngx_http_ssl_module.html,
 * ngx_http_proxy_module, ngx_http_grpc_module, ngx_http_uwsgi_module,
 * ngx_http_headers_module, ngx_http_core_module#resolver, ngx_http_rewrite_module#return,
 * the stream and mail ssl modules), and of the third-party headers-more
 * (`more_set_headers`: http, server, location, location if) and ngx_security_headers
 * (`security_headers`: http, server, location). `test/unit/nginx-unknown-includes.test.ts`
 * holds the nginx ones to `nginx -t`.
 *
 * An `include` can set a directive only where nginx allows that directive, so an unread
 * include in a location never sets `ssl_protocols`.
 */
export function allowedIn(name: string, level: LevelKind, module: NginxModule): boolean {
  if (level === 'main' || level === 'limit_except') return false;
  if (module !== 'http') {
    // stream/mail: ssl_*, proxy_ssl_* (stream), resolver, starttls (mail) — in the module block and its servers.
    return level === module || level === 'server';
  }
  if (level === 'stream' || level === 'mail') return false;
  if (/^(proxy|grpc|uwsgi)_ssl(_|$)/.test(name)) return level === 'http' || level === 'server' || level === 'location';
  if (name === 'resolver' || name === 'resolver_timeout' || name === 'security_headers') return level === 'http' || level === 'server' || level === 'location';
  if (name === 'add_header' || name === 'add_header_inherit' || name === 'more_set_headers') return true;
  if (name === 'return') return level === 'server' || level === 'location' || level === 'if';
  // ssl_* (ngx_http_ssl_module), http2, http3: http and server only.
  return level === 'http' || level === 'server';
}

import { walkLocations, type EffectiveLocation, type EffectiveServer, type UpstreamPass } from '../../formats/nginx/effective';
import { hasInclude, insertAfter } from '../../formats/nginx/edits';
import type { Rule } from '../rule';

/** Where the system's CA bundle lives on Debian/Ubuntu; the fix uses it as a starting point. */
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * Re-encryption to an upstream (`proxy_pass https://`, `grpc_pass grpcs://`, `uwsgi_pass
 * suwsgi://`, stream `proxy_ssl on`) without `…_ssl_verify on`: nginx's default is off, so
 * the hop is encrypted but the upstream is not authenticated — anyone on the path can
 * answer. Without `…_ssl_server_name on` nginx sends no SNI (ngx_http_proxy_module docs).
 */
export const upstreamUnverified: Rule = {
  id: 'nginx/upstream-unverified',
  title: 'TLS to an upstream without certificate verification',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    const judge = (pass: UpstreamPass, owner: EffectiveServer | EffectiveLocation, includes: boolean): void => {
      if (pass.tls !== true) return;
      const p = pass.sslPrefix;
      const verify = owner.settings.flag(`${p}verify`) === true;
      const sni = owner.settings.flag(`${p}server_name`) === true;
      const trusted = owner.settings.get(`${p}trusted_certificate`) !== undefined;
      if (verify && trusted && sni) return;
      if (includes) return; // an include may set them
      const lines: string[] = [];
      if (!verify) lines.push(`${p}verify on;`);
      if (!trusted) lines.push(`${p}trusted_certificate ${CA_BUNDLE};`);
      if (!sni && pass.kind !== 'uwsgi') lines.push(`${p}server_name on;`);
      const fix = { title: `Verify the upstream: add ${lines.map((l) => l.split(' ')[0]).join(', ')}`, edits: [insertAfter(pass.directive, lines, ctx.doc.lines)], preferred: true };
      if (!verify) {
        ctx.report({
          range: pass.directive.range,
          message: `${pass.directive.name} uses TLS but ${p}verify is off (nginx's default): the connection is encrypted, but the upstream's certificate is not checked`,
          fixes: [fix],
        });
      } else if (!trusted) {
        ctx.report({ range: pass.directive.range, severity: 'error', message: `${p}verify is on but ${p}trusted_certificate is not set: nginx refuses the configuration`, fixes: [fix] });
      } else if (!sni && pass.kind !== 'uwsgi') {
        ctx.report({ range: pass.directive.range, severity: 'info', message: `${p}server_name is off: nginx sends no SNI, so an upstream hosting several names may present the wrong certificate`, fixes: [fix] });
      }
    };
    const cfg = ctx.nginxEffective();
    for (const server of cfg.servers) {
      const block = cfg.blocks.find((b) => b.module === server.module);
      const inc = hasInclude(block?.directive);
      for (const pass of server.passes) judge(pass, server, inc || hasInclude(server.directive));
      walkLocations(server, (loc, parents) => {
        const includes = inc || hasInclude(server.directive) || parents.some((x) => hasInclude(x.directive)) || hasInclude(loc.directive);
        for (const pass of loc.passes) judge(pass, loc, includes);
      });
    }
  },
};

import type { NginxDirective } from '../../formats/nginx/ast';
import { walkLocations, type EffectiveLocation, type EffectiveServer, type EffectiveValue, type UpstreamPass } from '../../formats/nginx/effective';
import type { TextEdit } from '../../findings';
import { insertAfter, insertAtBlockStart } from '../../formats/nginx/edits';
import { locationChain, serverChain } from '../../formats/nginx/unknowns';
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
    const cfg = ctx.nginxEffective();
    const unknowns = ctx.nginxUnknowns();
    const judge = (pass: UpstreamPass, owner: EffectiveServer | EffectiveLocation, holder: NginxDirective, direct: boolean, chain: readonly NginxDirective[], module: EffectiveServer['module']): void => {
      if (pass.tls !== true) return;
      const p = pass.sslPrefix;
      const verify = owner.settings.get(`${p}verify`);
      const verifyOn = verify?.args[0]?.toLowerCase() === 'on';
      const sni = owner.settings.get(`${p}server_name`);
      const sniOn = sni?.args[0]?.toLowerCase() === 'on';
      const trusted = owner.settings.get(`${p}trusted_certificate`) !== undefined;
      if (verifyOn && trusted && sniOn) return;
      // An unread include may set them (only inside the level where an explicit value stands).
      const missing = [!verifyOn && `${p}verify`, !trusted && `${p}trusted_certificate`, !sniOn && `${p}server_name`].filter((x): x is string => Boolean(x));
      const first = !verifyOn ? verify : !trusted ? undefined : sni;
      const assumptions = unknowns.judge(chain, missing, module, `${p}verify`, pass.directive.range, first);
      if (!assumptions) return;
      // Set what is missing: an explicit "off" in this very block is switched, the rest added
      // to the block that may hold them (a location, not an if or limit_except inside it).
      const edits: TextEdit[] = [];
      const add: string[] = [];
      const switchOrAdd = (value: EffectiveValue | undefined, line: string): void => {
        const d = value?.origin === 'own' ? value.directives[0] : undefined;
        if (d?.args[0] && holder.block?.directives.includes(d)) edits.push({ range: d.args[0].range, newText: 'on' });
        else add.push(line);
      };
      if (!verifyOn) switchOrAdd(verify, `${p}verify on;`);
      if (!trusted) add.push(`${p}trusted_certificate ${CA_BUNDLE};`);
      if (!sniOn) switchOrAdd(sni, `${p}server_name on;`);
      if (add.length) edits.push(direct ? insertAfter(pass.directive, add, ctx.doc.lines) : insertAtBlockStart(holder, add, ctx.doc.lines));
      const fix = { title: `Verify the upstream: set ${[!verifyOn && `${p}verify`, !trusted && `${p}trusted_certificate`, !sniOn && `${p}server_name`].filter(Boolean).join(', ')}`, edits, preferred: true };
      if (!verifyOn) {
        ctx.report({
          assumptions,
          range: pass.directive.range,
          message: `${pass.directive.name} uses TLS but ${p}verify is off${verify?.origin === 'default' ? " (nginx's default)" : ''}: the connection is encrypted, but the upstream's certificate is not checked`,
          fixes: [fix],
        });
      } else if (!trusted) {
        ctx.report({ assumptions, range: pass.directive.range, severity: 'error', message: `${p}verify is on but ${p}trusted_certificate is not set: nginx refuses the configuration`, fixes: [fix] });
      } else {
        ctx.report({ assumptions, range: pass.directive.range, severity: 'info', message: `${p}server_name is off: nginx sends no SNI, so an upstream hosting several names may present the wrong certificate`, fixes: [fix] });
      }
    };
    for (const server of cfg.servers) {
      const chain = serverChain(cfg, server);
      for (const pass of server.passes) judge(pass, server, server.directive, true, chain, server.module);
      walkLocations(server, (loc, parents) => {
        // ssl settings are not allowed in "if" and "limit_except": they go to the enclosing location.
        const holder = loc.kind === 'location' ? loc.directive : [...parents].reverse().find((x) => x.kind === 'location')?.directive;
        for (const pass of loc.passes) {
          if (holder) judge(pass, loc, holder, loc.kind === 'location', locationChain(cfg, server, parents, loc), server.module);
        }
      });
    }
  },
};

import { walkLocations } from '../../formats/nginx/effective';
import type { Rule } from '../rule';

/**
 * When the policy requires end-to-end encryption (`require: { endToEndEncryption: true }`),
 * a TLS server that passes requests on in plain text (`proxy_pass http://`, `grpc_pass
 * grpc://`, `uwsgi_pass` without suwsgi) ends the encryption at nginx. Reported as info:
 * it is often deliberate (a loopback or sidecar hop).
 */
export const plaintextUpstream: Rule = {
  id: 'nginx/plaintext-upstream',
  title: 'A TLS server passes requests to its upstream in plain text (end-to-end encryption required)',
  defaultSeverity: 'info',
  formats: ['nginx'],
  check(ctx) {
    if (!ctx.policy.require.endToEndEncryption) return;
    for (const server of ctx.nginxEffective().servers) {
      if (!server.tls) continue;
      const passes = [...server.passes];
      walkLocations(server, (loc) => passes.push(...loc.passes));
      for (const pass of passes) {
        if (pass.tls !== false) continue;
        const host = /^[a-z]+:\/\/(\[[^\]]+\]|[^/:]+)/i.exec(pass.target)?.[1] ?? pass.target;
        if (/^(127\.|localhost$|\[::1\]$|unix:)/i.test(host) || pass.target.startsWith('unix:')) continue; // a local hop stays on the machine
        ctx.report({
          range: pass.directive.range,
          message: `${pass.directive.name} ${pass.target} forwards in plain text, and the policy requires end-to-end encryption: use ${pass.kind === 'grpc' ? 'grpcs://' : pass.kind === 'uwsgi' ? 'suwsgi://' : 'https://'} with ${pass.sslPrefix}verify on`,
        });
      }
    }
  },
};

import { haproxyFormat } from '../../formats/haproxy';
import { appendToLine } from '../../formats/haproxy/edits';
import { haproxyVersionName } from '../../formats/haproxy/model';
import { profileMin, WEAK_PROTOCOLS } from '../../policy/tls';
import type { Rule } from '../rule';

/**
 * A TLS bind line that sets no minimum (neither on the line nor in ssl-default-bind-options)
 * on an HAProxy older than 2.2: its minimum is then whatever OpenSSL allows, TLSv1.0 and up.
 * HAProxy 2.2 made TLSv1.2 the default minimum of bind lines (configuration.txt, ssl-min-ver:
 * "The default value is TLSv1.2"). Needs `haproxyVersion` in the policy; without it current
 * HAProxy is assumed and nothing is reported.
 */
export const haproxyDefaultProtocols: Rule = {
  id: 'haproxy/default-protocols',
  title: 'A TLS bind line relies on the default minimum of an HAProxy older than 2.2',
  defaultSeverity: 'warning',
  formats: ['haproxy'],
  check(ctx) {
    const model = ctx.model(haproxyFormat);
    const profile = ctx.policy.profile;
    const floor = haproxyVersionName(profileMin(profile));
    for (const proxy of model.effective.frontends) {
      for (const b of proxy.binds) {
        const v = b.versions;
        if (!b.tls || !v.defaultMin || v.maxBy) continue;
        const weak = v.enabled.filter((p) => WEAK_PROTOCOLS[p] && !profile.protocols.includes(p));
        if (weak.length === 0) continue;
        const ssl = b.get('ssl');
        ctx.report({
          range: ssl?.key.range ?? b.line.words[0]!.range,
          message: `no ssl-min-ver for this bind: HAProxy ${model.version ?? ''} accepts what OpenSSL allows, so ${weak.map(haproxyVersionName).join(', ')} ${weak.length === 1 ? 'is' : 'are'} enabled (HAProxy 2.2 made TLSv1.2 the default); the ${profile.name} profile starts at ${floor}`.replace('HAProxy  ', 'HAProxy '),
          fixes: [{ title: `Add ssl-min-ver ${floor}`, edits: [appendToLine(b.line, ['ssl-min-ver', floor])], preferred: true }],
          assumptions: v.assumptions,
        });
      }
    }
  },
};

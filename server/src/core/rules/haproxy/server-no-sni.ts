import type { Fix } from '../../findings';
import { haproxyFormat } from '../../formats/haproxy';
import { appendToLine } from '../../formats/haproxy/edits';
import { atLeast } from '../../formats/haproxy/keywords';
import type { HaproxyLine } from '../../formats/haproxy/parser';
import type { Rule } from '../rule';

const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i;

/**
 * A server HAProxy verifies without a name to verify: no `sni` and no `verifyhost`, so only
 * the chain is checked and any certificate from a trusted CA passes (configuration.txt,
 * server `verify`: "When no name is found, the certificate's names are ignored. For this
 * reason, without SNI it's important to use verifyhost"). HAProxy 3.3 sends the request's
 * Host as SNI in HTTP mode by default (`sni-auto`), which closes the gap there.
 */
export const haproxyServerNoSni: Rule = {
  id: 'haproxy/server-no-sni',
  title: 'A verified TLS server without sni or verifyhost: its name is not checked',
  defaultSeverity: 'warning',
  formats: ['haproxy'],
  check(ctx) {
    const model = ctx.model(haproxyFormat);
    const reported = new Set<HaproxyLine>();
    for (const proxy of model.effective.backends) {
      const http = proxy.mode.value === 'http';
      for (const s of proxy.servers) {
        if (!s.tls || s.verify.value !== 'required' || !s.get('ca-file')) continue;
        if (s.get('sni') || s.get('verifyhost')) continue;
        // sni-auto (3.3+, HTTP mode) unless a no-sni-auto wins; an unknown version is taken for an older, more common one.
        const sniAutoOff = s.get('no-sni-auto') !== undefined && s.flag('sni-auto') === undefined;
        if (http && model.version !== undefined && atLeast(model.version, '3.3') && !sniAutoOff) continue;
        if (reported.has(s.line)) continue;
        reported.add(s.line);
        const fixes: Fix[] = [];
        if (s.host && !IP.test(s.host) && s.host.includes('.')) fixes.push({ title: `Verify the name ${s.host}`, edits: [appendToLine(s.line, ['verifyhost', s.host])], preferred: true });
        if (http) fixes.push({ title: "Send the request's Host as SNI and verify it", edits: [appendToLine(s.line, ['sni', 'req.hdr(host)'])], preferred: fixes.length === 0 });
        const version = http && !atLeast(model.version, '3.3') ? ' (HAProxy 3.3 would send the Host header as SNI)' : '';
        ctx.report({
          range: s.line.words[0]!.range,
          message: `server ${s.name?.value ?? ''} in ${proxy.kind} ${proxy.name} verifies the chain but no name (no sni, no verifyhost): any certificate a trusted CA issued for any host is accepted${version}`,
          fixes,
          assumptions: model.version === undefined && http ? ['an HAProxy older than 3.3 (set haproxyVersion in .tls-lens.yaml)'] : [],
        });
      }
    }
  },
};

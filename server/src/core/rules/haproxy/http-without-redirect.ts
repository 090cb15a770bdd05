import { haproxyFormat } from '../../formats/haproxy';
import { insertLineAfter } from '../../formats/haproxy/edits';
import { redirectsToHttps } from '../../formats/haproxy/model';
import type { Rule } from '../rule';

/**
 * An HTTP-mode frontend or listen bound to port 80 without TLS that does not redirect to
 * HTTPS, in a configuration that serves HTTPS too (policy `require.httpsRedirect`, default
 * on). A frontend that checks X-Forwarded-Proto (`hdr(x-forwarded-proto)`: TLS ended in front
 * of HAProxy) is left alone.
 */
export const haproxyHttpWithoutRedirect: Rule = {
  id: 'haproxy/http-without-redirect',
  title: 'Plain HTTP on port 80 without a redirect to HTTPS',
  defaultSeverity: 'warning',
  formats: ['haproxy'],
  check(ctx) {
    if (!ctx.policy.require.httpsRedirect) return;
    const model = ctx.model(haproxyFormat);
    const https = model.effective.frontends.some((p) => p.mode.value === 'http' && p.binds.some((b) => b.tls));
    if (!https) return;
    for (const proxy of model.effective.frontends) {
      if (proxy.mode.value !== 'http' || proxy.conditional) continue;
      const plain = proxy.binds.find((b) => !b.tls && b.ports.includes(80));
      if (!plain) continue;
      const lines = [...proxy.own('redirect'), ...proxy.rules('http-request')];
      if (lines.some(redirectsToHttps)) continue;
      // TLS ended in front of HAProxy: the frontend checks X-Forwarded-Proto (setting it is not checking it).
      if (proxy.section.lines.some((l) => l.words.some((w) => /\(\s*x-forwarded-(?:proto|ssl)\s*[,)]/i.test(w.value)))) continue;
      const lastBind = proxy.binds[proxy.binds.length - 1]!.line;
      ctx.report({
        range: plain.address?.range ?? plain.line.words[0]!.range,
        message: `${proxy.kind} ${proxy.name} answers plain HTTP on port 80 without redirecting to HTTPS, which this configuration serves (require.httpsRedirect)`,
        fixes: [{ title: 'Redirect to HTTPS', edits: [insertLineAfter(lastBind, 'http-request redirect scheme https unless { ssl_fc }', ctx.doc.text, ctx.doc.lines)], preferred: true }],
      });
    }
  },
};

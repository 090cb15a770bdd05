import { haproxyFormat } from '../../formats/haproxy';
import { insertLineAfter, replaceWord } from '../../formats/haproxy/edits';
import { hstsRules, type HaproxyProxy } from '../../formats/haproxy/model';
import type { Rule } from '../rule';

const MAX_AGE = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?/i;

/**
 * An HTTP-mode frontend or listen with a TLS bind that sends no Strict-Transport-Security
 * header (RFC 6797), or one with a max-age below the policy's minimum. HAProxy adds it with
 * `http-response set-header Strict-Transport-Security "max-age=…"` in the frontend, in every
 * backend it uses, or in a named defaults section (HAProxy 2.5+).
 */
export const haproxyMissingHsts: Rule = {
  id: 'haproxy/missing-hsts',
  title: 'A TLS frontend sends no (or a weak) Strict-Transport-Security header',
  defaultSeverity: 'warning',
  formats: ['haproxy'],
  check(ctx) {
    const model = ctx.model(haproxyFormat);
    const min = ctx.policy.thresholds.hstsMinAgeSeconds;
    const judged = new Set<unknown>();
    const backends = (p: HaproxyProxy): HaproxyProxy[] => p.backendNames.map((n) => model.effective.backend(n.value)).filter((b): b is HaproxyProxy => b !== undefined);
    for (const proxy of model.effective.frontends) {
      const tlsBinds = proxy.binds.filter((b) => b.tls);
      if (tlsBinds.length === 0 || proxy.mode.value !== 'http') continue;
      const own = hstsRules(proxy);
      const used = backends(proxy);
      const viaBackends = used.length > 0 && used.length === proxy.backendNames.length && used.every((b) => hstsRules(b).length > 0);
      for (const r of [...own, ...used.flatMap(hstsRules)]) {
        if (judged.has(r.line) || !r.value || r.value.env || r.value.value.includes('%[')) continue;
        judged.add(r.line);
        const m = MAX_AGE.exec(r.value.value);
        const age = m ? Number(m[1]) : undefined;
        if (age !== undefined && age >= min) continue;
        const fixed = m ? r.value.value.replace(MAX_AGE, (all, n: string) => all.replace(n, String(min))) : `max-age=${min}`;
        ctx.report({
          range: r.value.range,
          message: age === undefined ? `Strict-Transport-Security without max-age: browsers ignore it (RFC 6797 §6.1.1)` : `Strict-Transport-Security max-age=${age} is below the policy's minimum ${min} (thresholds.hstsMinAgeSeconds)`,
          fixes: [{ title: `Set max-age=${min}`, edits: [replaceWord(r.value, fixed)], preferred: true }],
        });
      }
      if (own.length || viaBackends || proxy.conditional) continue;
      // A frontend that redirects everything serves no pages.
      if (proxy.rules('http-request').some((l) => l.words[1]?.value === 'redirect' && !l.words.some((w) => w.value === 'if' || w.value === 'unless'))) continue;
      const plain = proxy.binds.some((b) => !b.tls);
      const lastBind = proxy.binds[proxy.binds.length - 1]!.line;
      const statement = `http-response set-header Strict-Transport-Security "max-age=${min}"${plain ? ' if { ssl_fc }' : ''}`;
      ctx.report({
        range: proxy.section.name?.range ?? proxy.section.header.words[0]!.range,
        message: `${proxy.kind} ${proxy.name} serves HTTPS without a Strict-Transport-Security header${used.length ? ' (nor do all the backends it uses)' : ''}, so browsers may still try plain HTTP (RFC 6797); the ${ctx.policy.profile.name} profile asks for max-age ≥ ${min}`,
        fixes: [{ title: 'Add the Strict-Transport-Security header', edits: [insertLineAfter(lastBind, statement, ctx.doc.text, ctx.doc.lines)], preferred: true }],
      });
    }
  },
};

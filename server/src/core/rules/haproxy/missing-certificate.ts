import { haproxyFormat } from '../../formats/haproxy';
import { atLeast } from '../../formats/haproxy/keywords';
import type { Rule } from '../rule';

/**
 * A bind line with `ssl` and no certificate (`crt`, `crt-list`, `generate-certificates`):
 * HAProxy refuses to start ("no SSL certificate specified for bind … (use 'crt')"). From
 * HAProxy 2.8 `strict-sni` lets a bind start without one (certificates added at run time);
 * from 3.2 `ssl-f-use` lines in the frontend give its bind lines their certificates.
 */
export const haproxyMissingCertificate: Rule = {
  id: 'haproxy/missing-certificate',
  title: 'A TLS bind line without a certificate',
  defaultSeverity: 'error',
  formats: ['haproxy'],
  check(ctx) {
    const model = ctx.model(haproxyFormat);
    for (const proxy of model.effective.frontends) {
      // HAProxy 3.2+ gives the frontend's bind lines their certificates with ssl-f-use.
      if (proxy.own('ssl-f-use').length) continue;
      for (const b of proxy.binds) {
        if (!b.tls || b.get('crt') || b.get('crt-list') || b.get('generate-certificates') || b.get('default-crt')) continue;
        if (b.get('strict-sni') && atLeast(model.version, '2.8')) continue;
        if (b.line.conditional) continue;
        ctx.report({ range: (b.get('ssl')?.key ?? b.line.words[0]!).range, message: `this bind enables ssl without a certificate (crt or crt-list): HAProxy refuses to start ("no SSL certificate specified")` });
      }
    }
  },
};

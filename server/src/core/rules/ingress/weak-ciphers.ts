import { INGRESS_KINDS, isIngress, nginxAnnotation } from '../../formats/kube/ingress';
import { reportResource } from '../kubeReport';
import { examples, judgeSuites, suitesOfCipherString } from '../../formats/kube/tls';
import type { Rule } from '../rule';
import { setScalarFix } from '../../formats/kube/edits';

/**
 * `ssl-ciphers` (towards clients) and `proxy-ssl-ciphers` (towards HTTPS backends) are
 * OpenSSL cipher strings: expanded as OpenSSL 3.0 does and judged against the profile.
 */
export const weakCiphers: Rule = {
  id: 'ingress/weak-ciphers',
  title: 'ssl-ciphers / proxy-ssl-ciphers enable weak suites',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: INGRESS_KINDS,
  check(ctx) {
    const profile = ctx.policy.profile;
    for (const r of ctx.kube().resources) {
      if (!isIngress(r)) continue;
      for (const name of ['ssl-ciphers', 'proxy-ssl-ciphers']) {
        const a = nginxAnnotation(r, name);
        if (!a) continue;
        const { suites, valid } = suitesOfCipherString(a.value);
        if (!valid) {
          reportResource(ctx, r, { range: a.node.at, severity: 'error', message: `${name} "${a.value}" selects no cipher suite OpenSSL accepts: the configuration is rejected` });
          continue;
        }
        const list = profile.ciphers.openssl.join(':');
        const fixes = list ? setScalarFix(`Use the ${profile.name} profile's ciphers`, a.node, list, { preferred: true }) : [];
        for (const w of judgeSuites(suites, profile)) {
          reportResource(ctx, r, { range: a.node.at, severity: w.severity, message: `${name} enables suites with ${w.label}: ${examples(w.suites)}; not in the ${profile.name} profile`, fixes });
        }
      }
    }
  },
};

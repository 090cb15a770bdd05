import { gatewayServers } from '../../formats/kube/istio';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import { examples, judgeSuites, suiteByName } from '../../formats/kube/tls';
import type { CipherSuite } from '../../policy/ciphers/types';
import type { Rule } from '../rule';

/**
 * Gateway `servers[].tls.cipherSuites` (OpenSSL-style names as Envoy takes them; Istio
 * allows ECDHE CBC suites, AES*-SHA and DES-CBC3-SHA) judged against the profile like the
 * nginx cipher rules: 3DES (SWEET32), no forward secrecy, no AEAD.
 */
export const gatewayWeakCiphers: Rule = {
  id: 'istio/gateway-weak-ciphers',
  title: 'Gateway cipherSuites enable weak suites',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.istioGateway],
  check(ctx) {
    for (const gw of ctx.kube().resources) {
      if (resourceKindKey(gw) !== K.istioGateway) continue;
      for (const s of gatewayServers(gw)) {
        const list = s.tls.get('cipherSuites');
        const suites: CipherSuite[] = [];
        for (const n of list.strings()) {
          const suite = suiteByName(n.value);
          if (suite) suites.push(suite);
          else reportResource(ctx, gw, { range: n.node.at, severity: 'info', message: `cipher suite ${n.value} is not one TLS Lens knows` });
        }
        for (const w of judgeSuites(suites, ctx.policy.profile)) {
          reportResource(ctx, gw, { range: list.keyRange, severity: w.severity, message: `cipherSuites enable suites with ${w.label}: ${examples(w.suites)}; not in the ${ctx.policy.profile.name} profile` });
        }
      }
    }
  },
};

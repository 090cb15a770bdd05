import type { KNode } from '../../formats/kube/node';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * `insecureSkipVerify: true` in a DestinationRule's ClientTLSSettings turns off
 * verification of the server certificate and SANs (Istio DestinationRule reference),
 * wherever it stands: the traffic policy, its port-level settings, or a subset's.
 */
export const insecureSkipVerify: Rule = {
  id: 'istio/insecure-skip-verify',
  title: 'DestinationRule insecureSkipVerify: true',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.destinationRule],
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (resourceKindKey(r) !== K.destinationRule) continue;
      const judge = (policy: KNode, where: string): void => {
        const tlsList: Array<[KNode, string]> = [[policy.get('tls'), where]];
        for (const p of policy.get('portLevelSettings').items()) tlsList.push([p.get('tls'), `${where} port ${p.get('port', 'number').str() ?? '?'}`]);
        for (const [tls, at] of tlsList) {
          const v = tls.get('insecureSkipVerify');
          if (v.bool() !== true) continue;
          reportResource(ctx, r, { range: v.at, message: `insecureSkipVerify: true${at}: the server's certificate and names are not verified, so anyone on the path can impersonate ${r.spec.get('host').str() ?? 'the host'}` });
        }
      };
      judge(r.spec.get('trafficPolicy'), '');
      for (const s of r.spec.get('subsets').items()) judge(s.get('trafficPolicy'), ` in subset ${s.get('name').str() ?? '?'}`);
    }
  },
};

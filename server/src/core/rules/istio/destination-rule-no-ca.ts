import type { KNode } from '../../formats/kube/node';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * istioctl IST0128 (NoServerCertificateVerificationDestinationLevel) and IST0129 (…PortLevel),
 * same situations: `trafficPolicy.tls` / `trafficPolicy.portLevelSettings[].tls` with mode
 * SIMPLE or MUTUAL and no `caCertificates` — except when that `tls` sets `credentialName`
 * and the DestinationRule has a `workloadSelector` (the credential then supplies the CA;
 * istio/istio#42005). Like istioctl, subsets' traffic policies are not examined. The message
 * says what current Istio does: since 1.21, VERIFY_CERT_AT_CLIENT is on by default and the
 * server certificate is verified against the OS CA bundle (Istio 1.21 upgrade notes).
 */
export const destinationRuleNoCa: Rule = {
  id: 'istio/destination-rule-no-ca',
  title: "DestinationRule TLS without a CA: the server's certificate is not verified (IST0128/IST0129)",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.destinationRule],
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (resourceKindKey(r) !== K.destinationRule) continue;
      const host = r.spec.get('host').str() ?? '(no host)';
      const selector = r.spec.get('workloadSelector');
      // Set = a mapping, even an empty one (a null value is unset, as in the proto).
      const hasSelector = selector.isMap();
      const judge = (tls: KNode, code: string, where: string): void => {
        const mode = tls.get('mode').str();
        if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return;
        if (tls.get('caCertificates').str()) return;
        if (tls.get('credentialName').str() && hasSelector) return;
        reportResource(ctx, r, {
          range: tls.get('mode').at,
          message: `TLS mode ${mode} without caCertificates for host ${host}${where}: Istio 1.21 and later check the server's certificate against the proxy's operating-system CA bundle (any public CA passes, a private CA's certificate is refused), Istio before 1.21 does not check it at all; set caCertificates to the CA that issues it (istioctl ${code})`,
        });
      };
      const policy = r.spec.get('trafficPolicy');
      judge(policy.get('tls'), 'IST0128', '');
      for (const p of policy.get('portLevelSettings').items()) {
        const port = p.get('port', 'number').str();
        judge(p.get('tls'), 'IST0129', port ? ` at port ${port}` : '');
      }
    }
  },
};

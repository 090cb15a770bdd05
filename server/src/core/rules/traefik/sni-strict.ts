import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';
import { TLS_OPTION_KINDS } from './tls-option';
import { setScalarFix } from '../../formats/kube/edits';

/**
 * A TLSOption requiring client certificates without `sniStrict: true`: a client that sends
 * no (or an unknown) SNI is served with the `default` TLSOption, which may not ask for a
 * client certificate at all (Traefik docs, TLS options, sniStrict).
 */
export const sniStrict: Rule = {
  id: 'traefik/sni-strict',
  title: 'Client authentication without sniStrict can be bypassed',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: TLS_OPTION_KINDS,
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (!TLS_OPTION_KINDS.includes(resourceKindKey(r))) continue;
      const auth = r.spec.get('clientAuth', 'clientAuthType').str();
      if (!auth || auth === 'NoClientCert' || r.spec.get('sniStrict').bool() === true) continue;
      const sni = r.spec.get('sniStrict');
      reportResource(ctx, r, {
        range: r.spec.get('clientAuth', 'clientAuthType').at,
        // Not preferred: clients that send no SNI are refused from then on.
        fixes: sni.bool() === false ? setScalarFix('Set sniStrict true', sni, 'true', { raw: true }) : [],
        message: `clientAuthType ${auth} without sniStrict: true: a client sending no or another SNI gets the default TLSOption, possibly without client authentication`,
      });
    }
  },
};

import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * ACME `skipTLSVerify: true` makes cert-manager talk to the ACME server without verifying
 * its certificate: whoever sits on the path can answer as the CA (cert-manager ACME issuer docs).
 */
export const acmeSkipTlsVerify: Rule = {
  id: 'certmanager/acme-skip-tls-verify',
  title: "ACME issuer doesn't verify the ACME server's certificate",
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  kinds: [K.issuer, K.clusterIssuer],
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (resourceKindKey(r) !== K.issuer && resourceKindKey(r) !== K.clusterIssuer) continue;
      const n = r.spec.get('acme', 'skipTLSVerify');
      if (n.bool() !== true) continue;
      reportResource(ctx, r, { range: n.at, message: "skipTLSVerify: true talks to the ACME server without verifying its certificate: anyone on the path can act as the CA" });
    }
  },
};

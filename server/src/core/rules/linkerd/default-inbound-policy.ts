import { annotation, POD_ANNOTATION_KINDS } from '../../formats/kube/linkerd';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';
import { setScalarFix } from '../../formats/kube/edits';

/**
 * `config.linkerd.io/default-inbound-policy` `all-unauthenticated` (Linkerd's default) or
 * `cluster-unauthenticated` admits plaintext, unauthenticated clients. A note, or a
 * warning when the policy asks for strict mesh authentication (`require.meshStrict`).
 */
export const defaultInboundPolicy: Rule = {
  id: 'linkerd/default-inbound-policy',
  title: 'Linkerd default inbound policy admits unauthenticated clients',
  defaultSeverity: 'info',
  formats: ['kubernetes'],
  kinds: POD_ANNOTATION_KINDS,
  check(ctx) {
    for (const r of ctx.kube().resources) {
      const a = annotation(r, 'config.linkerd.io/default-inbound-policy');
      if (a?.value !== 'all-unauthenticated' && a?.value !== 'cluster-unauthenticated') continue;
      const wanted = a.value === 'all-unauthenticated' ? 'all-authenticated' : 'cluster-authenticated';
      reportResource(ctx, r, {
        range: a.node.at,
        // Not preferred: clients without an identity are refused from then on.
        fixes: setScalarFix(`Set default-inbound-policy ${wanted}`, a.node, wanted),
        severity: ctx.policy.require.meshStrict ? 'warning' : 'info',
        message: `default-inbound-policy ${a.value} admits clients without mTLS identity; all-authenticated or cluster-authenticated requires it`,
      });
    }
  },
};

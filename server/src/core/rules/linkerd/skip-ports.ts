import { annotation, POD_ANNOTATION_KINDS } from '../../formats/kube/linkerd';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * `config.linkerd.io/skip-inbound-ports` / `skip-outbound-ports` send those ports around
 * the proxy entirely: no mTLS and no policy on them (Linkerd docs, "Proxy Configuration").
 * `opaque-ports` keeps mTLS and is not reported.
 */
export const skipPorts: Rule = {
  id: 'linkerd/skip-ports',
  title: 'skip-inbound/outbound-ports bypass the Linkerd proxy (no mTLS)',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: POD_ANNOTATION_KINDS,
  check(ctx) {
    for (const r of ctx.kube().resources) {
      for (const key of ['config.linkerd.io/skip-inbound-ports', 'config.linkerd.io/skip-outbound-ports']) {
        const a = annotation(r, key);
        if (!a || a.value === '') continue;
        reportResource(ctx, r, { range: a.node.at, message: `${key.split('/')[1]} ${a.value}: traffic on these ports bypasses the proxy, without mTLS or policy; opaque-ports keeps mTLS if protocol detection is the problem` });
      }
    }
  },
};

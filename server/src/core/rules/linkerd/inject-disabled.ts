import { annotation, POD_ANNOTATION_KINDS } from '../../formats/kube/linkerd';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/** `linkerd.io/inject: disabled` keeps the Linkerd proxy out: no mTLS to or from these pods (Linkerd docs, "Automatic Proxy Injection"). */
export const injectDisabled: Rule = {
  id: 'linkerd/inject-disabled',
  title: 'linkerd.io/inject: disabled takes pods out of the mesh (no mTLS)',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: POD_ANNOTATION_KINDS,
  check(ctx) {
    for (const r of ctx.kube().resources) {
      const a = annotation(r, 'linkerd.io/inject');
      if (a?.value !== 'disabled') continue;
      reportResource(ctx, r, { range: a.node.at, severity: ctx.policy.require.meshStrict ? 'warning' : 'info', message: 'linkerd.io/inject: disabled: these pods run without the Linkerd proxy, so their traffic has no mTLS' });
    }
  },
};

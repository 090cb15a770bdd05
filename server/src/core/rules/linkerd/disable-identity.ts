import { annotation, POD_ANNOTATION_KINDS } from '../../formats/kube/linkerd';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';
import { setScalarFix } from '../../formats/kube/edits';

/** `config.linkerd.io/disable-identity: "true"` runs the proxy without an identity: no mTLS for these pods (Linkerd docs, "Proxy Configuration"). */
export const disableIdentity: Rule = {
  id: 'linkerd/disable-identity',
  title: 'disable-identity turns off mTLS for the pods',
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  kinds: POD_ANNOTATION_KINDS,
  check(ctx) {
    for (const r of ctx.kube().resources) {
      const a = annotation(r, 'config.linkerd.io/disable-identity');
      if (a?.value !== 'true') continue;
      // Not preferred: the pods start making and requiring mTLS connections, a step a person takes.
      const fixes = setScalarFix('Give the proxy its identity (disable-identity "false")', a.node, 'false');
      reportResource(ctx, r, { range: a.node.at, message: 'disable-identity "true": the proxy has no identity, so the pods neither serve nor make mTLS connections', fixes });
    }
  },
};

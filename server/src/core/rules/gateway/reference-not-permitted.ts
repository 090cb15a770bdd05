import { anyResolution, resolveListenerSecret } from '../../formats/kube/gatewayApi';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';
import { K } from '../../formats/kube/refs';

/**
 * A certificateRef to a Secret in another namespace is invalid unless a ReferenceGrant in
 * that namespace allows Gateways from this one (Gateway API, ReferenceGrant; the listener
 * gets ResolvedRefs=False, RefNotPermitted). Needs the workspace index.
 */
export const referenceNotPermitted: Rule = {
  id: 'gateway/reference-not-permitted',
  title: 'A cross-namespace certificateRef has no ReferenceGrant',
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  kinds: [K.gateway],
  check(ctx) {
    const view = ctx.kube();
    if (!view.hasWorkspace) return;
    for (const r of resolveListenerSecret(view, anyResolution)) {
      if (r.permitted) continue;
      reportResource(ctx, r.gateway, {
        range: r.ref.get('namespace').at,
        message: `listener ${r.listenerName}: Secret ${r.namespace}/${r.name} is in another namespace and no ReferenceGrant there allows Gateways from ${view.namespaceOf(r.gateway)} (RefNotPermitted)`,
      });
    }
  },
};

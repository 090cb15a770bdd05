import { ISTIO_ROOT_NAMESPACE } from '../../formats/kube/istio';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * When the policy asks for strict mesh mTLS (`require.meshStrict`), the mesh needs a
 * PeerAuthentication in the root namespace (`istio-system`) without selector and with mode
 * STRICT (Istio docs, "Mutual TLS Migration": "Lock down mutual TLS for the entire mesh").
 * Reported on every PeerAuthentication of the file when the workspace has no mesh-wide
 * PeerAuthentication at all (one that is not STRICT is `istio/peer-authentication-mode`'s).
 */
export const noMeshStrict: Rule = {
  id: 'istio/no-mesh-strict',
  title: 'No mesh-wide STRICT PeerAuthentication (policy requires strict mTLS)',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.peerAuthentication],
  check(ctx) {
    if (!ctx.policy.require.meshStrict) return;
    const view = ctx.kube();
    const own = view.resources.filter((r) => resourceKindKey(r) === K.peerAuthentication);
    if (!own.length || !view.hasWorkspace) return;
    const meshWide = view
      .ofKind(K.peerAuthentication)
      .some((p) => view.namespaceOf(p) === ISTIO_ROOT_NAMESPACE && p.spec.get('selector', 'matchLabels').entries().length === 0);
    if (meshWide) return;
    for (const r of own) {
      reportResource(ctx, r, {
        range: r.nameRange,
        message: `the workspace has no mesh-wide STRICT PeerAuthentication (namespace ${ISTIO_ROOT_NAMESPACE}, no selector, mtls.mode STRICT), which the policy requires: namespaces without their own policy accept plaintext`,
      });
    }
  },
};

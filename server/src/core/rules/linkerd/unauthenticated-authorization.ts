import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/** A Linkerd ServerAuthorization (deprecated) with `client.unauthenticated: true` admits plaintext clients to its Server. */
export const unauthenticatedAuthorization: Rule = {
  id: 'linkerd/unauthenticated-authorization',
  title: 'ServerAuthorization admits unauthenticated clients',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: ['ServerAuthorization.policy.linkerd.io'],
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (resourceKindKey(r) !== 'ServerAuthorization.policy.linkerd.io') continue;
      const n = r.spec.get('client', 'unauthenticated');
      if (n.bool() !== true) continue;
      reportResource(ctx, r, { range: n.at, message: 'client.unauthenticated: true admits clients without mTLS; authorize meshTLS identities (or an AuthorizationPolicy with MeshTLSAuthentication)' });
    }
  },
};

import { ingressesUsing, issuerOf } from '../../formats/kube/certManager';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { named, relatedAt, reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * A Certificate issued by a `selfSigned` Issuer/ClusterIssuer whose Secret an Ingress
 * serves: clients of the Ingress get a certificate no one trusts. (selfSigned issuers are
 * meant to bootstrap a CA, cert-manager docs "SelfSigned".)
 */
export const selfSignedPublic: Rule = {
  id: 'certmanager/self-signed-public',
  title: 'An Ingress serves a certificate from a selfSigned issuer',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.certificate],
  check(ctx) {
    const view = ctx.kube();
    for (const cert of view.resources) {
      if (resourceKindKey(cert) !== K.certificate || cert.spec.get('isCA').bool() === true) continue;
      const issuer = issuerOf(view, cert);
      if (!issuer || !issuer.spec.get('selfSigned').present) continue;
      const ingresses = ingressesUsing(view, cert);
      if (!ingresses.length) continue;
      reportResource(ctx, cert, {
        range: cert.spec.get('issuerRef', 'name').at,
        message: `issued by ${named(view, issuer)} (selfSigned) and served by ${ingresses.map((i) => named(view, i)).join(', ')}: clients will not trust it`,
        related: [relatedAt(issuer, issuer.spec.get('selfSigned'), named(view, issuer)), ...ingresses.map((i) => relatedAt(i, i.metadata.get('name'), named(view, i)))],
      });
    }
  },
};

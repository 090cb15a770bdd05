import { isStagingIssuer, issuerOf, shimAnnotation, shimIssuer } from '../../formats/kube/certManager';
import { INGRESS_KINDS, isIngress } from '../../formats/kube/ingress';
import { K } from '../../formats/kube/refs';
import { resourceKindKey, type KubeResource } from '../../formats/kube/resources';
import { named, relatedAt, reportResource } from '../kubeReport';
import type { KNode } from '../../formats/kube/node';
import type { Rule } from '../rule';

/**
 * An ACME Issuer/ClusterIssuer pointing at Let's Encrypt's staging directory
 * (`https://acme-staging-v02.api.letsencrypt.org/directory`) issues certificates no browser
 * trusts: right for testing, wrong for what is served. Reported where the issuer is used — a
 * Certificate's `issuerRef`, the cert-manager annotation of an Ingress or Gateway — not at
 * the issuer itself: defining a staging issuer beside the production one is cert-manager's
 * own advice.
 */
export const stagingIssuer: Rule = {
  id: 'certmanager/staging-issuer',
  title: "A certificate is issued by Let's Encrypt staging (untrusted)",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.certificate, K.gateway, ...INGRESS_KINDS],
  check(ctx) {
    const view = ctx.kube();
    const report = (user: KubeResource, at: KNode, issuer: KubeResource, how: string): void => {
      reportResource(ctx, user, {
        range: at.at,
        message: `${how} ${named(view, issuer)}, which uses Let's Encrypt staging: its certificates are not trusted by browsers; use an issuer on https://acme-v02.api.letsencrypt.org/directory for what is served`,
        related: [relatedAt(issuer, issuer.spec.get('acme', 'server'), `${named(view, issuer)}: acme.server`)],
      });
    };
    for (const r of view.resources) {
      const key = resourceKindKey(r);
      if (key === K.certificate) {
        const issuer = issuerOf(view, r);
        if (issuer && isStagingIssuer(issuer)) report(r, r.spec.get('issuerRef', 'name'), issuer, 'issued by');
      } else if (isIngress(r) || key === K.gateway) {
        const shim = shimAnnotation(r, key === K.gateway);
        const issuer = shim && shimIssuer(view, r, shim);
        if (shim && issuer && isStagingIssuer(issuer)) report(r, shim.node, issuer, `${shim.annotation} asks cert-manager for certificates from`);
      }
    }
  },
};

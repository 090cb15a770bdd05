import { ingressSecretRefs, isIngress } from '../../formats/kube/ingress';
import { reportResource } from '../../formats/kube/report';
import type { Rule } from '../rule';

/**
 * The Secret an Ingress names is nowhere in the workspace, and no cert-manager
 * Certificate, ExternalSecret or SealedSecret makes it; nor does the Ingress ask
 * cert-manager for one (`cert-manager.io/issuer` / `cluster-issuer` annotations). Often the
 * Secret is created outside the repository, hence a note. Needs the workspace index (CLI,
 * Check Workspace, the editor).
 */
export const secretNotFound: Rule = {
  id: 'ingress/secret-not-found',
  title: 'The Secret an Ingress names is not in the workspace',
  defaultSeverity: 'info',
  formats: ['kubernetes'],
  check(ctx) {
    const view = ctx.kube();
    for (const r of view.resources) {
      if (!isIngress(r)) continue;
      if (Object.keys(r.annotations).some((a) => a.startsWith('cert-manager.io/'))) continue;
      for (const { tls: t, resolution } of ingressSecretRefs(view, r)) {
        if (resolution.kind !== 'missing') continue;
        reportResource(ctx, r, {
          range: t.secretNode.at,
          message: `Secret ${view.namespaceOf(r)}/${t.secretName} is not in the workspace (nor a cert-manager Certificate that writes it): its certificate cannot be checked`,
        });
      }
    }
  },
};

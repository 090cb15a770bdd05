import { INGRESS_KINDS, ingressSecretRefs, isIngress } from '../../formats/kube/ingress';
import { named, relatedAt, reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * The Secret an Ingress names must be a TLS Secret with `tls.crt` and `tls.key`
 * (Kubernetes Secret type kubernetes.io/tls); otherwise ingress-nginx falls back to its
 * default certificate for the host.
 */
export const secretInvalid: Rule = {
  id: 'ingress/secret-invalid',
  title: 'The Secret an Ingress names lacks a readable certificate or tls.key',
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  kinds: INGRESS_KINDS,
  check(ctx) {
    const view = ctx.kube();
    for (const r of view.resources) {
      if (!isIngress(r)) continue;
      for (const { tls: t, resolution: res } of ingressSecretRefs(view, r, true)) {
        if (res.kind !== 'secret' || res.secret.templated || res.tls.placeholder) continue;
        const problems: string[] = [];
        if (res.tls.problem) problems.push(res.tls.problem);
        else if (res.tls.certKey !== 'tls.crt') problems.push(`keeps its certificate under "${res.tls.certKey}", not tls.crt`);
        if (!res.tls.hasKey) problems.push('has no tls.key');
        if (!problems.length) continue;
        reportResource(ctx, r, {
          range: t.secretNode.at,
          // Only the key missing: often deliberate in a repository (the cluster's copy has it).
          severity: res.tls.problem || res.tls.certKey !== 'tls.crt' ? 'error' : 'warning',
          message: `${named(view, res.secret)} ${problems.join(' and ')}: the controller serves its default certificate instead`,
          related: [relatedAt(res.secret, res.tls.certNode ?? res.secret.root.get('data'), `${named(view, res.secret)}`)],
          ...(res.assumptions ? { assumptions: res.assumptions } : {}),
        });
      }
    }
  },
};

import { INGRESS_KINDS, ingressTls, isIngress } from '../../formats/kube/ingress';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * A `spec.tls` entry without `secretName` gets the controller's default certificate
 * (ingress-nginx: a self-signed "Kubernetes Ingress Controller Fake Certificate" unless
 * `--default-ssl-certificate` is set). Policy `require.defaultCertificate: true` says one is.
 */
export const missingSecretName: Rule = {
  id: 'ingress/missing-secret-name',
  title: 'An Ingress TLS entry names no Secret',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: INGRESS_KINDS,
  check(ctx) {
    if (ctx.policy.require.defaultCertificate) return;
    for (const r of ctx.kube().resources) {
      if (!isIngress(r)) continue;
      for (const t of ingressTls(r)) {
        if (t.secretNode.present) continue;
        reportResource(ctx, r, {
          range: t.entry.get('hosts').present ? t.entry.get('hosts').keyRange : t.entry.at,
          message: `spec.tls[${t.index}] has no secretName: the controller serves its default certificate (ingress-nginx: a self-signed fake one) for ${t.hosts.map((h) => h.value).join(', ') || 'these hosts'}`,
        });
      }
    }
  },
};

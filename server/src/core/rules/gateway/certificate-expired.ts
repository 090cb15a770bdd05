import { groupBySecret, isSecretWithCertificate, resolveListenerSecret, secretCertificateRelated } from '../../formats/kube/gatewayApi';
import { named, reportResource, validityProblem } from '../kubeReport';
import type { Rule } from '../rule';
import { listenerNames } from './secret-problem';
import { K } from '../../formats/kube/refs';

/**
 * The certificate of a listener's Secret is expired, not yet valid, or expires within the
 * policy's thresholds. Reported once per Gateway and Secret, naming every listener that uses it.
 */
export const certificateExpired: Rule = {
  id: 'gateway/certificate-expired',
  title: "A listener's certificate is expired or expires soon",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.gateway],
  check(ctx) {
    const view = ctx.kube();
    for (const refs of groupBySecret(resolveListenerSecret(view, isSecretWithCertificate))) {
      const r = refs[0]!;
      const res = r.resolution;
      const p = validityProblem(res.tls.certs[0]!, ctx.now, ctx.policy);
      if (!p) continue;
      reportResource(ctx, r.gateway, {
        range: r.ref.get('name').at,
        severity: p.severity,
        message: `${listenerNames(refs)}: the certificate in ${named(view, res.secret)} ${p.text}`,
        related: [secretCertificateRelated(view, res), ...refs.slice(1).map((x) => ({ file: ctx.doc.file, range: x.ref.get('name').at, message: `listener ${x.listenerName}` }))],
        ...(res.assumptions ? { assumptions: res.assumptions } : {}),
      });
    }
  },
};

import { resolveListenerSecret, secretCertificateRelated } from '../../formats/kube/gatewayApi';
import type { SecretResolution } from '../../formats/kube/refs';
import { named, reportResource } from '../../formats/kube/report';
import type { Rule } from '../rule';

type MissingOrSecret = Extract<SecretResolution, { kind: 'missing' | 'secret' }>;
const missingOrSecret = (r: SecretResolution): r is MissingOrSecret => r.kind === 'missing' || r.kind === 'secret';

/**
 * A listener's certificateRef names a Secret that is not in the workspace (a note: often
 * made elsewhere; a cert-manager Certificate, ExternalSecret or SealedSecret making it
 * counts), or one without a readable `tls.crt` and a `tls.key` (the listener gets
 * ResolvedRefs=False, InvalidCertificateRef).
 */
export const secretProblem: Rule = {
  id: 'gateway/secret-problem',
  title: "A listener's Secret is missing or not a usable TLS Secret",
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  check(ctx) {
    const view = ctx.kube();
    for (const r of resolveListenerSecret(view, missingOrSecret)) {
      const res = r.resolution;
      if (res.kind === 'missing') {
        if (r.permitted) {
          reportResource(ctx, r.gateway, { range: r.ref.get('name').at, severity: 'info', message: `listener ${r.listenerName}: Secret ${r.namespace}/${r.name} is not in the workspace (nor a cert-manager Certificate that writes it): its certificate cannot be checked` });
        }
        continue;
      }
      if (res.secret.templated) continue;
      const problems: string[] = [];
      if (res.tls.problem) problems.push(res.tls.problem);
      else if (res.tls.certKey !== 'tls.crt') problems.push(`keeps its certificate under "${res.tls.certKey}", not tls.crt`);
      if (!res.tls.hasKey) problems.push('has no tls.key');
      if (!problems.length) continue;
      reportResource(ctx, r.gateway, {
        range: r.ref.get('name').at,
        severity: res.tls.problem || res.tls.certKey !== 'tls.crt' ? 'error' : 'warning',
        message: `listener ${r.listenerName}: ${named(view, res.secret)} ${problems.join(' and ')} (InvalidCertificateRef)`,
        related: [secretCertificateRelated(view, res)],
      });
    }
  },
};

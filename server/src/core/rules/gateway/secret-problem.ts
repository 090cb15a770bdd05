import { isSecretResolution, groupBySecret, resolveListenerSecret, secretCertificateRelated } from '../../formats/kube/gatewayApi';
import { named, reportResource } from '../kubeReport';
import type { Rule } from '../rule';
import { K } from '../../formats/kube/refs';

/**
 * A listener's certificateRef names a Secret without a readable `tls.crt` and a `tls.key`
 * (the listener gets ResolvedRefs=False, InvalidCertificateRef). Reported once per Gateway
 * and Secret, naming every listener that uses it. A Secret not in the workspace is in
 * `kube/not-in-workspace`'s note.
 */
export const secretProblem: Rule = {
  id: 'gateway/secret-problem',
  title: "A listener's Secret is not a usable TLS Secret",
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  kinds: [K.gateway],
  check(ctx) {
    const view = ctx.kube();
    for (const refs of groupBySecret(resolveListenerSecret(view, isSecretResolution))) {
      const r = refs[0]!;
      const res = r.resolution;
      if (res.secret.templated || res.tls.placeholder) continue;
      const problems: string[] = [];
      if (res.tls.problem) problems.push(res.tls.problem);
      else if (res.tls.certKey !== 'tls.crt') problems.push(`keeps its certificate under "${res.tls.certKey}", not tls.crt`);
      if (!res.tls.hasKey) problems.push('has no tls.key');
      if (!problems.length) continue;
      reportResource(ctx, r.gateway, {
        range: r.ref.get('name').at,
        severity: res.tls.problem || res.tls.certKey !== 'tls.crt' ? 'error' : 'warning',
        message: `${listenerNames(refs)}: ${named(view, res.secret)} ${problems.join(' and ')} (InvalidCertificateRef)`,
        related: [secretCertificateRelated(view, res), ...refs.slice(1).map((x) => ({ file: ctx.doc.file, range: x.ref.get('name').at, message: `listener ${x.listenerName}` }))],
        ...(res.assumptions ? { assumptions: res.assumptions } : {}),
      });
    }
  },
};

/** "listener https" or "listeners a, b and c". */
export function listenerNames(refs: ReadonlyArray<{ listenerName: string }>): string {
  const names = [...new Set(refs.map((r) => r.listenerName))];
  return names.length === 1 ? `listener ${names[0]}` : `listeners ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

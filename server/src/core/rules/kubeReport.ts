/** How Kubernetes rules report about a resource and judge a certificate's validity (the rules under `kube/`, `ingress/`, `gateway/` …). */
import { judgeExpiry } from '../certs/judge';
import type { Severity } from '../findings';
import type { Policy } from '../policy/policy';
import type { Report, RuleContext } from './rule';
import { describeValidity, isoDate, type CertificateSummary } from '../x509/certificate';
import { describeResource, resourceRef, type KubeResource } from '../formats/kube/resources';

export { fieldAt, named, ownOfKind, relatedAt } from '../formats/kube/report';

/** Reports a finding about `r`: the message starts with the resource ("Ingress shop/web: …"). */
export function reportResource(ctx: RuleContext, r: KubeResource, rep: Omit<Report, 'resource'>): void {
  const view = ctx.kube();
  const ns = view.namespaceOf(r);
  ctx.report({ ...rep, message: `${describeResource(r, ns)}: ${rep.message}`, resource: resourceRef(r, ns) });
}

/** The validity problem of a certificate now, judged with the policy's thresholds. */
export function validityProblem(cert: CertificateSummary, now: Date, policy: Policy): { severity: Severity; text: string } | undefined {
  // The same judgement as cert/expiring: days, or a share of the lifetime for short-lived certificates.
  const { standing, severity } = judgeExpiry(cert, now, policy.thresholds);
  if (standing === 'ok' || !severity) return undefined;
  if (standing === 'not-yet-valid') return { severity, text: `is not valid yet (${describeValidity(cert, now)})` };
  return { severity, text: `${describeValidity(cert, now)} (${isoDate(cert.notAfter)})` };
}

import { judgeExpiry } from '../../certs/judge';
import type { RelatedLocation, Severity } from '../../findings';
import type { Policy } from '../../policy/policy';
import type { Report, RuleContext } from '../../rules/rule';
import type { Range } from '../../text';
import { describeValidity, isoDate, type CertificateSummary } from '../../x509/certificate';
import type { KubeView } from '../../workspace/index';
import type { KNode } from './node';
import { describeResource, resourceKindKey, resourceRef, type KubeResource } from './resources';

/** Reports a finding about `r`: the message starts with the resource ("Ingress shop/web: …"). */
export function reportResource(ctx: RuleContext, r: KubeResource, rep: Omit<Report, 'resource'>): void {
  const view = ctx.kube();
  const ns = view.namespaceOf(r);
  ctx.report({ ...rep, message: `${describeResource(r, ns)}: ${rep.message}`, resource: resourceRef(r, ns) });
}

/** A related location at a field of another resource (or at its name). */
export function relatedAt(r: KubeResource, node: KNode | undefined, message: string): RelatedLocation {
  return { file: r.file, range: node?.exists ? node.at : r.nameRange, message };
}

/** This file's resources of a kind (`Kind` or `Kind.group`; several kinds allowed). */
export function ownOfKind(view: KubeView, ...kinds: string[]): KubeResource[] {
  return view.resources.filter((r) => kinds.includes(resourceKindKey(r)));
}

/** "Secret web/tls" for a message, with its effective namespace. */
export function named(view: KubeView, r: KubeResource): string {
  return describeResource(r, view.namespaceOf(r));
}

/** The validity problem of a certificate now, judged with the policy's thresholds. */
export function validityProblem(cert: CertificateSummary, now: Date, policy: Policy): { severity: Severity; text: string } | undefined {
  // The same judgement as cert/expiring: days, or a share of the lifetime for short-lived certificates.
  const { standing, severity } = judgeExpiry(cert, now, policy.thresholds);
  if (standing === 'ok' || !severity) return undefined;
  if (standing === 'not-yet-valid') return { severity, text: `is not valid yet (${describeValidity(cert, now)})` };
  return { severity, text: `${describeValidity(cert, now)} (${isoDate(cert.notAfter)})` };
}

/** A one-line range for a field, or the resource name when the field is missing. */
export function fieldAt(r: KubeResource, node: KNode): Range {
  return node.exists || node.present ? node.at : r.nameRange;
}

import { BACKEND_TLS_POLICY, backendCaRefs } from '../../formats/kube/backendTls';
import { isTemplated } from '../../formats/kube/node';
import { named, ownOfKind, relatedAt, reportResource } from '../kubeReport';
import { listNames } from '../../formats/kube/secrets';
import type { CertificateSummary } from '../../x509/certificate';
import { nameConstraintsViolation, sansCoverHost } from '../../x509/names';
import type { RelatedLocation } from '../../findings';
import type { Rule } from '../rule';

/**
 * Why CA certificate `ca` cannot validate a backend certificate for `host`, or undefined
 * when it can: a certificate with basicConstraints CA:FALSE issues nothing (RFC 5280
 * §4.2.1.9), so only itself can be accepted, pinned, and its SANs must cover the host (RFC
 * 6125 §6.4); a CA's Name Constraints must admit the host (RFC 5280 §4.2.1.10).
 */
function cannotValidate(ca: CertificateSummary, host: string): string | undefined {
  const who = ca.subjectCommonName ?? ca.subject;
  if (ca.basicConstraints?.ca === false) {
    return sansCoverHost(ca.sans, host) ? undefined : `${who} is not a CA (CA:FALSE), so only that certificate itself would be accepted, and it names ${listNames(ca.sans)}`;
  }
  const why = ca.nameConstraints && nameConstraintsViolation(ca.nameConstraints, host);
  return why ? `${who}'s name constraints ${why}` : undefined;
}

/**
 * A BackendTLSPolicy whose CA certificates (`validation.caCertificateRefs`, read from the
 * workspace) cannot validate any certificate for the name the backend must present:
 * `validation.hostname`, or, when `subjectAltNames` is set, its Hostname entries (Gateway API
 * BackendTLSPolicy: SubjectAltNames replace the hostname for verification). Judged only when
 * every reference resolves to readable certificates and `wellKnownCACertificates` is unset.
 */
export const backendHostnameUncovered: Rule = {
  id: 'gateway/backend-hostname-uncovered',
  title: "A BackendTLSPolicy's CA certificates cannot validate its hostname",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [BACKEND_TLS_POLICY],
  check(ctx) {
    const view = ctx.kube();
    for (const policy of ownOfKind(view, BACKEND_TLS_POLICY)) {
      const v = policy.spec.get('validation');
      if (v.get('wellKnownCACertificates').str()) continue;
      const refs = backendCaRefs(view, policy);
      if (!refs.length) continue;
      const cas: Array<{ cert: CertificateSummary; related: RelatedLocation }> = [];
      let complete = true;
      for (const r of refs) {
        if (r.resolution.kind !== 'found') complete = false;
        else {
          const res = r.resolution;
          for (const cert of res.certs) cas.push({ cert, related: relatedAt(res.target, res.node, `${named(view, res.target)}: ${cert.subject}`) });
        }
      }
      if (!complete) continue;
      const sanNodes = v.get('subjectAltNames').items();
      let names: string[];
      let at;
      let what: string;
      if (sanNodes.length) {
        // Only Hostname entries are judged; a URI entry could be what the backend presents.
        if (sanNodes.some((s) => s.get('type').str() !== 'Hostname')) continue;
        names = sanNodes.map((s) => s.get('hostname').str() ?? '').filter((h) => h !== '');
        at = v.get('subjectAltNames').keyRange;
        what = `none of subjectAltNames ${names.join(', ')} can be validated`;
      } else {
        const node = v.get('hostname');
        const host = node.str();
        if (!host) continue;
        names = [host];
        at = node.at;
        what = `validation.hostname ${host} cannot be validated`;
      }
      if (!names.length || names.some(isTemplated)) continue;
      const reasons = new Map<string, string>();
      const coverable = names.some((host) =>
        cas.some(({ cert }) => {
          const why = cannotValidate(cert, host);
          if (why && !reasons.has(cert.sha256Fingerprint)) reasons.set(cert.sha256Fingerprint, why);
          return why === undefined;
        }),
      );
      if (coverable) continue;
      const list = [...reasons.values()];
      reportResource(ctx, policy, {
        range: at,
        message: `${what} with the CA certificates of caCertificateRefs: ${list.slice(0, 3).join('; ')}${list.length > 3 ? `; … (${list.length} certificates)` : ''}`,
        related: cas.slice(0, 10).map((c) => c.related),
      });
    }
  },
};

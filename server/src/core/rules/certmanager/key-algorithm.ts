import { isTemplated } from '../../formats/kube/node';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Severity } from '../../findings';
import type { Rule } from '../rule';

/** cert-manager's `privateKey.algorithm` values → Mozilla's `certificate_types` names. */
const TYPES: Record<string, string> = { RSA: 'rsa', ECDSA: 'ecdsa', ED25519: 'ed25519' };

/**
 * A cert-manager Certificate's `privateKey.algorithm` (RSA when unset, cert-manager's
 * default) against the certificate types of the policy's profile (Mozilla Server Side TLS
 * `certificate_types`: modern ECDSA only, intermediate ECDSA or RSA, old RSA). Ed25519 is in
 * no profile: the CA/Browser Forum Baseline Requirements allow only RSA and ECDSA (P-256,
 * P-384, P-521) keys in TLS server certificates, so no publicly trusted CA issues one, and
 * most browsers do not accept Ed25519 server certificates.
 */
export const keyAlgorithm: Rule = {
  id: 'certmanager/key-algorithm',
  title: "Certificate's key algorithm is not among the profile's certificate types",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.certificate],
  check(ctx) {
    const profile = ctx.policy.profile;
    const allowed = profile.certificateTypes.map((t) => t.toLowerCase());
    const shown = allowed.map((t) => (t === 'ecdsa' ? 'ECDSA' : t.toUpperCase())).join(' or ');
    for (const r of ctx.kube().resources) {
      if (resourceKindKey(r) !== K.certificate) continue;
      const pk = r.spec.get('privateKey');
      const node = pk.get('algorithm');
      const written = node.str();
      if (isTemplated(written)) continue;
      const algorithm = (written ?? 'RSA').toUpperCase();
      const type = TYPES[algorithm];
      if (!type || allowed.includes(type)) continue;
      const range = written !== undefined ? node.at : pk.present ? pk.keyRange : r.nameRange;
      const what = written !== undefined ? `privateKey.algorithm ${written}` : 'no privateKey.algorithm (cert-manager defaults to RSA)';
      let message = `${what}: the ${profile.name} profile (${profile.source}) lists only ${shown} certificates`;
      let severity: Severity | undefined;
      if (type === 'ed25519') {
        message += '; and publicly trusted CAs issue only RSA and ECDSA keys (CA/Browser Forum Baseline Requirements) and most browsers do not accept Ed25519 server certificates';
      } else if (type === 'ecdsa') {
        // Only the old (legacy) profile lacks ECDSA, for its oldest clients: a note.
        message += '; its oldest clients cannot use ECDSA';
        severity = 'info';
      }
      reportResource(ctx, r, severity ? { range, severity, message } : { range, message });
    }
  },
};

import { CERTIFICATE_FORMATS, judgedCertificates } from '../../certs/judge';
import { isCa } from '../../x509/certificate';
import type { Rule } from '../rule';

const WEAK = new Set(['MD2', 'MD5', 'SHA-1']);

/**
 * A certificate signed with MD5 or SHA-1 (collisions are practical). A self-signed root's
 * own signature is not judged: clients trust the root itself, not its signature.
 */
export const certWeakSignature: Rule = {
  id: 'cert/weak-signature',
  title: 'Weak certificate signature',
  defaultSeverity: 'error',
  formats: CERTIFICATE_FORMATS,
  check(ctx) {
    for (const c of judgedCertificates(ctx)) {
      if (!c.cert.signatureHash || !WEAK.has(c.cert.signatureHash)) continue;
      if (c.cert.selfIssued && isCa(c.cert)) continue;
      ctx.report({ range: c.range, message: `${c.name} is signed with ${c.cert.signatureAlgorithm}; ${c.cert.signatureHash} signatures are rejected by browsers and OpenSSL's default security level` });
    }
  },
};

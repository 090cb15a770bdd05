import { leafOf, sitesNamedBy } from '../../certs/judge';
import { certificateName } from '../../certs/keys';
import type { CertificateSummary } from '../../x509/certificate';
import type { Rule } from '../rule';

/** Issued by Let's Encrypt (ISRG): its organisation, or its issuer URLs on lencr.org. */
export function issuedByLetsEncrypt(cert: CertificateSummary): boolean {
  return /(^|, )O=Let's Encrypt(,|$)/.test(cert.issuer) || [...cert.caIssuerUrls, ...cert.crlUrls].some((u) => /(^|[/.])lencr\.org(\/|$)/i.test(u));
}

/**
 * `ssl_stapling on` for a Let's Encrypt certificate: Let's Encrypt stopped putting OCSP URLs
 * in certificates on 2025-05-07 and turned its OCSP responders off on 2025-08-06
 * (timeline: https://abetterinternet.net/post/ending-ocsp; shutdown:
 * https://letsencrypt.org/2025/08/06/ocsp-service-has-reached-end-of-life.html). nginx has no
 * responder to ask and logs a warning on every start; there is nothing to staple.
 */
export const staplingLetsencrypt: Rule = {
  id: 'nginx/stapling-letsencrypt',
  title: "ssl_stapling on with a Let's Encrypt certificate",
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    if (ctx.nginxReferencedFiles().size === 0) return;
    const reported = new Set<unknown>();
    for (const server of ctx.nginxEffective().servers) {
      if (server.module !== 'http' || !server.tls) continue;
      const stapling = server.settings.get('ssl_stapling');
      const d = stapling?.directives[0];
      if (!d || stapling?.args[0]?.toLowerCase() !== 'on' || d.file !== undefined || reported.has(d)) continue;
      for (const certDirective of server.settings.get('ssl_certificate')?.directives ?? []) {
        const leaf = leafOf(sitesNamedBy(ctx, certDirective));
        if (!leaf || !issuedByLetsEncrypt(leaf.cert)) continue;
        reported.add(d);
        ctx.report({
          range: d.range,
          message: `ssl_stapling is on, but ${certificateName(leaf.cert)} (${certDirective.args[0]!.value}) is issued by Let's Encrypt, which ended OCSP in 2025 (no OCSP URL in its certificates since 2025-05-07, responders off since 2025-08-06): nothing can be stapled; set "ssl_stapling off"`,
        });
        break;
      }
    }
  },
};

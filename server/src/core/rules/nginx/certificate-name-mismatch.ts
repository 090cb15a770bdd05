import { leafOf, sitesNamedBy } from '../../certs/judge';
import { certificateName } from '../../certs/keys';
import type { CertificateSummary } from '../../x509/certificate';
import { sansCoverHost, sansCoverHostPattern } from '../../x509/names';
import type { Rule } from '../rule';

/** Whether one nginx server_name is covered; undefined for names that are not host names (regexes, `_`, `host.*`). */
function covered(cert: CertificateSummary, name: string): boolean | undefined {
  const n = name.toLowerCase();
  if (n === '' || n === '_' || n.startsWith('~') || n.includes('$') || n.endsWith('.*') || n === 'localhost') return undefined;
  // nginx's ".example.com" means example.com and *.example.com.
  if (n.startsWith('.')) return sansCoverHost(cert.sans, n.slice(1)) && sansCoverHostPattern(cert.sans, '*' + n);
  return sansCoverHostPattern(cert.sans, n);
}

/**
 * A TLS server's `server_name` that the SANs of its `ssl_certificate` do not cover
 * (RFC 6125 §6.4 as browsers apply it; the CN is not consulted). Clients connecting by that
 * name fail certificate verification. Needs the certificate file read from the workspace;
 * with several certificates (RSA and ECDSA), a name covered by any is fine.
 */
export const certificateNameMismatch: Rule = {
  id: 'nginx/certificate-name-mismatch',
  title: 'server_name not covered by the certificate',
  defaultSeverity: 'error',
  formats: ['nginx'],
  check(ctx) {
    if (ctx.nginxReferencedFiles().size === 0) return;
    for (const server of ctx.nginxEffective().servers) {
      if (!server.tls) continue;
      const certDirectives = server.settings.get('ssl_certificate')?.directives ?? [];
      const leaves = certDirectives.map((d) => ({ d, leaf: leafOf(sitesNamedBy(ctx, d)) }));
      if (leaves.length === 0 || leaves.some((l) => !l.leaf)) continue;
      for (const sn of server.serverNames) {
        if (sn.directive.file !== undefined) continue;
        const verdicts = leaves.map((l) => covered(l.leaf!.cert, sn.name));
        if (verdicts.some((v) => v === undefined || v)) continue;
        const first = leaves[0]!;
        const sans = first.leaf!.cert.sans.filter((s) => s.type === 'DNS' || s.type === 'IP').map((s) => s.value);
        ctx.report({
          range: sn.arg.range,
          message: `server_name ${sn.name} is not covered by ${certificateName(first.leaf!.cert)} (${first.d.args[0]!.value}), whose names are ${sans.length ? sans.join(', ') : 'none (no SANs)'}`,
        });
      }
    }
  },
};

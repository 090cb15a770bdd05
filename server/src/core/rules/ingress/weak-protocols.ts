import { INGRESS_KINDS, isIngress, nginxAnnotation } from '../../formats/kube/ingress';
import { reportResource } from '../kubeReport';
import { WEAK_PROTOCOLS } from '../../formats/kube/tls';
import type { TlsProtocol } from '../../policy/profiles';
import type { Rule } from '../rule';
import { protocolListFix } from '../../formats/kube/edits';

/**
 * `proxy-ssl-protocols` (towards HTTPS backends; default TLSv1.2 in ingress-nginx) naming
 * SSLv2/SSLv3/TLSv1/TLSv1.1 beyond the profile (RFC 6176, RFC 7568, RFC 8996).
 */
export const weakProtocols: Rule = {
  id: 'ingress/weak-protocols',
  title: 'proxy-ssl-protocols enables SSLv3, TLSv1 or TLSv1.1',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: INGRESS_KINDS,
  check(ctx) {
    const profile = ctx.policy.profile;
    for (const r of ctx.kube().resources) {
      if (!isIngress(r)) continue;
      const a = nginxAnnotation(r, 'proxy-ssl-protocols');
      if (!a) continue;
      const fixes = protocolListFix('proxy-ssl-protocols', a.node, a.value, profile);
      for (const p of a.value.split(/\s+/)) {
        const weak = WEAK_PROTOCOLS[p as TlsProtocol];
        if (!weak || profile.protocols.includes(p as TlsProtocol)) continue;
        reportResource(ctx, r, { range: a.node.at, severity: weak.severity, message: `proxy-ssl-protocols enables ${p}, ${weak.why}; the ${profile.name} profile allows ${profile.protocols.join(', ')}`, fixes });
      }
    }
  },
};

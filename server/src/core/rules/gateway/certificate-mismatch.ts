import { listenerCertRefs } from '../../formats/kube/gatewayApi';
import { isTemplated } from '../../formats/kube/node';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { named, relatedAt, reportResource } from '../../formats/kube/report';
import { covers, listNames } from '../../formats/kube/secrets';
import type { Rule } from '../rule';

/**
 * The certificate a listener serves must cover its `hostname` (RFC 6125 §6.4, as
 * `ingress/certificate-mismatch`). A listener without hostname is not judged; with several
 * certificateRefs, one covering the hostname is enough.
 */
export const certificateMismatch: Rule = {
  id: 'gateway/certificate-mismatch',
  title: "A listener's certificate does not cover its hostname",
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  check(ctx) {
    const view = ctx.kube();
    for (const gw of view.resources) {
      if (resourceKindKey(gw) !== K.gateway) continue;
      const byListener = new Map<string, ReturnType<typeof listenerCertRefs>>();
      for (const r of listenerCertRefs(view, gw)) byListener.set(r.listenerName, [...(byListener.get(r.listenerName) ?? []), r]);
      for (const refs of byListener.values()) {
        const host = refs[0]!.hostname;
        if (!host || isTemplated(host)) continue;
        const known = refs.flatMap((r) => {
          const res = r.resolution;
          if (res.kind === 'secret' && res.tls.certs[0]) return [{ sans: res.tls.certs[0].sans, related: relatedAt(res.secret, res.tls.certNode, `${named(view, res.secret)}: certificate for ${listNames(res.tls.certs[0].sans)}`) }];
          if (res.kind === 'certificate') return [{ sans: res.sans, related: relatedAt(res.certificate, res.certificate.spec.get('dnsNames'), `${named(view, res.certificate)}: dnsNames ${listNames(res.sans)}`) }];
          return [];
        });
        if (known.length !== refs.length || known.some((k) => covers(k.sans, host))) continue;
        reportResource(ctx, gw, {
          range: refs[0]!.listener.get('hostname').at,
          message: `listener ${refs[0]!.listenerName}: hostname ${host} is not covered by its certificate (${known.map((k) => listNames(k.sans)).join('; ')})`,
          related: known.map((k) => k.related),
        });
      }
    }
  },
};

import { anyResolution, resolveListenerSecret, secretCertificateRelated, type ResolvedListenerRef } from '../../formats/kube/gatewayApi';
import { isTemplated } from '../../formats/kube/node';
import { named, relatedAt, reportResource } from '../kubeReport';
import { covers, listNames } from '../../formats/kube/secrets';
import type { Rule } from '../rule';
import { K } from '../../formats/kube/refs';

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
  kinds: [K.gateway],
  check(ctx) {
    const view = ctx.kube();
    // The references of each listener (by Gateway and listener name).
    const byListener = new Map<string, ResolvedListenerRef[]>();
    const gateways = new Map<object, number>();
    for (const r of resolveListenerSecret(view, anyResolution)) {
      if (!gateways.has(r.gateway)) gateways.set(r.gateway, gateways.size);
      const key = `${gateways.get(r.gateway)}\u0000${r.listenerName}`;
      byListener.set(key, [...(byListener.get(key) ?? []), r]);
    }
    for (const refs of byListener.values()) {
      const first = refs[0]!;
      const host = first.hostname;
      if (!host || isTemplated(host)) continue;
      const known = refs.flatMap((r) => {
        const res = r.resolution;
        if (res.kind === 'secret' && res.tls.certs[0]) return [{ sans: res.tls.certs[0].sans, related: secretCertificateRelated(view, res, `${named(view, res.secret)}: certificate for ${listNames(res.tls.certs[0].sans)}`) }];
        if (res.kind === 'certificate') return [{ sans: res.sans, related: relatedAt(res.certificate, res.certificate.spec.get('dnsNames'), `${named(view, res.certificate)}: dnsNames ${listNames(res.sans)}`) }];
        return [];
      });
      if (known.length !== refs.length || known.some((k) => covers(k.sans, host))) continue;
      const assumptions = [...new Set(refs.flatMap((r) => r.resolution.assumptions ?? []))];
      reportResource(ctx, first.gateway, {
        range: first.listener.get('hostname').at,
        message: `listener ${first.listenerName}: hostname ${host} is not covered by its certificate (${known.map((k) => listNames(k.sans)).join('; ')})`,
        related: known.map((k) => k.related),
        ...(assumptions.length ? { assumptions } : {}),
      });
    }
  },
};

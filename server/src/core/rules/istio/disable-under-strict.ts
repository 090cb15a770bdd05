import type { KNode } from '../../formats/kube/node';
import { K } from '../../formats/kube/refs';
import { effectiveMtls, serviceBackends, targetPort, type EffectiveMtls } from '../../formats/kube/peerAuthentication';
import { resourceKindKey, type KubeResource } from '../../formats/kube/resources';
import { named, relatedAt, reportResource } from '../kubeReport';
import type { KubeView } from '../../workspace/index';
import type { Rule } from '../rule';
import { setScalarFix } from '../../formats/kube/edits';

/** The namespace of a mesh-internal host: `svc`, `svc.ns`, `svc.ns.svc[.cluster.local]`; undefined for other hosts. */
function hostNamespace(host: string, own: string | undefined): string | undefined {
  const parts = host.toLowerCase().split('.');
  if (parts.some((p) => p === '*' || p === '')) return undefined;
  if (parts.length === 1) return own;
  if (parts.length === 2) return parts[1];
  if (parts[2] === 'svc' && (parts.length === 3 || parts.slice(3).join('.') === 'cluster.local')) return parts[1];
  return undefined;
}

interface StrictHit {
  effective: EffectiveMtls;
  workload?: KubeResource;
  /** The Service port judged, when known. */
  port?: number;
}

/**
 * Where a DISABLE at `ports` (Service ports; undefined: every port) meets STRICT: at the
 * workloads the host's Service selects, each with its own PeerAuthentication precedence
 * (port > workload > namespace > mesh), or, when the workspace does not show them, at the
 * namespace-wide and mesh-wide policies.
 */
function strictAt(view: KubeView, ns: string, service: string, ports: ((p: number | undefined) => boolean) | undefined): StrictHit[] {
  const found = serviceBackends(view, ns, service);
  if (!found || found.backends.length === 0) {
    const effective = effectiveMtls(view, ns);
    return effective?.mode === 'STRICT' ? [{ effective }] : [];
  }
  const servicePorts = found.service.spec.get('ports').items();
  const judged = servicePorts.length ? servicePorts.filter((p) => !ports || ports(p.get('port').num())) : [undefined];
  const hits: StrictHit[] = [];
  for (const b of found.backends) {
    for (const sp of judged) {
      const effective = effectiveMtls(view, ns, b.labels, sp && targetPort(sp, b.workload));
      if (effective?.mode !== 'STRICT') continue;
      const hit: StrictHit = { effective, workload: b.workload };
      const port = sp?.get('port').num();
      if (port !== undefined) hit.port = port;
      hits.push(hit);
    }
  }
  return hits;
}

/**
 * A DestinationRule with TLS mode DISABLE towards a mesh service whose server side requires
 * STRICT mTLS by PeerAuthentication: the server refuses the plaintext connections (Istio
 * docs, "Mutual TLS Migration": DestinationRules override auto mTLS). The host's Service
 * leads to its workloads (selector → pod labels), each judged with Istio's precedence:
 * port-level (`portLevelMtls`, by the Service's `targetPort`) over workload-level (`selector`)
 * over namespace-wide over mesh-wide. Without the Service or its workloads in the
 * workspace, the namespace-wide and mesh-wide policies are judged.
 */
export const disableUnderStrict: Rule = {
  id: 'istio/disable-under-strict',
  title: 'DestinationRule disables TLS towards a service that requires STRICT mTLS',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.destinationRule],
  check(ctx) {
    const view = ctx.kube();
    for (const r of view.resources) {
      if (resourceKindKey(r) !== K.destinationRule) continue;
      const host = r.spec.get('host').str();
      const ns = host ? hostNamespace(host, view.namespaceOf(r)) : undefined;
      if (!host || !ns) continue;
      const service = host.toLowerCase().split('.')[0]!;
      const policy = r.spec.get('trafficPolicy');
      const portLevel = policy.get('portLevelSettings').items().map((p) => ({ port: p.get('port', 'number').num(), mode: p.get('tls', 'mode'), hasTls: p.get('tls').exists }));
      // Port-level settings with their own tls replace the destination's tls on that port.
      const overridden = new Set(portLevel.filter((p) => p.hasTls && p.port !== undefined).map((p) => p.port));
      const judged: Array<{ mode: KNode; ports: ((p: number | undefined) => boolean) | undefined }> = [{ mode: policy.get('tls', 'mode'), ports: overridden.size ? (p) => p === undefined || !overridden.has(p) : undefined }];
      for (const p of portLevel) judged.push({ mode: p.mode, ports: p.port === undefined ? undefined : (q) => q === p.port });
      for (const { mode, ports } of judged) {
        if (mode.str() !== 'DISABLE') continue;
        const hits = strictAt(view, ns, service, ports);
        const first = hits[0];
        if (!first) continue;
        const pa = first.effective.pa;
        const where = first.workload ? ` for ${named(view, first.workload)}${first.port !== undefined ? ` (port ${first.port})` : ''}${hits.length > 1 ? ` and ${hits.length - 1} more` : ''}` : ' there';
        const related = [relatedAt(pa, first.effective.node, `${named(view, pa)}: STRICT (${first.effective.scope} level)`)];
        if (first.workload) related.push(relatedAt(first.workload, undefined, named(view, first.workload)));
        reportResource(ctx, r, {
          range: mode.at,
          message: `TLS mode DISABLE towards ${host}, but ${named(view, pa)} requires STRICT mTLS${where}: the connections will be refused`,
          related,
          fixes: setScalarFix('Use ISTIO_MUTUAL (the mesh\'s mTLS)', mode, 'ISTIO_MUTUAL', { preferred: true }),
        });
      }
    }
  },
};

import type { KubeView } from './workspace';
import { BACKEND_TLS_POLICY, backendCaRefs } from './backendTls';
import { listenerCertRefs } from './gatewayApi';
import { ingressSecretRefs, isIngress } from './ingress';
import { credentialNamespaces, gatewayServers, splitCredential } from './istio';
import type { KNode } from './node';
import { isTemplated } from './node';
import { K, resolveSecret } from './refs';
import { resourceKindKey, type KubeResource } from './resources';

/** A reference of the linted file that the workspace cannot answer. */
export interface UnresolvedReference {
  /** The resource that refers. */
  from: KubeResource;
  /** Where the reference is written. */
  node: KNode;
  /** What it names, e.g. "Secret shop/web-tls" or "Secret web-cert in istio-system or shop". */
  what: string;
  /** `missing`: in no file of the workspace; `ambiguous`: equally near definitions differ. */
  why: 'missing' | 'ambiguous';
  /** For ambiguous references, the definitions that differ. */
  candidates?: readonly KubeResource[];
  /** The istioctl code the situation has, when it has one. */
  code?: string;
}

/**
 * Every reference of the linted file's resources that TLS Lens follows and that the
 * workspace cannot answer: Ingress `spec.tls[].secretName`, Gateway API listener
 * `certificateRefs` (those a ReferenceGrant permits; each Secret once per Gateway),
 * BackendTLSPolicy `caCertificateRefs`, Istio Gateway `credentialName` (in the namespaces
 * Istio reads). A reference an operator answers — a cert-manager Certificate, an
 * ExternalSecret or SealedSecret writing the Secret, or cert-manager's annotations on the
 * Ingress or Gateway — is answered. Empty without the whole workspace.
 */
export function unresolvedReferences(view: KubeView): UnresolvedReference[] {
  if (!view.hasWorkspace) return [];
  const out: UnresolvedReference[] = [];
  const add = (from: KubeResource, node: KNode, what: string, res: { kind: string; candidates?: readonly KubeResource[] }, code?: string): void => {
    if (res.kind !== 'missing' && res.kind !== 'ambiguous') return;
    const u: UnresolvedReference = { from, node, what, why: res.kind };
    if (res.candidates) u.candidates = res.candidates;
    if (code) u.code = code;
    out.push(u);
  };
  for (const r of view.resources) {
    const key = resourceKindKey(r);
    if (isIngress(r)) {
      for (const { tls, resolution } of ingressSecretRefs(view, r, true)) add(r, tls.secretNode, `Secret ${view.namespaceOf(r)}/${tls.secretName}`, resolution);
    } else if (key === K.gateway) {
      const seen = new Set<string>();
      for (const ref of listenerCertRefs(view, r)) {
        const id = `${ref.namespace}/${ref.name}`;
        if (!ref.permitted || seen.has(id)) continue;
        seen.add(id);
        add(r, ref.ref.get('name'), `Secret ${id}`, ref.resolution);
      }
    } else if (key === BACKEND_TLS_POLICY) {
      for (const ref of backendCaRefs(view, r)) add(r, ref.node.get('name'), `${ref.refKind} ${view.namespaceOf(r)}/${ref.name}`, ref.resolution);
    } else if (key === K.istioGateway) {
      const { namespaces, workloadKnown } = credentialNamespaces(view, r);
      const seen = new Set<string>();
      for (const s of gatewayServers(r)) {
        const node = s.tls.get('credentialName');
        const cn = node.str();
        if (!cn || isTemplated(cn) || seen.has(cn)) continue;
        seen.add(cn);
        const results = namespaces.map((ns) => {
          const ref = splitCredential(cn, ns);
          return { ref, res: resolveSecret(view, ref.namespace, ref.name) };
        });
        if (results.some((x) => x.res.kind !== 'missing' && x.res.kind !== 'ambiguous')) continue;
        const ambiguous = results.find((x) => x.res.kind === 'ambiguous');
        if (ambiguous) add(r, node, `Secret ${ambiguous.ref.namespace}/${ambiguous.ref.name}`, ambiguous.res);
        else {
          const where = cn.includes('/') ? results[0]!.ref.namespace : namespaces.join(' or ');
          const whose = workloadKnown ? "the gateway workload's namespace" : 'no workload matching the selector is in the workspace';
          add(r, node, `Secret ${splitCredential(cn, '').name} in ${where} (${whose})`, { kind: 'missing' }, 'IST0101');
        }
      }
    }
  }
  return out;
}

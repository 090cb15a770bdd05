import { credentialNamespaces, gatewayServers, splitCredential } from '../../formats/kube/istio';
import { isTemplated } from '../../formats/kube/node';
import { K, resolveSecret } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../../formats/kube/report';
import type { Rule } from '../rule';

/**
 * istioctl IST0101 (ReferencedResourceNotFound) for `servers[].tls.credentialName`: no
 * Secret of that name in the namespace of the Gateway's workload (the first Pod, or pod
 * template, its selector matches). When the workspace holds no such workload (istioctl
 * would then report the selector instead), the Gateway's own namespace and the root
 * namespace are searched. A cert-manager Certificate writing the Secret counts as the Secret.
 */
export const gatewayCredentialNotFound: Rule = {
  id: 'istio/gateway-credential-not-found',
  title: 'Gateway credentialName names no Secret (IST0101)',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  check(ctx) {
    const view = ctx.kube();
    if (!view.hasWorkspace) return;
    for (const gw of view.resources) {
      if (resourceKindKey(gw) !== K.istioGateway) continue;
      const { namespaces, workloadKnown } = credentialNamespaces(view, gw);
      for (const s of gatewayServers(gw)) {
        const node = s.tls.get('credentialName');
        const cn = node.str();
        if (!cn || isTemplated(cn)) continue;
        const found = namespaces.some((ns) => {
          const ref = splitCredential(cn, ns);
          return resolveSecret(view, ref.namespace, ref.name).kind !== 'missing';
        });
        if (found) continue;
        reportResource(ctx, gw, {
          range: node.at,
          message: `credentialName ${cn}: no Secret of that name in ${namespaces.join(' or ')}${workloadKnown ? ", the gateway workload's namespace" : ' (no workload matching the selector is in the workspace)'} (istioctl IST0101)`,
        });
      }
    }
  },
};

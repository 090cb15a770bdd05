import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/** Envoy Gateway's Backend kind (gateway.envoyproxy.io). */
export const ENVOY_GATEWAY_BACKEND = 'Backend.gateway.envoyproxy.io';

/**
 * An Envoy Gateway Backend with `tls.insecureSkipVerify: true`: Envoy connects to the backend
 * over TLS without validating its certificate (Envoy Gateway API reference, BackendTLSSettings;
 * the "Backend TLS: Skip TLS Verification" task warns it exposes the connection to
 * man-in-the-middle attacks and is meant for development and testing).
 */
export const backendInsecureSkipVerify: Rule = {
  id: 'envoygateway/backend-insecure-skip-verify',
  title: "Envoy Gateway Backend skips verification of the backend's certificate",
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [ENVOY_GATEWAY_BACKEND],
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (resourceKindKey(r) !== ENVOY_GATEWAY_BACKEND) continue;
      const node = r.spec.get('tls', 'insecureSkipVerify');
      if (node.bool() !== true) continue;
      reportResource(ctx, r, {
        range: node.at,
        message: `tls.insecureSkipVerify: true: Envoy does not verify the backend's certificate, so anyone on the path can impersonate it; verify it with a BackendTLSPolicy (caCertificateRefs or wellKnownCACertificates) instead`,
      });
    }
  },
};

/** Backends reached over TLS without verification: Traefik ServersTransport(TCP), Envoy Gateway Backend. */
import { describe, test } from 'node:test';
import { expectKube } from './kube-support';

describe('insecureSkipVerify toward backends', () => {
  test('Traefik ServersTransport and ServersTransportTCP (both API groups); false and absent are not reported', () => {
    expectKube(
      `apiVersion: traefik.io/v1alpha1
kind: ServersTransport
metadata: {name: http-transport, namespace: shop}
spec:
  serverName: api.shop.svc
  insecureSkipVerify: true
#                     ^^^^ warning traefik/servers-transport-insecure: ServersTransport shop/http-transport: insecureSkipVerify: true: Traefik does not verify
---
apiVersion: traefik.containo.us/v1alpha1
kind: ServersTransportTCP
metadata: {name: tcp-transport, namespace: shop}
spec:
  tls:
    insecureSkipVerify: "true"
#                       ^^^^^^ warning traefik/servers-transport-insecure: ServersTransportTCP shop/tcp-transport
---
apiVersion: traefik.io/v1alpha1
kind: ServersTransport
metadata: {name: verified, namespace: shop}
spec:
  insecureSkipVerify: false
  rootCAs: [{secret: backend-ca}]
---
apiVersion: traefik.io/v1alpha1
kind: ServersTransportTCP
metadata: {name: top-level, namespace: shop}
spec:
  insecureSkipVerify: true
`,
      {},
      { rules: ['traefik/'] },
    );
  });

  test('Envoy Gateway Backend tls.insecureSkipVerify', () => {
    expectKube(
      `apiVersion: gateway.envoyproxy.io/v1alpha1
kind: Backend
metadata: {name: api, namespace: shop}
spec:
  endpoints:
    - fqdn: {hostname: api.internal.acme.io, port: 443}
  tls:
    insecureSkipVerify: true
#                       ^^^^ warning envoygateway/backend-insecure-skip-verify: Backend shop/api: tls.insecureSkipVerify: true: Envoy does not verify the backend's certificate
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: Backend
metadata: {name: verified, namespace: shop}
spec:
  tls:
    wellKnownCACertificates: System
    insecureSkipVerify: false
`,
      {},
      { rules: ['envoygateway/'] },
    );
  });
});

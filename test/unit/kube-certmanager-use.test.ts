/**
 * cert-manager semantics where the workspace shows them: CA Certificates are no leaves, a
 * staging ACME issuer is reported where it is used, not where it is defined.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectKube, lintKube } from './kube-support';

const ISSUERS = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: letsencrypt-staging}
spec:
  acme:
    server: https://acme-staging-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: le-staging}
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: letsencrypt}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: le}
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: staging, namespace: shop}
spec:
  acme:
    server: https://acme-staging-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: le-staging}
`;

describe('cert-manager where it is used', () => {
  test('the bare staging issuer beside the production one is not reported', () => {
    assert.deepEqual(lintKube(ISSUERS, {}, { file: 'infra/issuers.yaml' }).map((f) => f.ruleId), []);
  });

  test('a staging issuer is reported at the Certificate issuerRef and the Ingress/Gateway annotation that use it', () => {
    const f = expectKube(
      `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web, namespace: shop}
spec:
  secretName: web-tls
  dnsNames: [shop.acme.io]
  issuerRef: {name: letsencrypt-staging, kind: ClusterIssuer}
#                   ^^^^^^^^^^^^^^^^^^^ warning certmanager/staging-issuer: issued by ClusterIssuer letsencrypt-staging, which uses Let's Encrypt staging
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: prod, namespace: shop}
spec:
  secretName: prod-tls
  dnsNames: [shop.acme.io]
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    cert-manager.io/issuer: staging
#                           ^^^^^^^ warning certmanager/staging-issuer: cert-manager.io/issuer asks cert-manager for certificates from Issuer shop/staging
spec:
  tls: [{hosts: [shop.acme.io], secretName: web-ing-tls}]
  rules: [{host: shop.acme.io}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: edge
  namespace: shop
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt-staging
#                                   ^^^^^^^^^^^^^^^^^^^ warning certmanager/staging-issuer: cert-manager.io/cluster-issuer asks cert-manager for certificates from ClusterIssuer letsencrypt-staging
spec:
  gatewayClassName: example
  listeners:
    - {name: https, protocol: HTTPS, port: 443, hostname: shop.acme.io, tls: {certificateRefs: [{name: edge-tls}]}}
`,
      { 'infra/issuers.yaml': ISSUERS },
      { rules: ['certmanager/', 'kube/', 'gateway/', 'ingress/'] },
    );
    assert.equal(f[0]!.related[0]?.file, 'infra/issuers.yaml', 'the issuer as related location');
  });

  test('isCA Certificates are exempt from the leaf lifetime maximum; the renewBefore note is about TLS Lens', () => {
    expectKube(
      `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: root, namespace: cert-manager}
spec:
  isCA: true
  commonName: Acme Root CA
  secretName: root-ca
  duration: 87600h
  issuerRef: {name: selfsigned, kind: ClusterIssuer}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: leaf, namespace: shop}
spec:
  secretName: leaf-tls
  dnsNames: [shop.acme.io]
  duration: 87600h
#           ^^^^^^ warning certmanager/lifetime: 3650 days, longer than the intermediate profile's 366-day maximum
  renewBefore: 72h
#              ^^^ info certmanager/lifetime: renews later than TLS Lens's own expiry warning (30 days, the policy's thresholds.certificateExpiryWarningDays): TLS Lens will report the certificate as expiring before each renewal; nothing is wrong for cert-manager
  issuerRef: {name: ca, kind: ClusterIssuer}
`,
      {},
      { rules: ['certmanager/lifetime'] },
    );
  });
});

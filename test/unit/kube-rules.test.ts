import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DAY, makeCert } from '../support/certs';
import { NOW } from '../support/lint';
import { expectKube, lintKube, tlsSecret } from './kube-support';

let shop: string;
let soon: string;

before(async () => {
  shop = (await makeCert({ cn: 'shop.example.com', dns: ['shop.example.com'], notBefore: new Date(NOW.getTime() - 10 * DAY), notAfter: new Date(NOW.getTime() + 200 * DAY) })).pem;
  // Long-lived, so the day thresholds apply (a short lifetime is judged by its share, as cert/expiring does).
  soon = (await makeCert({ cn: 'shop.example.com', dns: ['shop.example.com'], notBefore: new Date(NOW.getTime() - 300 * DAY), notAfter: new Date(NOW.getTime() + 12 * DAY) })).pem;
});

describe('Istio', () => {
  test('PeerAuthentication by scope; DestinationRule insecureSkipVerify; Gateway protocols, ciphers, redirect', () => {
    expectKube(
      `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec:
  mtls:
    mode: DISABLE
#         ^^^^^^^ error istio/peer-authentication-mode: PeerAuthentication istio-system/default: mode DISABLE mesh-wide
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: legacy, namespace: shop}
spec:
  selector:
    matchLabels: {app: legacy}
  mtls:
    mode: STRICT
  portLevelMtls:
    "8080":
      mode: PERMISSIVE
#           ^^^^^^^^^^ warning istio/peer-authentication-mode: on port 8080
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ext, namespace: shop}
spec:
  host: api.example.com
  trafficPolicy:
    tls: {mode: SIMPLE, caCertificates: /etc/ca.pem}
  subsets:
    - name: v1
      trafficPolicy:
        tls:
          mode: SIMPLE
          caCertificates: /etc/ca.pem
          insecureSkipVerify: true
#                             ^^^^ warning istio/insecure-skip-verify: in subset v1
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
#     ^^^^ warning istio/gateway-http-no-redirect: shop.example.com
      hosts: [shop.example.com]
    - port: {number: 443, name: https, protocol: HTTPS}
      hosts: [shop.example.com]
      tls:
        mode: SIMPLE
        serverCertificate: /etc/cert.pem
        privateKey: /etc/key.pem
        minProtocolVersion: TLSV1_1
#                           ^^^^^^^ warning istio/gateway-min-protocol: allows TLSv1.1
        cipherSuites: [ECDHE-RSA-AES128-GCM-SHA256, AES128-SHA, DES-CBC3-SHA]
#       ^^^^^^^^^^^^ warning istio/gateway-weak-ciphers: 64-bit
#       ^^^^^^^^^^^^ warning istio/gateway-weak-ciphers: no forward secrecy
`,
      {},
      { policy: { require: { meshStrict: true } }, rules: ['istio/'] },
    );
  });

  test('a DestinationRule without caCertificates: the message says what current Istio does, with the istioctl code', () => {
    const f = lintKube(`apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: db, namespace: shop}\nspec:\n  host: db.acme.io\n  trafficPolicy:\n    tls: {mode: SIMPLE}\n`, {}, { index: false });
    assert.equal(f.length, 1);
    assert.match(f[0]!.message, /Istio 1\.21 and later check the server's certificate against the proxy's operating-system CA bundle .*Istio before 1\.21 does not check it at all; set caCertificates .*\(istioctl IST0128\)$/);
  });

  test("a Gateway's certificate must cover its hosts", () => {
    const f = lintKube(
      'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: istio-system}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: [shop.example.com, "shop/api.example.com", "*"]\n      tls: {mode: SIMPLE, credentialName: shop-tls}\n',
      { 's.yaml': tlsSecret('shop-tls', 'istio-system', shop) },
    );
    assert.deepEqual(f.map((x) => [x.ruleId, x.message.includes('api.example.com')]), [['istio/gateway-certificate-mismatch', true]]);
  });

  test("a Gateway's certificate expiring within the thresholds", () => {
    const gw = 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: istio-system}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: [shop.example.com]\n      tls: {mode: SIMPLE, credentialName: shop-tls}\n';
    const f = lintKube(gw, { 's.yaml': tlsSecret('shop-tls', 'istio-system', soon) });
    assert.deepEqual(f.map((x) => [x.ruleId, x.severity]), [['istio/gateway-certificate-expiring', 'warning']]);
    assert.match(f[0]!.message, /expires in 12 days/);
  });
});

describe('Gateway API', () => {
  const GW = (listeners: string, ns = 'web'): string => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: ${ns}}
spec:
  gatewayClassName: x
  listeners:
${listeners}`;

  test('listener without certificates; cross-namespace refs need a ReferenceGrant; hostname coverage and expiry', () => {
    expectKube(
      GW(`    - name: https
      protocol: HTTPS
#               ^^^^^ error gateway/listener-no-certificate: listener https (HTTPS) terminates TLS
      port: 443
    - name: shop
      protocol: HTTPS
      port: 443
      hostname: api.example.com
#               ^^^^^^^^^^^^^^^ error gateway/certificate-mismatch: hostname api.example.com is not covered
      tls:
        certificateRefs:
          - name: shop-tls
    - name: other
      protocol: HTTPS
      port: 8443
      tls:
        certificateRefs:
          - name: soon-tls
#                 ^^^^^^^^ warning gateway/certificate-expired: expires in 12 days
          - name: far
            namespace: certs
#                      ^^^^^ error gateway/reference-not-permitted: RefNotPermitted
`),
      { 'secrets.yaml': [tlsSecret('shop-tls', 'web', shop), tlsSecret('soon-tls', 'web', soon), tlsSecret('far', 'certs', shop)].join('---\n') },
      { rules: ['gateway/'] },
    );
  });

  test('a ReferenceGrant permits the cross-namespace Secret', () => {
    const grant = 'apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: g, namespace: certs}\nspec:\n  from:\n    - {group: gateway.networking.k8s.io, kind: Gateway, namespace: web}\n  to:\n    - {group: "", kind: Secret}\n';
    const f = lintKube(GW('    - name: a\n      protocol: HTTPS\n      port: 443\n      tls:\n        certificateRefs:\n          - {name: far, namespace: certs}\n'), { 's.yaml': tlsSecret('far', 'certs', shop), 'g.yaml': grant });
    assert.deepEqual(f, []);
  });

  test('AllowInsecureFallback and BackendTLSPolicy without validation', () => {
    expectKube(
      `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: mtls}
spec:
  tls:
    frontend:
      default:
        validation:
          mode: AllowInsecureFallback
#               ^^^^^^^^^^^^^^^^^^^^^ warning gateway/insecure-fallback
  listeners: []
---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: backend}
spec:
  targetRefs: [{group: "", kind: Service, name: api}]
  validation:
# ^^^^^^^^^^ warning gateway/backend-tls-policy: no validation.caCertificateRefs
# ^^^^^^^^^^ warning gateway/backend-tls-policy: no validation.hostname
    subjectAltNames: []
`,
      {},
      { index: false },
    );
  });
});

describe('cert-manager', () => {
  test('key size, lifetime, rotation, staging, skipTLSVerify', () => {
    expectKube(
      `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: site, namespace: shop}
spec:
  secretName: site-tls
  dnsNames: [shop.example.com]
  duration: 9000h
#           ^^^^^ warning certmanager/lifetime: 375 days
  renewBefore: 240h
#              ^^^^ info certmanager/lifetime: later than TLS Lens's own expiry warning (30 days
  issuerRef: {name: le, kind: ClusterIssuer}
#                   ^^ warning certmanager/staging-issuer: issued by ClusterIssuer le, which uses Let's Encrypt staging
  privateKey:
    algorithm: RSA
    size: 1024
#         ^^^^ error certmanager/weak-key: RSA 1024-bit
    rotationPolicy: Never
#                   ^^^^^ warning certmanager/rotation-never
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: le}
spec:
  acme:
    server: https://acme-staging-v02.api.letsencrypt.org/directory
    skipTLSVerify: true
#                  ^^^^ error certmanager/acme-skip-tls-verify
`,
      {},
      { index: false },
    );
  });

  test("dnsNames must cover the Ingress hosts using its Secret; a selfSigned issuer for a served certificate", () => {
    const ingress = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\nspec:\n  tls:\n    - hosts: [shop.example.com, api.example.com]\n      secretName: site-tls\n  rules:\n    - host: shop.example.com\n    - host: api.example.com\n';
    const issuer = 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: selfsigned, namespace: shop}\nspec:\n  selfSigned: {}\n';
    const f = lintKube('apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: site, namespace: shop}\nspec:\n  secretName: site-tls\n  dnsNames: [shop.example.com]\n  issuerRef: {name: selfsigned}\n', { 'ing.yaml': ingress, 'iss.yaml': issuer });
    assert.deepEqual(f.map((x) => x.ruleId), ['certmanager/dns-names-mismatch', 'certmanager/self-signed-public']);
    assert.equal(f[0]!.related[0]?.file, 'ing.yaml');
    assert.match(f[0]!.message, /Certificate shop\/site: Ingress shop\/web serves Secret site-tls for api\.example\.com/);
  });
});

describe('Linkerd and Traefik', () => {
  test('annotations that take pods out of mTLS; ServerAuthorization; TLSOption; IngressRoute', () => {
    expectKube(
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata:
      annotations:
        linkerd.io/inject: disabled
#                          ^^^^^^^^ info linkerd/inject-disabled
        config.linkerd.io/skip-inbound-ports: "4222"
#                                             ^^^^^^ warning linkerd/skip-ports
        config.linkerd.io/disable-identity: "true"
#                                           ^^^^^^ error linkerd/disable-identity
        config.linkerd.io/default-inbound-policy: all-unauthenticated
#                                                 ^^^^^^^^^^^^^^^^^^^ info linkerd/default-inbound-policy
        config.linkerd.io/opaque-ports: "5432"
---
apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata: {name: open, namespace: shop}
spec:
  server: {name: api}
  client:
    unauthenticated: true
#                    ^^^^ warning linkerd/unauthenticated-authorization
---
apiVersion: traefik.io/v1alpha1
kind: TLSOption
metadata: {name: mtls}
spec:
  minVersion: VersionTLS10
#             ^^^^^^^^^^^^ warning traefik/tls-option: allows TLSv1
  cipherSuites:
# ^^^^^^^^^^^^ warning traefik/tls-option: no forward secrecy
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    - TLS_RSA_WITH_AES_128_GCM_SHA256
  clientAuth:
    clientAuthType: RequireAndVerifyClientCert
#                   ^^^^^^^^^^^^^^^^^^^^^^^^^^ warning traefik/sni-strict
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: plain}
#                ^^^^^ warning traefik/ingressroute-without-tls
spec:
  entryPoints: [web]
  routes:
    - match: Host(\`a.example.com\`)
      kind: Rule
`,
      {},
      { index: false },
    );
  });
});

describe('Istio across files', () => {
  test('DISABLE towards a namespace under STRICT mTLS (namespace-wide, else mesh-wide)', () => {
    const strict = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: istio-system}\nspec:\n  mtls: {mode: STRICT}\n';
    const permissive = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: legacy}\nspec:\n  mtls: {mode: PERMISSIVE}\n';
    const drs = ['reviews.shop.svc.cluster.local', 'old.legacy', 'api.example.com']
      .map((h, i) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d${i}, namespace: shop}\nspec:\n  host: ${h}\n  trafficPolicy:\n    tls: {mode: DISABLE}\n`)
      .join('---\n');
    const f = lintKube(drs, { 'mesh.yaml': strict, 'legacy.yaml': permissive }).filter((x) => x.ruleId === 'istio/disable-under-strict');
    assert.deepEqual(f.map((x) => x.resource?.name), ['d0']);
    assert.equal(f[0]!.related[0]?.file, 'mesh.yaml');
  });
});

describe('strict mesh policy', () => {
  test('no mesh-wide STRICT PeerAuthentication is reported on the file’s PeerAuthentications, only under require.meshStrict', () => {
    const ns = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\nspec:\n  mtls: {mode: STRICT}\n';
    const mesh = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: istio-system}\nspec:\n  mtls: {mode: STRICT}\n';
    const ids = (others: Record<string, string>, strict: boolean): string[] => lintKube(ns, others, { policy: { require: { meshStrict: strict } } }).map((f) => f.ruleId);
    assert.deepEqual(ids({}, true), ['istio/no-mesh-strict']);
    assert.deepEqual(ids({ 'mesh.yaml': mesh }, true), []);
    assert.deepEqual(ids({}, false), []);
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DAY, makeCert } from '../support/certs';
import { NOW } from '../support/lint';
import { expectKube, lintKube, tlsSecret } from './kube-support';

let shop: string;
let wildcard: string;
let expired: string;

before(async () => {
  shop = (await makeCert({ cn: 'shop.example.com', dns: ['shop.example.com', 'www.example.com'], notBefore: new Date(NOW.getTime() - 10 * DAY), notAfter: new Date(NOW.getTime() + 200 * DAY) })).pem;
  wildcard = (await makeCert({ cn: 'wild', dns: ['*.example.com'], notBefore: new Date(NOW.getTime() - 10 * DAY), notAfter: new Date(NOW.getTime() + 200 * DAY) })).pem;
  expired = (await makeCert({ cn: 'old', dns: ['old.example.com'], notBefore: new Date(NOW.getTime() - 100 * DAY), notAfter: new Date(NOW.getTime() - 2 * DAY) })).pem;
});

const INGRESS = (tls: string, rules: string, annotations = ''): string => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
${annotations ? `  annotations:\n${annotations}\n` : ''}spec:
  tls:
${tls}
  rules:
${rules}`;

describe('Ingress certificates across files', () => {
  test('the Secret in another file does not cover a TLS host: error at the host, related to the Secret', () => {
    const findings = expectKube(
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  tls:
    - hosts: [shop.example.com, api.example.com, "*.example.com"]
#                               ^^^^^^^^^^^^^^^ error ingress/certificate-mismatch: Ingress shop/web: TLS host api.example.com is not covered by the certificate in Secret shop/shop-tls
#                                                ^^^^^^^^^^^^^^^ error ingress/certificate-mismatch: *.example.com
      secretName: shop-tls
  rules:
    - host: shop.example.com
    - host: api.example.com
    - host: "*.example.com"
    - host: plain.example.com
#           ^^^^^^^^^^^^^^^^^ warning ingress/host-without-tls: plain.example.com is in no spec.tls entry
`,
      { 'manifests/secret.yaml': tlsSecret('shop-tls', 'shop', shop) },
      { rules: ['ingress/'] },
    );
    const f = findings.find((x) => x.ruleId === 'ingress/certificate-mismatch')!;
    assert.deepEqual(f.resource, { kind: 'Ingress', name: 'web', namespace: 'shop' });
    assert.equal(f.related[0]?.file, 'manifests/secret.yaml');
    assert.equal(f.related[0]?.range.start.line, 7, 'the related location is the tls.crt line');
  });

  test('a wildcard certificate covers one label; a Secret in another namespace is not used', () => {
    const others = { 'a.yaml': tlsSecret('wild', 'shop', wildcard), 'b.yaml': tlsSecret('shop-tls', 'other', shop) };
    const ids = lintKube(INGRESS('    - hosts: [a.example.com, a.b.example.com]\n      secretName: wild', '    - host: a.example.com\n    - host: a.b.example.com'), others).map((f) => `${f.ruleId} ${f.message.split(': ')[1]?.slice(0, 30)}`);
    assert.deepEqual(ids.filter((i) => i.startsWith('ingress/certificate-mismatch')), ['ingress/certificate-mismatch TLS host a.b.example.com is no']);
    const missing = lintKube(INGRESS('    - hosts: [shop.example.com]\n      secretName: shop-tls', '    - host: shop.example.com'), others);
    assert.deepEqual(missing.map((f) => f.ruleId), ['kube/not-in-workspace']);
    assert.match(missing[0]!.message, /one object this file refers to is not in the workspace: Secret shop\/shop-tls \(Ingress shop\/web, line \d+\)/);
  });

  test('expired certificate, missing key, and the kustomization namespace', () => {
    expectKube(
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: old
spec:
  tls:
    - hosts: [old.example.com]
      secretName: old-tls
#                 ^^^^^^^ error ingress/certificate-expired: Ingress team/old: the certificate in Secret team/old-tls expired 2 days ago
#                 ^^^^^^^ warning ingress/secret-invalid: has no tls.key
  rules:
    - host: old.example.com
`,
      { 'manifests/secret.yaml': tlsSecret('old-tls', 'team', expired, false).replace('  namespace: team\n', ''), 'manifests/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: team\nresources: [app.yaml, secret.yaml]\n' },
      { rules: ['ingress/'] },
    );
  });

  test('a cert-manager Certificate stands in for the Secret it writes', () => {
    const cert = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: site, namespace: shop}\nspec:\n  secretName: site-tls\n  dnsNames: [shop.example.com]\n  issuerRef: {name: le, kind: ClusterIssuer}\n';
    const f = lintKube(INGRESS('    - hosts: [shop.example.com, api.example.com]\n      secretName: site-tls', '    - host: shop.example.com\n    - host: api.example.com'), { 'cert.yaml': cert });
    assert.deepEqual(f.map((x) => x.ruleId), ['ingress/certificate-mismatch']);
    assert.match(f[0]!.message, /Certificate shop\/site, which writes Secret site-tls/);
    assert.equal(f[0]!.related[0]?.file, 'cert.yaml');
  });

  test('without a workspace index nothing is said about other files', () => {
    assert.deepEqual(lintKube(INGRESS('    - hosts: [shop.example.com]\n      secretName: shop-tls', '    - host: shop.example.com'), {}, { index: false }), []);
  });
});

describe('ingress-nginx annotations and ConfigMap', () => {
  test('redirect, backend protocol and verification, passthrough, client verification, ciphers, protocols', () => {
    expectKube(
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  annotations:
    nginx.ingress.kubernetes.io/ssl-redirect: "false"
#                                             ^^^^^^^ warning ingress/ssl-redirect-disabled
    nginx.ingress.kubernetes.io/backend-protocol: "HTTPS"
#                                                 ^^^^^^^ warning ingress/backend-unverified: without proxy-ssl-verify
    nginx.ingress.kubernetes.io/auth-tls-verify-client: optional_no_ca
#                                                       ^^^^^^^^^^^^^^ warning ingress/client-verify-no-ca
    nginx.ingress.kubernetes.io/ssl-ciphers: "HIGH:!aNULL"
#                                            ^^^^^^^^^^^^^ warning ingress/weak-ciphers: no forward secrecy
#                                            ^^^^^^^^^^^^^ warning ingress/weak-ciphers: no AEAD
    nginx.ingress.kubernetes.io/proxy-ssl-protocols: "TLSv1.1 TLSv1.2"
#                                                    ^^^^^^^^^^^^^^^^^ warning ingress/weak-protocols: TLSv1.1
spec:
  tls:
    - hosts: [api.example.com]
      secretName: api-tls
  rules:
    - host: api.example.com
`,
      {},
      { rules: ['ingress/'], index: false },
    );
  });

  test('end-to-end policy: a plaintext backend; passthrough is a note', () => {
    expectKube(
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: plain
#       ^^^^^ warning ingress/plaintext-backend: default HTTP
spec:
  rules:
    - host: a.example.com
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: pass
  annotations:
    nginx.ingress.kubernetes.io/ssl-passthrough: "true"
#                                                ^^^^^^ info ingress/ssl-passthrough
spec:
  rules:
    - host: b.example.com
`,
      {},
      { rules: ['ingress/plaintext', 'ingress/ssl-pass'], index: false, policy: { require: { endToEndEncryption: true } } },
    );
  });

  test('controller ConfigMap keys', () => {
    expectKube(
      `apiVersion: v1
kind: ConfigMap
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
data:
  ssl-protocols: "TLSv1 TLSv1.2"
#                ^^^^^^^^^^^^^^^ warning ingress/controller-config: enables TLSv1
  hsts-max-age: "3600"
#               ^^^^^^ warning ingress/controller-config: below
  ssl-session-tickets: "true"
#                      ^^^^^^ info ingress/controller-config
`,
      {},
      { index: false },
    );
  });

  test('missing secretName, unless the policy declares a default certificate', () => {
    const text = INGRESS('    - hosts: [a.example.com]', '    - host: a.example.com');
    assert.deepEqual(lintKube(text, {}, { index: false }).map((f) => f.ruleId), ['ingress/missing-secret-name']);
    assert.deepEqual(lintKube(text, {}, { index: false, policy: { require: { defaultCertificate: true } } }), []);
  });

  test('a host that is no public name (cluster-local, special-use, private network, an IP) is not a plain-HTTP site; example.com is judged', () => {
    const hosts = ['web.shop.svc.cluster.local', 'keycloak.auth-system', 'dev.localhost', 'nas.home.arpa', 'wiki.corp', '10.0.0.7', 'grafana.internal', 'shop.example.com', 'shop.example.org'];
    const found = lintKube(INGRESS('    - hosts: [tls.example.net]\n      secretName: t', hosts.map((h) => `    - host: ${h}`).join('\n'))).filter((f) => f.ruleId === 'ingress/host-without-tls');
    assert.deepEqual(
      found.map((f) => /host (\S+) is in no/.exec(f.message)?.[1]),
      ['shop.example.com', 'shop.example.org'],
    );
  });

  test('a TLS entry without hosts covers the rule hosts (the API default): no plain-HTTP warning; its certificate is checked against them', () => {
    const findings = expectKube(
      INGRESS(
        '    - secretName: shop-tls',
        '    - host: shop.example.com\n    - host: api.example.com\n#           ^^^^^^^^^^^^^^^ error ingress/certificate-mismatch: host api.example.com is not covered by the certificate in Secret shop/shop-tls\n',
      ),
      { 'manifests/secret.yaml': tlsSecret('shop-tls', 'shop', shop) },
      { rules: ['ingress/', 'kube/'] },
    );
    assert.deepEqual(findings[0]!.assumptions, ["spec.tls[0] lists no hosts: taken to cover the rule hosts (the API's default for an entry without hosts)"]);
    assert.match(findings[0]!.message, /\(assumed: spec\.tls\[0\] lists no hosts/);
    // cert-manager's dnsNames are held to the same hosts.
    const cert = `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: shop, namespace: shop}\nspec:\n  secretName: shop-tls\n  dnsNames: [shop.example.com]\n  issuerRef: {name: le, kind: ClusterIssuer}\n`;
    const ingress = INGRESS('    - secretName: shop-tls', '    - host: shop.example.com\n    - host: api.example.com');
    const onCert = lintKube(cert, { 'ingress.yaml': ingress }, { file: 'certificate.yaml' }).filter((f) => f.ruleId === 'certmanager/dns-names-mismatch');
    assert.equal(onCert.length, 1);
    assert.match(onCert[0]!.message, /serves Secret shop-tls for api\.example\.com/);
  });
});

/**
 * Quick fixes in manifests: each is applied to the manifest, the result still parses with
 * the real `yaml` package to the intended value (strings stay strings), and the finding is
 * gone on a re-lint. Preferred fixes (Fix all) are only those that change no one's access.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { Finding, PolicyInput } from '../../server/src/core';
import { applyFix } from '../support/lint';
import { lintKube } from './kube-support';

interface Case {
  rule: string;
  manifest: string;
  /** The fix's title. */
  title: string;
  /** Path into the (first) document and the value it holds after the fix. */
  path: Array<string | number>;
  value: unknown;
  preferred: boolean;
  policy?: PolicyInput;
  others?: Record<string, string>;
}

const ingress = (annotations: string): string =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: shop\n  annotations:\n${annotations}spec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-tls\n  rules:\n    - host: shop.example.com\n`;

const CASES: Case[] = [
  {
    rule: 'istio/peer-authentication-mode',
    manifest: 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: legacy}\nspec:\n  mtls:\n    mode: PERMISSIVE # migrating\n',
    title: 'Set mode STRICT (only mTLS clients can connect)',
    path: ['spec', 'mtls', 'mode'],
    value: 'STRICT',
    preferred: false,
  },
  {
    rule: 'istio/gateway-min-protocol',
    manifest: 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: istio-system}\nspec:\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: [shop.example.com]\n      tls:\n        mode: SIMPLE\n        credentialName: shop-tls\n        minProtocolVersion: "TLSV1_0"\n',
    title: 'Set minProtocolVersion TLSV1_2',
    path: ['spec', 'servers', 0, 'tls', 'minProtocolVersion'],
    value: 'TLSV1_2',
    preferred: true,
  },
  {
    rule: 'istio/gateway-min-protocol',
    policy: { profile: 'modern' },
    manifest: 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: istio-system}\nspec:\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: [shop.example.com]\n      tls: {mode: SIMPLE, credentialName: shop-tls, minProtocolVersion: TLSV1_2}\n',
    title: 'Set minProtocolVersion TLSV1_3',
    path: ['spec', 'servers', 0, 'tls', 'minProtocolVersion'],
    value: 'TLSV1_3',
    preferred: true,
  },
  {
    rule: 'ingress/weak-protocols',
    manifest: ingress('    nginx.ingress.kubernetes.io/backend-protocol: "HTTPS"\n    nginx.ingress.kubernetes.io/proxy-ssl-protocols: "TLSv1 TLSv1.2"\n'),
    title: 'Set proxy-ssl-protocols "TLSv1.2 TLSv1.3"',
    path: ['metadata', 'annotations', 'nginx.ingress.kubernetes.io/proxy-ssl-protocols'],
    value: 'TLSv1.2 TLSv1.3',
    preferred: true,
  },
  {
    rule: 'ingress/weak-ciphers',
    manifest: ingress("    nginx.ingress.kubernetes.io/ssl-ciphers: 'AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256'\n"),
    title: "Use the intermediate profile's ciphers",
    path: ['metadata', 'annotations', 'nginx.ingress.kubernetes.io/ssl-ciphers'],
    value: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305',
    preferred: true,
  },
  {
    rule: 'ingress/ssl-redirect-disabled',
    manifest: ingress('    nginx.ingress.kubernetes.io/ssl-redirect: "false"\n'),
    title: 'Redirect to HTTPS (ssl-redirect "true")',
    path: ['metadata', 'annotations', 'nginx.ingress.kubernetes.io/ssl-redirect'],
    value: 'true',
    preferred: true,
  },
  {
    rule: 'ingress/controller-config',
    manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ingress-nginx-controller\n  namespace: ingress-nginx\ndata:\n  ssl-session-tickets: "true"\n',
    title: 'Set ssl-session-tickets "false" (the default)',
    path: ['data', 'ssl-session-tickets'],
    value: 'false',
    preferred: true,
  },
  {
    rule: 'ingress/controller-config',
    manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ingress-nginx-controller\n  namespace: ingress-nginx\ndata:\n  hsts-max-age: "600"\n',
    title: 'Set hsts-max-age "63072000"',
    path: ['data', 'hsts-max-age'],
    value: '63072000',
    preferred: true,
  },
  {
    rule: 'ingress/controller-config',
    manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ingress-nginx-controller\n  namespace: ingress-nginx\ndata:\n  ssl-protocols: TLSv1.1 TLSv1.2\n',
    title: 'Set ssl-protocols "TLSv1.2 TLSv1.3"',
    path: ['data', 'ssl-protocols'],
    value: 'TLSv1.2 TLSv1.3',
    preferred: true,
  },
  {
    rule: 'gateway/insecure-fallback',
    manifest: 'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: web}\nspec:\n  gatewayClassName: x\n  listeners: []\n  tls:\n    frontend:\n      default:\n        validation:\n          mode: AllowInsecureFallback\n',
    title: 'Set mode AllowValidOnly (clients without a valid certificate are refused)',
    path: ['spec', 'tls', 'frontend', 'default', 'validation', 'mode'],
    value: 'AllowValidOnly',
    preferred: false,
  },
  {
    rule: 'certmanager/rotation-never',
    manifest: 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web, namespace: shop}\nspec:\n  secretName: web-tls\n  privateKey:\n    rotationPolicy: Never\n',
    title: 'Set rotationPolicy Always',
    path: ['spec', 'privateKey', 'rotationPolicy'],
    value: 'Always',
    preferred: true,
  },
  {
    rule: 'certmanager/weak-key',
    manifest: 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web, namespace: shop}\nspec:\n  secretName: web-tls\n  privateKey:\n    algorithm: RSA\n    size: 1024\n',
    title: 'Set size 2048',
    path: ['spec', 'privateKey', 'size'],
    value: 2048,
    preferred: true,
  },
  {
    rule: 'traefik/tls-option',
    manifest: 'apiVersion: traefik.io/v1alpha1\nkind: TLSOption\nmetadata: {name: default, namespace: traefik}\nspec:\n  minVersion: VersionTLS10\n',
    title: 'Set minVersion VersionTLS12',
    path: ['spec', 'minVersion'],
    value: 'VersionTLS12',
    preferred: true,
  },
  {
    rule: 'linkerd/disable-identity',
    manifest: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  template:\n    metadata:\n      annotations:\n        config.linkerd.io/disable-identity: "true"\n',
    title: 'Give the proxy its identity (disable-identity "false")',
    path: ['spec', 'template', 'metadata', 'annotations', 'config.linkerd.io/disable-identity'],
    value: 'false',
    preferred: false,
  },
  {
    rule: 'istio/disable-under-strict',
    manifest: 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: api, namespace: shop}\nspec:\n  host: api.shop.svc.cluster.local\n  trafficPolicy:\n    tls: {mode: DISABLE}\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\nspec:\n  mtls: {mode: STRICT}\n',
    title: "Use ISTIO_MUTUAL (the mesh's mTLS)",
    path: ['spec', 'trafficPolicy', 'tls', 'mode'],
    value: 'ISTIO_MUTUAL',
    preferred: true,
  },
  {
    rule: 'istio/gateway-http-no-redirect',
    manifest: 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: istio-system}\nspec:\n  servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n      hosts: [shop.example.com]\n      tls:\n        httpsRedirect: false\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: [shop.example.com]\n      tls: {mode: SIMPLE, credentialName: shop-tls}\n',
    title: 'Set tls.httpsRedirect true',
    path: ['spec', 'servers', 0, 'tls', 'httpsRedirect'],
    value: true,
    preferred: true,
  },
  {
    rule: 'traefik/sni-strict',
    manifest: 'apiVersion: traefik.io/v1alpha1\nkind: TLSOption\nmetadata: {name: mtls, namespace: traefik}\nspec:\n  sniStrict: false\n  clientAuth:\n    secretNames: [ca]\n    clientAuthType: RequireAndVerifyClientCert\n',
    title: 'Set sniStrict true',
    path: ['spec', 'sniStrict'],
    value: true,
    preferred: false,
  },
  {
    rule: 'linkerd/default-inbound-policy',
    manifest: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    config.linkerd.io/default-inbound-policy: all-unauthenticated\n',
    title: 'Set default-inbound-policy all-authenticated',
    path: ['metadata', 'annotations', 'config.linkerd.io/default-inbound-policy'],
    value: 'all-authenticated',
    preferred: false,
  },
];

function valueAt(text: string, path: Array<string | number>): unknown {
  const [doc] = parseAllDocuments(text);
  assert.ok(doc && !Array.isArray(doc) && doc.errors.length === 0, `the fixed manifest parses:\n${text}`);
  return doc.getIn(path);
}

describe('quick fixes in manifests', () => {
  for (const c of CASES) {
    test(`${c.rule}: ${c.title}`, () => {
      const findings = lintKube(c.manifest, c.others, { policy: c.policy }).filter((f) => f.ruleId === c.rule);
      assert.equal(findings.length, 1, findings.map((f) => f.message).join('\n'));
      const f = findings[0]!;
      const fix = f.fixes[0];
      assert.ok(fix, `${c.rule} offers a fix`);
      assert.equal(fix.title, c.title);
      assert.equal(fix.preferred === true, c.preferred, 'preferred (applied by Fix all) only where no one loses access');
      const fixed = applyFix(c.manifest, f);
      assert.deepEqual(valueAt(fixed, c.path), c.value);
      const again: Finding[] = lintKube(fixed, c.others, { policy: c.policy }).filter((x) => x.ruleId === c.rule);
      assert.deepEqual(again.map((x) => x.message), [], fixed);
    });
  }

  test('comments beside the value stay; an alias or a block scalar gets no fix', () => {
    const [f] = lintKube(CASES[0]!.manifest).filter((x) => x.ruleId === 'istio/peer-authentication-mode');
    assert.match(applyFix(CASES[0]!.manifest, f!), /mode: STRICT # migrating\n/);
    const aliased = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web, namespace: shop}\nspec:\n  secretName: web-tls\n  x: &never Never\n  privateKey:\n    rotationPolicy: *never\n';
    const [a] = lintKube(aliased).filter((x) => x.ruleId === 'certmanager/rotation-never');
    assert.ok(a, 'still reported');
    assert.deepEqual(a.fixes, []);
  });
});

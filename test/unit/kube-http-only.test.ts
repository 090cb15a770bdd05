/**
 * Public hosts served over plain HTTP only: Gateway API listeners (gateway/listener-http-only)
 * and Istio Gateway servers (istio/gateway-http-only), as ingress/host-without-tls does for an Ingress.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isPublicHostname, patternCovers } from '../../server/src/core/formats/kube/hosts';
import { expectKube, lintKube } from './kube-support';

const ONLY = { rules: ['gateway/listener-http-only', 'istio/gateway-http-only'] };

describe('public host names', () => {
  test('which names are public', () => {
    for (const h of ['shop.acme.io', '*.acme.io', 'a.b.co.uk', 'Shop.Acme.IO.', 'xn--bcher-kva.xn--p1ai']) assert.equal(isPublicHostname(h), true, h);
    for (const h of ['*', '', 'localhost', 'api', 'web.shop.svc', 'web.shop.svc.cluster.local', 'nas.home.arpa', 'printer.local', 'x.internal', 'router.lan', 'example.com', 'www.example.org', 'a.test', 'b.example', '10.0.0.1', '::1', 'keycloak.auth-system', 'db.team1', '{{ .Values.host }}']) {
      assert.equal(isPublicHostname(h), false, h);
    }
  });

  test('listener and server patterns', () => {
    assert.equal(patternCovers(undefined, 'a.acme.io'), true);
    assert.equal(patternCovers('*', 'a.acme.io'), true);
    assert.equal(patternCovers('*.acme.io', 'a.b.acme.io'), true, 'Gateway API and Istio wildcards are suffix matches');
    assert.equal(patternCovers('*.acme.io', 'acme.io'), false);
    assert.equal(patternCovers('*.acme.io', '*.shop.acme.io'), true);
    assert.equal(patternCovers('shop.acme.io', 'api.acme.io'), false);
  });
});

describe('gateway/listener-http-only', () => {
  test("a listener's own hostname; a catch-all listener through its routes' hostnames; redirects, HTTPS and non-public names are not reported", () => {
    const f = expectKube(
      `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec:
  gatewayClassName: example
  listeners:
    - name: plain
      protocol: HTTP
      port: 80
      hostname: blog.acme.io
#               ^^^^^^^^^^^^ warning gateway/listener-http-only: listener plain (HTTP, port 80) serves blog.acme.io over plain HTTP only
    - name: catchall
      protocol: HTTP
#               ^^^^ warning gateway/listener-http-only: serves app.acme.io and api.acme.io, through HTTPRoute web/app over plain HTTP only
      port: 8080
    - name: internal
      protocol: HTTP
      port: 8081
      hostname: grafana.monitoring.svc.cluster.local
    - name: docs
      protocol: HTTP
      port: 8082
      hostname: docs.example.com
    - name: secure-http
      protocol: HTTP
      port: 8083
      hostname: shop.acme.io
    - name: https
      protocol: HTTPS
      port: 443
      hostname: "*.shop.acme.io"
      tls: {certificateRefs: [{name: shop-tls}]}
    - name: https-shop
      protocol: HTTPS
      port: 443
      hostname: shop.acme.io
      tls: {certificateRefs: [{name: shop-tls}]}
    - name: redirect
      protocol: HTTP
      port: 8084
      hostname: www.acme.io
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app, namespace: web}
spec:
  parentRefs: [{name: edge, sectionName: catchall}]
  hostnames: [app.acme.io, api.acme.io, app.acme.io, "{{ .Values.host }}"]
  rules: [{backendRefs: [{name: app, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: to-https, namespace: web}
spec:
  parentRefs: [{name: edge, sectionName: redirect}]
  hostnames: [www.acme.io]
  rules:
    - filters:
        - type: RequestRedirect
          requestRedirect: {scheme: https, statusCode: 301}
`,
      {},
      ONLY,
    );
    const catchall = f.find((x) => x.message.includes('listener catchall'))!;
    assert.deepEqual(catchall.assumptions, ['app.acme.io and api.acme.io are public names (not reserved, documentation, cluster-local or private-network ones)']);
    assert.equal(catchall.related.length, 2, 'the route hostnames');
  });

  test('a route attached to an HTTPS listener of another Gateway serves the host over HTTPS', () => {
    const http = `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: plain, namespace: web}\nspec:\n  listeners: [{name: http, protocol: HTTP, port: 80}]\n`;
    const route = (parents: string): string => `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: app, namespace: web}\nspec:\n  parentRefs: ${parents}\n  hostnames: [app.acme.io]\n`;
    const tls = `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: secure, namespace: web}\nspec:\n  listeners: [{name: https, protocol: HTTPS, port: 443, tls: {certificateRefs: [{name: t}]}}]\n`;
    const count = (others: Record<string, string>): number => lintKube(http, others).filter((x) => x.ruleId === 'gateway/listener-http-only').length;
    assert.equal(count({ 'route.yaml': route('[{name: plain}]') }), 1);
    assert.equal(count({ 'route.yaml': route('[{name: plain}, {name: secure}]'), 'tls.yaml': tls }), 0);
  });
});

describe('istio/gateway-http-only', () => {
  test('an HTTP server for public hosts without HTTPS or httpsRedirect', () => {
    const f = expectKube(
      `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: [blog.acme.io, "shop/shop.acme.io", grafana.svc.cluster.local, "*"]
#             ^^^^^^^^^^^^ warning istio/gateway-http-only: the HTTP server on port 80 serves blog.acme.io over plain HTTP only
    - port: {number: 8080, name: http-redirect, protocol: HTTP}
      hosts: [www.acme.io]
      tls: {httpsRedirect: true}
    - port: {number: 443, name: https, protocol: HTTPS}
      hosts: [shop.acme.io]
      tls: {mode: SIMPLE, credentialName: shop}
`,
      { 'other/gw.yaml': `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: other, namespace: apps}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: ["apps/*.apps.acme.io"]\n      tls: {mode: SIMPLE, credentialName: apps}\n` },
      ONLY,
    );
    assert.equal(f.length, 1);
    // A host another Gateway serves over HTTPS is not HTTP-only.
    const other = lintKube(`apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g, namespace: apps}\nspec:\n  servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n      hosts: [a.apps.acme.io]\n`, {
      'other/gw.yaml': `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: other, namespace: apps}\nspec:\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: ["*.apps.acme.io"]\n      tls: {mode: SIMPLE, credentialName: apps}\n`,
    });
    assert.deepEqual(other.map((x) => x.ruleId), []);
  });
});

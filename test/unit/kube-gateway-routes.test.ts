import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectKube, lintKube } from './kube-support';

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: web}
spec:
  gatewayClassName: example
  listeners:
    - name: passthrough
      protocol: TLS
      port: 8443
      tls:
        mode: Passthrough
    - name: https
      protocol: HTTPS
      port: 443
      tls:
        certificateRefs: [{name: shop-tls}]
`;

const ONLY_PASSTHROUGH = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec:
  listeners:
    - {name: p1, protocol: TLS, port: 443, tls: {mode: Passthrough}}
    - {name: p2, protocol: TLS, port: 8443, tls: {mode: Passthrough}}
`;

const RULES = { rules: ['gateway/route-on-passthrough'] };

describe('gateway/route-on-passthrough', () => {
  test('an HTTPRoute on a Passthrough listener (by sectionName, by port), a GRPCRoute on a Gateway with only Passthrough listeners', () => {
    const f = expectKube(
      `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: web}
spec:
  parentRefs:
    - name: gw
      sectionName: passthrough
#                  ^^^^^^^^^^^ error gateway/route-on-passthrough: attached to Gateway web/gw (gateway.yaml), but listener passthrough is in TLS Passthrough mode
    - name: gw
      sectionName: https
    - name: gw
#           ^^ error gateway/route-on-passthrough: listener passthrough on port 8443
      port: 8443
    - name: gw
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: rpc, namespace: web}
spec:
  parentRefs:
    - name: edge
#           ^^^^ error gateway/route-on-passthrough: every listener is in TLS Passthrough mode
`,
      { 'gateway.yaml': GATEWAY + '---\n' + ONLY_PASSTHROUGH },
      RULES,
    );
    // The related location is the listener's tls.mode in the Gateway's file.
    assert.equal(f[0]?.related?.[0]?.file, 'gateway.yaml');
    assert.equal(f[0]?.related?.[0]?.range.start.line, 10);
  });

  test('TLSRoutes, other namespaces, unknown Gateways and other parent kinds are not reported', () => {
    const f = lintKube(
      `apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TLSRoute
metadata: {name: shop, namespace: web}
spec:
  parentRefs: [{name: gw, sectionName: passthrough}, {name: edge}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: other}
spec:
  parentRefs:
    - {name: gw, sectionName: passthrough}
    - {name: gw, namespace: web, sectionName: https}
    - {name: missing, namespace: web}
    - {name: gw, namespace: web, kind: Service, group: ""}
`,
      { 'gateway.yaml': GATEWAY + '---\n' + ONLY_PASSTHROUGH },
    ).filter((x) => x.ruleId === 'gateway/route-on-passthrough');
    assert.deepEqual(f, []);
  });

  test('the Gateway in the same file', () => {
    const f = lintKube(`${ONLY_PASSTHROUGH}---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: web}\nspec:\n  parentRefs: [{name: edge, sectionName: p1}]\n`).filter((x) => x.ruleId === 'gateway/route-on-passthrough');
    assert.equal(f.length, 1);
    assert.match(f[0]!.message, /^HTTPRoute web\/r: attached to Gateway web\/edge, but listener p1 is in TLS Passthrough mode/);
  });
});

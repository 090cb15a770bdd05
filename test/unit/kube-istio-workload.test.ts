import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectKube, lintKube } from './kube-support';

/** Istio precedence for `istio/disable-under-strict`: port > workload > namespace > mesh. */

const pa = (name: string, ns: string, spec: string): string => `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec}`;
const service = (name: string, ns: string, ports = '    - {port: 80, targetPort: 9080}\n'): string =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: {app: ${name}}\n  ports:\n${ports}`;
const deployment = (name: string, ns: string, labels = `{app: ${name}, version: v1}`): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata:\n      labels: ${labels}\n    spec:\n      containers:\n        - name: app\n          image: example/app\n          ports: [{name: http, containerPort: 9080}]\n`;
const docs = (...d: string[]): string => d.join('---\n');

const RULE = { rules: ['istio/disable-under-strict'] };

describe('istio/disable-under-strict at workload level', () => {
  test('a workload PERMISSIVE under a namespace STRICT: no report; a workload STRICT under a namespace PERMISSIVE: reported', () => {
    const mesh = docs(
      pa('default', 'shop', '  mtls: {mode: STRICT}\n'),
      pa('reviews', 'shop', '  selector:\n    matchLabels: {app: reviews}\n  mtls: {mode: PERMISSIVE}\n'),
      service('reviews', 'shop'),
      deployment('reviews', 'shop'),
      pa('default', 'legacy', '  mtls: {mode: PERMISSIVE}\n'),
      pa('ratings', 'legacy', '  selector:\n    matchLabels: {app: ratings}\n  mtls: {mode: STRICT}\n'),
      service('ratings', 'legacy'),
      deployment('ratings', 'legacy'),
    );
    const f = expectKube(
      `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews.shop.svc.cluster.local
  trafficPolicy:
    tls: {mode: DISABLE}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings, namespace: shop}
spec:
  host: ratings.legacy.svc.cluster.local
  trafficPolicy:
    tls: {mode: DISABLE}
#               ^^^^^^^ warning istio/disable-under-strict: PeerAuthentication legacy/ratings requires STRICT mTLS for Deployment legacy/ratings (port 80)
`,
      { 'mesh.yaml': mesh },
      RULE,
    );
    assert.deepEqual(
      f[0]!.related.map((r) => r.file),
      ['mesh.yaml', 'mesh.yaml'],
    );
    assert.match(f[0]!.related[0]!.message, /STRICT \(workload level\)/);
  });

  test('a workload the PERMISSIVE selector misses still falls under the namespace STRICT', () => {
    const mesh = docs(
      pa('default', 'shop', '  mtls: {mode: STRICT}\n'),
      pa('reviews-v1', 'shop', '  selector:\n    matchLabels: {app: reviews, version: v1}\n  mtls: {mode: PERMISSIVE}\n'),
      service('reviews', 'shop'),
      deployment('reviews', 'shop'),
      deployment('reviews-v2', 'shop', '{app: reviews, version: v2}'),
    );
    expectKube(
      `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  trafficPolicy:
    tls:
      mode: DISABLE
#           ^^^^^^^ warning istio/disable-under-strict: PeerAuthentication shop/default requires STRICT mTLS for Deployment shop/reviews-v2
`,
      { 'mesh.yaml': mesh },
      RULE,
    );
  });

  test('UNSET at workload level inherits the namespace (and the mesh) mode', () => {
    const mesh = docs(
      pa('default', 'istio-system', '  mtls: {mode: STRICT}\n'),
      pa('reviews', 'shop', '  selector:\n    matchLabels: {app: reviews}\n  mtls: {mode: UNSET}\n'),
      service('reviews', 'shop'),
      deployment('reviews', 'shop'),
    );
    expectKube(
      `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews.shop
  trafficPolicy:
    tls: {mode: DISABLE}
#               ^^^^^^^ warning istio/disable-under-strict: PeerAuthentication istio-system/default requires STRICT mTLS
`,
      { 'mesh.yaml': mesh },
      RULE,
    );
  });

  test('port level: portLevelMtls on the container port a Service port leads to (targetPort by number or name)', () => {
    const mesh = docs(
      pa('details', 'shop', '  selector:\n    matchLabels: {app: details}\n  mtls: {mode: PERMISSIVE}\n  portLevelMtls:\n    9080: {mode: STRICT}\n'),
      service('details', 'shop', '    - {port: 80, targetPort: http}\n    - {port: 8080, targetPort: 8081}\n'),
      deployment('details', 'shop'),
    );
    expectKube(
      `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: details, namespace: shop}
spec:
  host: details.shop.svc
  trafficPolicy:
    tls: {mode: DISABLE}
    portLevelSettings:
      - port: {number: 80}
        tls: {mode: DISABLE}
#                   ^^^^^^^ warning istio/disable-under-strict: requires STRICT mTLS for Deployment shop/details (port 80)
      - port: {number: 8080}
        tls: {mode: DISABLE}
`,
      { 'mesh.yaml': mesh },
      RULE,
    );
    // The destination-level DISABLE covers the ports without their own tls: 80 here.
    const f = lintKube(
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d, namespace: shop}\nspec:\n  host: details\n  trafficPolicy:\n    tls: {mode: DISABLE}\n    portLevelSettings:\n      - port: {number: 8080}\n        tls: {mode: ISTIO_MUTUAL}\n',
      { 'mesh.yaml': mesh },
    ).filter((x) => x.ruleId === 'istio/disable-under-strict');
    assert.equal(f.length, 1);
    assert.match(f[0]!.message, /\(port 80\)/);
    assert.match(f[0]!.related[0]!.message, /port level/);
  });

  test('a policy with a selector in the root namespace is ignored', () => {
    const mesh = docs(
      pa('default', 'istio-system', '  mtls: {mode: PERMISSIVE}\n'),
      pa('gw', 'istio-system', '  selector:\n    matchLabels: {app: gw}\n  mtls: {mode: STRICT}\n'),
      service('gw', 'istio-system'),
      deployment('gw', 'istio-system'),
    );
    const dr = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d, namespace: shop}\nspec:\n  host: gw.istio-system.svc.cluster.local\n  trafficPolicy:\n    tls: {mode: DISABLE}\n';
    assert.deepEqual(lintKube(dr, { 'mesh.yaml': mesh }).filter((x) => x.ruleId === 'istio/disable-under-strict'), []);
  });

  test('without the Service or its workloads in the workspace, the namespace-wide policy decides', () => {
    const mesh = docs(pa('default', 'shop', '  mtls: {mode: STRICT}\n'), pa('reviews', 'shop', '  selector:\n    matchLabels: {app: reviews}\n  mtls: {mode: PERMISSIVE}\n'));
    const f = lintKube('apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d, namespace: shop}\nspec:\n  host: reviews\n  trafficPolicy:\n    tls: {mode: DISABLE}\n', { 'mesh.yaml': mesh }).filter(
      (x) => x.ruleId === 'istio/disable-under-strict',
    );
    assert.equal(f.length, 1);
    assert.match(f[0]!.message, /PeerAuthentication shop\/default requires STRICT mTLS there/);
  });
});

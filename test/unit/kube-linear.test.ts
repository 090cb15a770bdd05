import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TextDoc, lintDocument, resolvePolicy } from '../../server/src/core';
import * as resources from '../../server/src/core/formats/kube/resources';
import { KubeIndex } from '../../server/src/core/workspace/index';
import { NOW } from '../support/lint';

/**
 * The Kubernetes rules grow linearly with the resources of a file: a lint of twice the
 * resources does about twice the work. Work is counted (calls of `resourceKindKey`, which
 * every kind filter and lookup makes), not timed; a lookup that scans the whole file, or a
 * rule that compares every pair, makes it grow fourfold.
 */

function manifest(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web${i}\n  namespace: ns\nspec:\n  tls:\n    - hosts: [h${i}.example.test]\n      secretName: tls${i}\n  rules:\n    - host: h${i}.example.test\n`,
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls${i}\n  namespace: ns\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ""\n`,
      `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: gw${i}\n  namespace: ns\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: [g${i}.example.test]\n      tls: {mode: SIMPLE, credentialName: ${i % 100 === 0 ? 'shared' : `cred${i}`}}\n`,
      `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: dr${i}\n  namespace: ns\nspec:\n  host: svc${i}.ns.svc.cluster.local\n  trafficPolicy:\n    tls: {mode: SIMPLE}\n`,
      `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r${i}\n  namespace: ns\nspec:\n  parentRefs: [{name: gw${i}}]\n  hostnames: [r${i}.example.test]\n`,
    );
  }
  return out.join('---\n');
}

/** Calls of `resourceKindKey` during one lint of a file of `n` groups of resources, with and without a workspace index. */
function work(n: number, withIndex: boolean): number {
  const text = manifest(n);
  const file = `linear-${n}-${withIndex}.yaml`;
  let kubeIndex: KubeIndex | undefined;
  if (withIndex) {
    kubeIndex = new KubeIndex();
    kubeIndex.setFile(file, text);
    kubeIndex.setFile('other.yaml', manifest(3));
  }
  const original = resources.resourceKindKey;
  let calls = 0;
  Object.assign(resources, {
    resourceKindKey: (r: Parameters<typeof original>[0]) => {
      calls++;
      return original(r);
    },
  });
  try {
    lintDocument(new TextDoc(file, text), { policy: resolvePolicy(), now: NOW, ...(kubeIndex ? { kubeIndex } : {}) });
  } finally {
    Object.assign(resources, { resourceKindKey: original });
  }
  return calls;
}

describe('Kubernetes rules grow linearly with a file’s resources', () => {
  for (const withIndex of [false, true]) {
    test(`twice the resources, about twice the work (${withIndex ? 'with' : 'without'} a workspace index)`, () => {
      const small = work(150, withIndex);
      const large = work(600, withIndex);
      assert.ok(small > 1000, `${small} calls: the count must see the rules' work`);
      // Four times the resources: linear work is about 4×, quadratic 16×.
      assert.ok(large < small * 6, `150 groups: ${small} calls, 600 groups: ${large} (${(large / small).toFixed(1)}×)`);
    });
  }
});

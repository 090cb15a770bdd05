import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KubeIndex } from '../../server/src/core/workspace/index';
import { KustomizeNamespaces, normalizePath } from '../../server/src/core/formats/kube/kustomize';

const K = (body: string): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const secret = (name: string, ns?: string): string => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}`;
/** The namespace the index gives Secret `name` (the first one of that name). */
const nsOf = (idx: KubeIndex, name: string): string | undefined => {
  const r = idx.ofKind('Secret').find((s) => s.name === name);
  return r && idx.namespaceOf(r);
};

describe('kustomization namespaces', () => {
  test('a namespace applies to the files and folders the kustomization lists, not to every file of its folder', () => {
    const idx = new KubeIndex();
    idx.setFile('app/kustomization.yaml', K('namespace: shop\nresources:\n  - listed.yaml\n  - ./certs/\n'));
    idx.setFile('app/listed.yaml', secret('listed'));
    idx.setFile('app/unlisted.yaml', secret('unlisted'));
    idx.setFile('app/certs/kustomization.yaml', K('resources: [tls.yaml]\n'));
    idx.setFile('app/certs/tls.yaml', secret('tls'));
    idx.setFile('app/certs/stray.yaml', secret('stray'));
    assert.equal(nsOf(idx, 'listed'), 'shop');
    assert.equal(nsOf(idx, 'unlisted'), 'default');
    assert.equal(nsOf(idx, 'tls'), 'shop', 'a sub-folder kustomization the parent lists');
    assert.equal(nsOf(idx, 'stray'), 'default');
    assert.equal(idx.find('Secret', 'shop', 'tls')[0]?.file, 'app/certs/tls.yaml');
  });

  test('nested kustomizations: each namespace reaches its own resources; a listing parent with a namespace overrides, as kustomize build does', () => {
    const idx = new KubeIndex();
    // Two levels: root (no namespace) → shop (namespace shop) → shop/tls (namespace tls-team).
    idx.setFile('root/kustomization.yaml', K('resources: [shop, payments]\n'));
    idx.setFile('root/shop/kustomization.yaml', K('namespace: shop\nresources: [web.yaml, tls]\n'));
    idx.setFile('root/shop/web.yaml', secret('web'));
    idx.setFile('root/shop/tls/kustomization.yaml', K('namespace: tls-team\nresources: [cert.yaml]\n'));
    idx.setFile('root/shop/tls/cert.yaml', secret('cert', 'written'));
    idx.setFile('root/payments/kustomization.yaml', K('namespace: payments\nresources: [pay.yaml]\n'));
    idx.setFile('root/payments/pay.yaml', secret('pay'));
    assert.equal(nsOf(idx, 'web'), 'shop');
    assert.equal(nsOf(idx, 'pay'), 'payments', 'a sibling keeps its own namespace');
    // Built from root (or shop), shop's namespace transformer runs last over what tls emits.
    assert.equal(nsOf(idx, 'cert'), 'shop');
    // Without the listing parent, the inner kustomization's namespace applies (over metadata.namespace).
    idx.setFile('root/shop/kustomization.yaml', K('namespace: shop\nresources: [web.yaml]\n'));
    assert.equal(nsOf(idx, 'cert'), 'tls-team');
    idx.removeFile('root/shop/tls/kustomization.yaml');
    assert.equal(nsOf(idx, 'cert'), 'written', 'no kustomization lists it: its own namespace');
  });

  test('one base in two overlays: the namespace below the fork; bases through ../ and the older bases: field', () => {
    const idx = new KubeIndex();
    idx.setFile('base/kustomization.yaml', K('resources: [s.yaml]\n'));
    idx.setFile('base/s.yaml', secret('s'));
    idx.setFile('overlays/prod/kustomization.yaml', K('namespace: prod\nresources: [../../base]\n'));
    assert.equal(nsOf(idx, 's'), 'prod');
    idx.setFile('overlays/staging/kustomization.yaml', K('namespace: staging\nbases: [../../base/]\n'));
    assert.equal(nsOf(idx, 's'), 'default', 'prod or staging: not known');
    idx.setFile('base/kustomization.yaml', K('namespace: base-ns\nresources: [s.yaml]\n'));
    assert.equal(nsOf(idx, 's'), 'base-ns');
    idx.removeFile('overlays/staging/kustomization.yaml');
    assert.equal(nsOf(idx, 's'), 'prod');
  });

  test('remote resources, cycles and odd paths do not break the index', () => {
    const idx = new KubeIndex();
    idx.setFile('a/kustomization.yaml', K('namespace: a\nresources: [https://github.com/example/repo//deploy?ref=v1, ../b, x.yaml]\n'));
    idx.setFile('b/kustomization.yaml', K('namespace: b\nresources: [../a]\n'));
    idx.setFile('a/x.yaml', secret('x'));
    assert.ok(['a', 'b'].includes(nsOf(idx, 'x')!));
    assert.equal(normalizePath('a/./b/../c/'), 'a/c');
    assert.equal(normalizePath('C:\\work\\k\\..\\x.yaml'), 'C:/work/x.yaml');
    assert.equal(normalizePath('/abs/dir/../f.yaml'), '/abs/f.yaml');
  });

  test('deep graphs where every path leads through the same kustomizations: the outer namespace, each kustomization walked once', () => {
    // 40 layers of two kustomizations, each listing both of the next layer: 2^40 paths from the
    // innermost file to the top, which a walk of every path would never finish.
    const layers = 40;
    const k = new KustomizeNamespaces();
    for (let i = 0; i < layers; i++) for (const s of ['a', 'b']) k.set(`/w/${s}${i}/kustomization.yaml`, { namespace: `ns${i}`, resources: [`../a${i + 1}`, `../b${i + 1}`] });
    k.set(`/w/a${layers}/kustomization.yaml`, { resources: ['x.yaml'] });
    assert.equal(k.namespaceFor(`/w/a${layers}/x.yaml`), 'ns0');
    assert.equal(k.namespaceFor(`/w/b${layers - 1}/kustomization.yaml`), undefined, 'a kustomization file is not a listed resource');
    // Two tops that disagree: the namespace below the fork.
    k.set('/w/top/kustomization.yaml', { namespace: 'other', resources: ['../a0'] });
    assert.equal(k.namespaceFor(`/w/a${layers}/x.yaml`), 'ns1');
    // A kustomization listing its own folder, and a cycle through the layers, end.
    k.set('/w/self/kustomization.yaml', { namespace: 'self', resources: ['.', 'y.yaml'] });
    assert.equal(k.namespaceFor('/w/self/y.yaml'), 'self');
    k.set(`/w/a${layers}/kustomization.yaml`, { namespace: 'inner', resources: ['x.yaml', '../a0', '../b0'] });
    assert.ok(['ns1', 'inner'].includes(k.namespaceFor(`/w/a${layers}/x.yaml`)!));
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TextDoc, detectFormat } from '../../server/src/core';
import { parseKubeFile, resourceKindKey } from '../../server/src/core/formats/kube/resources';
import { LineIndex } from '../../server/src/core/text';
import { KubeIndex } from '../../server/src/core/workspace/index';

function parse(text: string, file = 'm.yaml') {
  return parseKubeFile(file, text, new LineIndex(text));
}

describe('Kubernetes manifests', () => {
  test('multi-document YAML, List items and exact ranges for fields', () => {
    const text = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: web-tls',
      '  namespace: shop',
      '---',
      '# a comment only',
      '---',
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - apiVersion: networking.k8s.io/v1',
      '    kind: Ingress',
      '    metadata: {name: web, annotations: {a: "true"}}',
      '    spec:',
      '      tls:',
      '        - hosts: [shop.example.com]',
      '          secretName: web-tls',
      '  - kind: NoApiVersion',
    ].join('\n');
    const f = parse(text);
    assert.deepEqual(f.resources.map((r) => [resourceKindKey(r), r.namespace, r.name]), [
      ['Secret', 'shop', 'web-tls'],
      ['Ingress.networking.k8s.io', undefined, 'web'],
    ]);
    const ing = f.resources[1]!;
    assert.deepEqual(ing.annotations, { a: 'true' });
    const host = ing.spec.get('tls', 0, 'hosts', 0);
    assert.equal(host.str(), 'shop.example.com');
    assert.deepEqual(host.range, { start: { line: 16, character: 18 }, end: { line: 16, character: 34 } });
    const missing = ing.spec.get('tls', 0, 'nothing', 'deeper');
    assert.equal(missing.exists, false);
    assert.equal(missing.range.start.line, 16, 'a missing field falls back to its nearest written ancestor');
    assert.deepEqual(f.notes, []);
  });

  test('JSON manifests are Kubernetes too', () => {
    const text = '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x", "namespace": "n"}, "data": {"tls.crt": ""}}';
    assert.equal(detectFormat(new TextDoc('secret.json', text)), 'kubernetes');
    assert.equal(detectFormat(new TextDoc('package.json', '{"name": "x"}')), 'text');
    assert.equal(parse(text, 'secret.json').resources[0]?.name, 'x');
  });

  test('a template that is not YAML gives one note, not a flood; parsable templated documents are read', () => {
    const text = ['{{- if .Values.ingress.enabled }}', 'apiVersion: networking.k8s.io/v1', 'kind: Ingress', 'metadata:', '  name: {{ .Release.Name }}', '{{- end }}'].join('\n');
    const f = parse(text);
    assert.equal(f.notes.length, 1);
    assert.equal(f.notes[0]!.kind, 'template');
    assert.deepEqual(f.notes[0]!.range.start, { line: 0, character: 0 });
    const ok = parse('apiVersion: v1\nkind: Secret\nmetadata:\n  name: "{{ .Values.name }}"\n');
    assert.deepEqual(ok.notes, []);
    assert.equal(ok.resources[0]?.templated, true);
  });

  test('an alias bomb is bounded and reported, not expanded', () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    lines.push('data: *a11');
    const f = parse(lines.join('\n'));
    const r = f.resources[0]!;
    // Walking everything behind the alias would touch 10^12 nodes: the budget stops it.
    const walk = (n: ReturnType<typeof r.root.get>, depth: number): number => (depth > 14 ? 0 : 1 + n.items().reduce((s, i) => s + walk(i, depth + 1), 0));
    walk(r.root.get('data'), 0);
    assert.equal(f.aliasBudget.exceeded, true);
  });
});

describe('workspace index', () => {
  test('kind/namespace/name with default namespace, document namespace and kustomization namespace', () => {
    const idx = new KubeIndex();
    idx.setFile('a/secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n');
    idx.setFile('b/secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: shop\n');
    idx.setFile('c/secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n');
    idx.setFile('c/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: team\nresources: [secret.yaml]\n');
    idx.setFile('notes.yaml', 'just: yaml\n');
    assert.equal(idx.find('Secret', 'default', 's')[0]?.file, 'a/secret.yaml');
    assert.equal(idx.find('Secret', 'shop', 's')[0]?.file, 'b/secret.yaml');
    assert.equal(idx.find('Secret', 'team', 's')[0]?.file, 'c/secret.yaml');
    assert.equal(idx.fileCount, 4);
    idx.removeFile('c/kustomization.yaml');
    assert.equal(idx.find('Secret', 'default', 's').length, 2);
    idx.setFile('a/secret.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\n');
    assert.equal(idx.find('Secret', 'default', 's')[0]?.file, 'c/secret.yaml');
    assert.equal(idx.find('ConfigMap', 'default', 's').length, 1);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backendCaRefs } from '../../server/src/core/formats/kube/backendTls';
import { decodedValue, secretTls } from '../../server/src/core/formats/kube/secrets';
import { parseYamlFile } from '../../server/src/core/formats/yaml/documents';
import { LineIndex } from '../../server/src/core/text';
import { kubeViewFor } from '../../server/src/core/workspace/index';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function viewOf(text: string): ReturnType<typeof kubeViewFor> {
  const lines = new LineIndex(text);
  return kubeViewFor({ file: 'm.yaml', text, lines }, undefined, () => parseYamlFile(text, lines));
}

describe('values of Secrets and ConfigMaps, plain or base64', () => {
  test('the plain field wins over the base64 one; base64 may hold line breaks; bad base64 is told apart', () => {
    const text = [
      `apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: shop}\nstringData:\n  both: plain\ndata:\n  both: ${b64('encoded')}\n  wrapped: |\n    ${b64('one two three four').slice(0, 8)}\n    ${b64('one two three four').slice(8)}\n  bad: not*base64\n  empty: ""\n`,
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata:\n  text: hello\nbinaryData:\n  bin: ${b64('bytes')}\n`,
    ].join('---\n');
    const [s, c] = viewOf(text).resources;
    assert.ok(s && c);
    const read = (r: typeof s, plain: string, enc: string, key: string): unknown => {
      const v = decodedValue(r, plain, enc, key);
      return v && [v.text, v.invalidBase64 ?? false, v.node.at.start.line];
    };
    assert.deepEqual(read(s, 'stringData', 'data', 'both'), ['plain', false, 4]);
    assert.deepEqual(read(s, 'stringData', 'data', 'wrapped'), ['one two three four', false, 7]);
    assert.deepEqual(read(s, 'stringData', 'data', 'bad'), ['', true, 10]);
    assert.deepEqual(read(s, 'stringData', 'data', 'empty'), ['', false, 11]);
    assert.equal(read(s, 'stringData', 'data', 'absent'), undefined);
    assert.deepEqual(read(c, 'data', 'binaryData', 'text'), ['hello', false, 17]);
    assert.deepEqual(read(c, 'data', 'binaryData', 'bin'), ['bytes', false, 19]);
  });

  test('bad base64 in a TLS Secret and in a BackendTLSPolicy CA reference', () => {
    const text = [
      'apiVersion: v1\nkind: Secret\nmetadata: {name: tls, namespace: shop}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: "%%%"\n  tls.key: "%%%"\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ca, namespace: shop}\nbinaryData:\n  ca.crt: "%%%"\n',
      'apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  targetRefs: [{group: "", kind: Service, name: p}]\n  validation:\n    caCertificateRefs: [{group: "", kind: ConfigMap, name: ca}]\n    hostname: p.example\n',
    ].join('---\n');
    const view = viewOf(text);
    const [secret, , policy] = view.resources;
    assert.ok(secret && policy && policy.kind === 'BackendTLSPolicy');
    const tls = secretTls(secret);
    assert.equal(tls.problem, 'tls.crt is not valid base64');
    assert.equal(tls.hasKey, true, 'a key is there, however badly encoded');
    const refs = backendCaRefs(view, policy);
    assert.equal(refs.length, 1);
    const r = refs[0]!.resolution;
    assert.equal(r.kind, 'unusable');
    assert.equal(r.kind === 'unusable' ? r.why : undefined, 'ca.crt is not valid base64');
  });
});

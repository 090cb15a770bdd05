/**
 * What is read as base64 certificate material: a Secret's `data` and the fields that are
 * base64 by definition (kubeconfig `*-data`, `caBundle`), not the templates of External
 * Secrets or Sealed Secrets, not a ConfigMap's plain `data`; documentation placeholders give
 * at most one note per file.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { TextDoc } from '../../server/src/core';
import { materialSites } from '../../server/src/core/certs/sites';
import { notMaterial } from '../../server/src/core/formats/kube/placeholders';
import { DAY, makeCert } from '../support/certs';
import { NOW } from '../support/lint';
import { lintKube, tlsSecret } from './kube-support';

let pem: string;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

before(async () => {
  pem = (await makeCert({ cn: 'shop.acme.io', dns: ['shop.acme.io'], notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 60 * DAY) })).pem;
});

const sites = (text: string): Array<[string | undefined, boolean, boolean]> => materialSites(new TextDoc('m.yaml', text)).map((s) => [s.container, !!s.der, !!s.placeholder]);
const rules = (text: string, others: Record<string, string> = {}): string[] => lintKube(text, others).map((f) => `${f.severity} ${f.ruleId}`).sort();

describe('base64 material: where it is read', () => {
  test("ExternalSecret, PushSecret and SealedSecret templates are not Secret data; their values are neither decoded nor errors", () => {
    const text = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: web, namespace: shop}
spec:
  target:
    name: web-tls
    template:
      type: kubernetes.io/tls
      data:
        tls.crt: "{{ .certificate }}"
        tls.key: "{{ .key | b64dec }}"
        ca.crt: plain text the operator writes
---
apiVersion: external-secrets.io/v1alpha1
kind: PushSecret
metadata: {name: export, namespace: shop}
spec:
  template:
    data:
      tls.crt: '{{ index . "tls.crt" }}'
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: sealed, namespace: shop}
spec:
  encryptedData:
    tls.crt: AgBy3i4OJSWK+PiTySYZZA==
    tls.key: AgCtr8OJSWK+PiTySYZZA1==
`;
    assert.deepEqual(sites(text), []);
    assert.deepEqual(rules(text), []);
  });

  test('values SOPS encrypted in the repository are neither decoded nor errors, and their Secret is not invalid', () => {
    const secret = `apiVersion: v1\nkind: Secret\nmetadata: {name: web-tls, namespace: shop}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ENC[AES256_GCM,data:LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t,iv:aXY=,tag:dGFn,type:str]\n  tls.key: ENC[AES256_GCM,data:a2V5,iv:aXY=,tag:dGFn,type:str]\nsops:\n  version: 3.8.1\n`;
    const ingress = `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\nspec:\n  tls: [{hosts: [shop.acme.io], secretName: web-tls}]\n  rules: [{host: shop.acme.io}]\n`;
    assert.deepEqual(sites(secret), []);
    assert.deepEqual(rules(ingress, { 'secret.sops.yaml': secret }), []);
  });

  test("tls.crt and ca.crt are base64 only in a Secret's data (also a List's Secret items); a ConfigMap's ca.crt is plain PEM", () => {
    const configMap = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ca, namespace: shop}\ndata:\n  ca.crt: |\n${pem.trim().split('\n').map((l) => `    ${l}`).join('\n')}\n`;
    assert.deepEqual(sites(configMap), [[undefined, true, false]], 'the PEM block itself, not an invalid base64 value');
    assert.deepEqual(rules(configMap), []);
    const list = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: web, namespace: shop}\n    data:\n      tls.crt: ${b64(pem)}\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: c}\n    data:\n      tls.crt: not base64 and not a secret\n`;
    assert.deepEqual(sites(list), [['List (document 1) · items[0].data.tls.crt', true, false]]);
    // The fields that are base64 by definition, wherever they stand.
    const webhook = `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: hook}\nwebhooks:\n  - name: check.acme.io\n    clientConfig:\n      caBundle: ${b64(pem)}\n`;
    assert.deepEqual(sites(webhook).map((s) => s[1]), [true]);
  });

  test('documentation placeholders are one info note per file; real problems stay errors', () => {
    const text = `apiVersion: v1
kind: Secret
metadata: {name: example, namespace: shop}
type: kubernetes.io/tls
data:
  tls.crt: <base64 encoded certificate>
  tls.key: REPLACE_ME
  ca.crt: \${CA_BUNDLE}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: hook}
webhooks:
  - name: m.acme.io
    clientConfig:
      caBundle: ...
---
apiVersion: v1
kind: Secret
metadata: {name: broken, namespace: shop}
data:
  tls.crt: LS0tLS1CRUdJTiBDRVJU*SUZJQ0FURS0tLS0t
`;
    const f = lintKube(text);
    const notes = f.filter((x) => x.ruleId === 'pem/malformed' && x.severity === 'info');
    assert.equal(notes.length, 1, f.map((x) => `${x.ruleId}: ${x.message}`).join('\n'));
    assert.match(notes[0]!.message, /^4 values hold placeholders, not base64 material: Secret shop\/example · tls\.crt \(line 6\), Secret shop\/example · tls\.key \(line 7\), Secret shop\/example · ca\.crt \(line 8\), …; not checked/);
    assert.equal(notes[0]!.range.start.line, 5);
    const errors = f.filter((x) => x.ruleId === 'pem/malformed' && x.severity === 'error');
    assert.deepEqual(errors.map((x) => x.message), ['invalid base64 in "tls.crt": unexpected "*"']);
    // One placeholder: the note says which.
    assert.match(lintKube(tlsSecret('x', 'shop', pem).replace(/tls\.key: .*/, 'tls.key: CHANGEME'))[0]?.message ?? '', /"tls\.key" holds a placeholder \("CHANGEME"\), not base64 material; not checked/);
  });

  test("a Secret whose tls.crt is a placeholder is not reported invalid where it is used: its contents are unknown", () => {
    const ingress = `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\nspec:\n  tls: [{hosts: [shop.acme.io], secretName: example}]\n  rules: [{host: shop.acme.io}]\n`;
    const secret = `apiVersion: v1\nkind: Secret\nmetadata: {name: example, namespace: shop}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: <base64 cert>\n  tls.key: <base64 key>\n`;
    assert.deepEqual(rules(ingress, { 'secret.yaml': secret }), []);
    // A real problem is still one.
    assert.deepEqual(rules(ingress, { 'secret.yaml': secret.replace('<base64 cert>', b64('not a certificate at all, but long text')) }), ['error ingress/secret-invalid']);
  });

  test('what is a placeholder', () => {
    for (const v of ['<base64 CA>', '...', '…', 'REPLACE_ME', 'CHANGE-ME', '${CA}', '$(CA_BUNDLE)', 'base64 encoded CA bundle', 'changeme', 'xxx', 'TODO']) assert.equal(notMaterial(v), 'placeholder', v);
    assert.equal(notMaterial('{{ .Values.ca | b64enc }}'), 'template');
    assert.equal(notMaterial('ENC[AES256_GCM,data:c2VjcmV0,iv:aXY=,tag:dGFn,type:str]'), 'encrypted');
    for (const v of [b64(pem), 'LS0tLS1CRUdJTi', 'MIIB', 'QUJD', `${b64(pem).slice(0, 60)}\n${b64(pem).slice(60, 120)}`]) assert.equal(notMaterial(v), undefined, v);
  });
});

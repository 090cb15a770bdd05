/**
 * Kustomization namespaces through the bundled CLI: a temporary workspace with nested
 * kustomizations (two levels), where the namespace reaches only what each one lists.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TempWorkspace, checkJson, shopCertificates } from '../support/kubeWorkspace';
import { tlsSecret } from '../unit/kube-support';

const K = (body: string): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const ingress = (name: string): string =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${name}\nspec:\n  tls:\n    - hosts: [shop.example.com, api.example.com]\n      secretName: shop-tls\n  rules:\n    - host: shop.example.com\n    - host: api.example.com\n`;

let ws: TempWorkspace;

before(async () => {
  const pem = (await shopCertificates()).narrow;
  const noNamespace = (s: string): string => s.replace(/ {2}namespace: .*\n/, '');
  ws = new TempWorkspace('tls-lens-kustomize-', {
    'kustomization.yaml': K('resources:\n  - shop\n  - payments\n'),
    // Level 1: shop lists its Ingress and the tls folder; level 2: tls has a namespace of its own.
    'shop/kustomization.yaml': K('namespace: shop\nresources:\n  - ingress.yaml\n  - tls/\n'),
    'shop/ingress.yaml': ingress('web'),
    'shop/tls/kustomization.yaml': K('namespace: certs\nresources: [secret.yaml]\n'),
    'shop/tls/secret.yaml': noNamespace(tlsSecret('shop-tls', 'x', pem)),
    'payments/kustomization.yaml': K('namespace: payments\nresources: [ingress.yaml]\n'),
    'payments/ingress.yaml': ingress('pay'),
    // In the folder, but listed by no kustomization: namespace default, not payments.
    'payments/stray-secret.yaml': noNamespace(tlsSecret('shop-tls', 'x', pem)),
  });
});

after(() => ws.remove());

describe('kustomization namespaces in a workspace', () => {
  test('each namespace reaches the files and folders its kustomization lists; the listing parent wins over a nested one', () => {
    const r = checkJson(ws.dir);
    assert.equal(r.status, 1, r.stderr);
    const found = r.findings.filter((f) => f.ruleId.startsWith('ingress/') || f.ruleId === 'kube/not-in-workspace');
    const shop = found.filter((f) => f.resource?.name === 'web');
    const pay = found.filter((f) => f.resource?.name === 'pay' || f.file === path.join('payments', 'ingress.yaml'));
    // shop/web finds Secret shop/shop-tls two levels down (shop's namespace, over tls's "certs").
    assert.deepEqual(shop.map((f) => [f.ruleId, f.resource?.namespace, f.related?.[0]?.file]), [['ingress/certificate-mismatch', 'shop', path.join('shop', 'tls', 'secret.yaml')]]);
    // payments/pay: the stray Secret beside it is in "default", so nothing of that name in payments.
    assert.deepEqual(pay.map((f) => [f.ruleId, f.resource?.namespace]), [['kube/not-in-workspace', undefined]]);
    assert.match(r.findings.find((f) => f.ruleId === 'kube/not-in-workspace')?.message ?? '', /Secret payments\/shop-tls \(Ingress payments\/pay/);
  });
});

/**
 * Cross-file Kubernetes checks through the real fronts: the bundled CLI walking a folder,
 * and the language server indexing its workspace and following edits of open manifests.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LspSession, fileUri } from '../support/lspClient';
import { TempWorkspace, checkJson, shopCertificates } from '../support/kubeWorkspace';
import { tlsSecret } from '../unit/kube-support';

const INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  tls:
    - hosts: [shop.example.com, api.example.com]
      secretName: shop-tls
  rules:
    - host: shop.example.com
    - host: api.example.com
`;

let ws: TempWorkspace;
let dir: string;
let narrow: string;
let wide: string;

before(async () => {
  ({ narrow, wide } = await shopCertificates());
  ws = new TempWorkspace('tls-lens-kube-', { 'ingress.yaml': INGRESS, 'secret.yaml': tlsSecret('shop-tls', 'shop', narrow) });
  dir = ws.dir;
});

after(() => ws.remove());

describe('cross-file Kubernetes findings', () => {
  test('the CLI indexes the folder first: the Ingress is judged with the Secret in another file', () => {
    const r = checkJson(dir);
    assert.equal(r.status, 1, r.stderr);
    const f = r.findings.filter((x) => x.ruleId === 'ingress/certificate-mismatch');
    assert.equal(f.length, 1, r.stdout);
    assert.equal(f[0]!.file, 'ingress.yaml');
    assert.deepEqual(f[0]!.resource, { kind: 'Ingress', name: 'web', namespace: 'shop' });
    assert.equal(f[0]!.related?.[0]?.file, 'secret.yaml');
    assert.equal(f[0]!.related?.[0]?.range.start.line, 7);
  });

  test('the language server: related information points at the Secret, and editing the Secret re-judges the open Ingress', async () => {
    const session = await LspSession.start({ workspaceFolders: [dir] });
    try {
      const ingress = fileUri(path.join(dir, 'ingress.yaml'));
      const secret = fileUri(path.join(dir, 'secret.yaml'));
      await session.open(ingress, 'yaml', INGRESS);
      const first = await session.diagnostics(ingress, { accept: (p) => p.diagnostics.some((d) => d.code === 'ingress/certificate-mismatch') });
      const d = first.diagnostics.find((x) => x.code === 'ingress/certificate-mismatch')!;
      assert.deepEqual(d.range.start, { line: 7, character: 32 });
      assert.equal(d.relatedInformation?.[0]?.location.uri, secret);
      const mark = session.published.length;
      await session.open(secret, 'yaml', tlsSecret('shop-tls', 'shop', narrow));
      await session.change(secret, 2, [{ text: tlsSecret('shop-tls', 'shop', wide) }]);
      const again = await session.diagnostics(ingress, { after: mark, accept: (p) => !p.diagnostics.some((x) => x.code === 'ingress/certificate-mismatch'), what: 'the Ingress re-judged after the Secret changed' });
      assert.deepEqual(again.diagnostics.map((x) => x.code), []);
    } finally {
      await session.shutdownAndExit();
    }
  });
});

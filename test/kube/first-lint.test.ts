/**
 * The language server's first lint of a manifest does not wait for the workspace index: it
 * publishes the file's own findings at once, then the cross-file ones its folder answers once
 * the folder is read (the rest of the workspace is still being read), then what needs the
 * whole workspace (a Secret that is nowhere) when the index is built.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LspSession, fileUri } from '../support/lspClient';
import { TempWorkspace, shopCertificates } from '../support/kubeWorkspace';
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
    - hosts: [admin.example.com]
    - hosts: [legacy.example.com]
      secretName: legacy-tls
  rules:
    - host: shop.example.com
    - host: api.example.com
    - host: admin.example.com
    - host: legacy.example.com
`;

const configMaps = (i: number): string =>
  Array.from({ length: 5 }, (_, j) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}-${j}\n  namespace: team${i}\ndata:\n  key: value\n`).join('---\n');

let ws: TempWorkspace;
let dir: string;

before(async () => {
  const { narrow } = await shopCertificates();
  // A workspace of many manifests; the Secret the Ingress names lives in another file.
  ws = new TempWorkspace('tls-lens-kube-first-', { 'ingress.yaml': INGRESS, 'secret.yaml': tlsSecret('shop-tls', 'shop', narrow) });
  dir = ws.dir;
  for (let i = 0; i < 300; i++) ws.write(path.join(`app${i}`, 'config.yaml'), configMaps(i));
});

after(() => ws.remove());

describe('first lint of a manifest in the language server', () => {
  test('publishes the file-local findings first, then the cross-file findings its folder answers, then what needs the whole workspace', async () => {
    const session = await LspSession.start({ workspaceFolders: [dir] });
    try {
      const ingress = fileUri(path.join(dir, 'ingress.yaml'));
      await session.open(ingress, 'yaml', INGRESS);
      const codes = (i: number): string[] => (session.publishesFor(ingress)[i]?.diagnostics ?? []).map((d) => String(d.code));
      const crossFile = await session.diagnostics(ingress, { accept: (p) => p.diagnostics.some((d) => d.code === 'ingress/certificate-mismatch'), what: 'the cross-file finding' });
      const complete = await session.diagnostics(ingress, { accept: (p) => p.diagnostics.some((d) => d.code === 'kube/not-in-workspace'), what: 'the finding that needs the whole workspace' });
      const publishes = session.publishesFor(ingress);
      const at = publishes.indexOf(crossFile);
      const done = publishes.indexOf(complete);
      assert.ok(at > 0, `the cross-file finding came with the first publish: ${JSON.stringify(publishes.map((p) => p.diagnostics.map((d) => d.code)))}`);
      // The first publish: the file's own finding, nothing that needs the other files.
      assert.ok(codes(0).includes('ingress/missing-secret-name'), codes(0).join(', '));
      assert.ok(!codes(0).includes('ingress/certificate-mismatch'), codes(0).join(', '));
      // Until the whole workspace is read, the Secret in no file is not reported missing.
      for (let i = 0; i < done; i++) assert.ok(!codes(i).includes('kube/not-in-workspace'), `publish ${i}: ${codes(i).join(', ')}`);
      assert.ok(done >= at, `${done} < ${at}`);
      // Once indexed: all of them, and the related location in the Secret's file.
      assert.ok(codes(done).includes('ingress/missing-secret-name'), codes(done).join(', '));
      assert.ok(codes(done).includes('ingress/certificate-mismatch'), codes(done).join(', '));
      const d = crossFile.diagnostics.find((x) => x.code === 'ingress/certificate-mismatch')!;
      assert.equal(d.relatedInformation?.[0]?.location.uri, fileUri(path.join(dir, 'secret.yaml')));
    } finally {
      await session.shutdownAndExit();
    }
  });
});

/**
 * A GitOps repository with kustomize overlays and two teams' folders that define the same
 * kinds and names, through the bundled CLI and the language server over stdio: every
 * reference takes the definition nearest it, and nothing is concluded where the nearest ones differ.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DAY, makeCert } from '../support/certs';
import { TempWorkspace, checkJson, type CliFinding } from '../support/kubeWorkspace';
import { LspSession, fileUri } from '../support/lspClient';
import { tlsSecret } from '../unit/kube-support';

const K = (body: string): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const ingress = (name: string, hosts: string[], secret = 'shop-tls'): string =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${name}\nspec:\n  ingressClassName: nginx\n  tls:\n    - hosts: [${hosts.join(', ')}]\n      secretName: ${secret}\n  rules:\n${hosts.map((h) => `    - host: ${h}\n      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: ${name}, port: {number: 80}}}}]}\n`).join('')}`;
const gateway = (name: string, ns: string | undefined, listener: string): string =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  gatewayClassName: envoy\n  listeners:\n${listener}`;
const HTTPS = (host: string): string => `    - name: https\n      protocol: HTTPS\n      port: 443\n      hostname: ${host}\n      tls: {certificateRefs: [{name: shop-tls}]}\n`;
const PASSTHROUGH = '    - name: tls\n      protocol: TLS\n      port: 443\n      tls: {mode: Passthrough}\n';
const route = (name: string, ns: string | undefined, parent: string): string =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  parentRefs: [{name: ${parent}}]\n  hostnames: [shop.acme.io]\n  rules: [{backendRefs: [{name: ${name}, port: 80}]}]\n`;
const text = (m: string | { value: string }): string => (typeof m === 'string' ? m : m.value);
const noNs = (s: string): string => s.replace(/ {2}namespace: .*\n/, '');
/** A Secret as GitOps repositories keep it: the key SOPS-encrypted, the certificate readable. */
const sopsSecret = (name: string, ns: string | undefined, pem: string): string =>
  (ns ? tlsSecret(name, ns, pem, false) : noNs(tlsSecret(name, 'x', pem, false))) + '  tls.key: ENC[AES256_GCM,data:bm90IGEga2V5,iv:aXY=,tag:dGFn,type:str]\nsops:\n  version: 3.9.0\n';

let ws: TempWorkspace;
let cli: { status: number | null; findings: CliFinding[]; stdout: string };
const p = (...parts: string[]): string => path.join(...parts);

before(async () => {
  const valid = { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 60 * DAY) };
  const prod = (await makeCert({ cn: 'shop.acme.io', dns: ['shop.acme.io'], ...valid })).pem;
  const staging = (await makeCert({ cn: 'staging.acme.io', dns: ['staging.acme.io'], ...valid })).pem;
  ws = new TempWorkspace('tls-lens-repo-gitops-', {
    // The base is built by both overlays; each overlay brings its own Secret and Gateway of the same names.
    'apps/base/shop/kustomization.yaml': K('resources: [ingress.yaml, route.yaml]\n'),
    'apps/base/shop/ingress.yaml': ingress('web', ['shop.acme.io']),
    'apps/base/shop/route.yaml': route('web', undefined, 'edge'),
    'apps/production/kustomization.yaml': K('namespace: shop\nresources: [../base/shop, secret.yaml, gateway.yaml, api-ingress.yaml]\n'),
    'apps/production/secret.yaml': sopsSecret('shop-tls', undefined, prod),
    'apps/production/gateway.yaml': gateway('edge', undefined, HTTPS('shop.acme.io')),
    // A real mistake: the production certificate does not name api.acme.io.
    'apps/production/api-ingress.yaml': ingress('api', ['api.acme.io']),
    'apps/staging/kustomization.yaml': K('namespace: shop\nresources: [../base/shop, secret.yaml, gateway.yaml]\npatches:\n  - path: ingress-patch.yaml\n'),
    'apps/staging/secret.yaml': sopsSecret('shop-tls', undefined, staging),
    'apps/staging/gateway.yaml': gateway('edge', undefined, PASSTHROUGH),
    // A patch: it changes the base Ingress in staging; it is no Ingress of its own.
    'apps/staging/ingress-patch.yaml': 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n    - hosts: [staging.acme.io]\n      secretName: shop-tls\n',
    // Two teams' folders, the same Gateway name in the same namespace.
    'teams/payments/gateway.yaml': gateway('public', 'edge', PASSTHROUGH),
    'teams/payments/tlsroute.yaml': 'apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TLSRoute\nmetadata: {name: pay, namespace: edge}\nspec:\n  parentRefs: [{name: public}]\n  hostnames: [pay.acme.io]\n  rules: [{backendRefs: [{name: pay, port: 443}]}]\n',
    'teams/storefront/gateway.yaml': gateway('public', 'edge', HTTPS('shop.acme.io').replace('shop-tls', 'store-tls')),
    'teams/storefront/secret.yaml': sopsSecret('store-tls', 'edge', prod),
    'teams/storefront/route.yaml': route('store', 'edge', 'public'),
    // A third team refers to the Gateway without one of its own: the two it could mean differ.
    'teams/search/route.yaml': route('search', 'edge', 'public'),
  });
  cli = checkJson(ws.dir);
});

after(() => ws.remove());

describe('GitOps overlays and teams with duplicate names', () => {
  test('the CLI judges each reference with its nearest definition and reports only what is known', () => {
    const got = cli.findings.map((f) => `${f.ruleId} ${f.file}`).sort();
    assert.deepEqual(
      got,
      [`ingress/certificate-mismatch ${p('apps', 'production', 'api-ingress.yaml')}`, `kube/not-in-workspace ${p('apps', 'base', 'shop', 'ingress.yaml')}`],
      cli.stdout,
    );
    assert.equal(cli.status, 1);
    // The production Ingress takes the Secret beside it, and says it chose.
    const mismatch = cli.findings.find((f) => f.ruleId === 'ingress/certificate-mismatch')!;
    assert.equal(mismatch.related?.[0]?.file, p('apps', 'production', 'secret.yaml'));
    assert.deepEqual(mismatch.assumptions, [
      `Secret shop/shop-tls is the one in ${p('apps', 'production', 'secret.yaml')} (the definition in this folder; 2 definitions in the workspace, 1 different)`,
    ]);
    // The base Ingress is built by both overlays, whose Secrets differ: nothing concluded, one note saying so.
    const note = cli.findings.find((f) => f.ruleId === 'kube/not-in-workspace')!;
    assert.match(note.message, new RegExp(`Secret shop/shop-tls: 2 equally near definitions differ \\(${p('apps', 'production', 'secret.yaml').replace(/[\\/.]/g, '\\$&')}, ${p('apps', 'staging', 'secret.yaml').replace(/[\\/.]/g, '\\$&')}\\)`));
    assert.equal(note.severity, 'info');
  });

  test('the language server over stdio: the same choices for open documents, and the file it used in related information', async () => {
    const session = await LspSession.start({ workspaceFolders: [ws.dir] });
    try {
      const uri = (...parts: string[]): string => fileUri(path.join(ws.dir, ...parts));
      const files = {
        api: ['apps', 'production', 'api-ingress.yaml'],
        base: ['apps', 'base', 'shop', 'route.yaml'],
        store: ['teams', 'storefront', 'route.yaml'],
        search: ['teams', 'search', 'route.yaml'],
      };
      const { readFileSync } = await import('node:fs');
      for (const f of Object.values(files)) await session.open(uri(...f), 'yaml', readFileSync(path.join(ws.dir, ...f), 'utf8'));
      // Wait for the cross-file finding with what it assumed: the workspace index is built, and the
      // open manifests are linted again with it (a first one, from the Ingress's folder alone, knows
      // of no other definition to choose among).
      const api = await session.diagnostics(uri(...files.api), {
        accept: (d) => d.diagnostics.some((x) => x.code === 'ingress/certificate-mismatch' && /assumed:/.test(text(x.message))),
        what: 'the mismatch with the Secret beside it',
      });
      const d = api.diagnostics.find((x) => x.code === 'ingress/certificate-mismatch')!;
      assert.equal(d.relatedInformation?.[0]?.location.uri, uri('apps', 'production', 'secret.yaml'));
      assert.match(text(d.message), /assumed: Secret shop\/shop-tls is the one in .*production.*secret\.yaml \(the definition in this folder/);
      const mark = session.published.length;
      // Re-lint the routes after the index is complete (an edit that changes nothing of substance).
      for (const f of [files.base, files.store, files.search]) {
        const text = readFileSync(path.join(ws.dir, ...f), 'utf8');
        await session.change(uri(...f), 2, [{ text: `${text}# checked\n` }]);
      }
      for (const f of [files.base, files.store, files.search]) {
        const last = await session.diagnostics(uri(...f), { after: mark, what: `diagnostics of ${f.join('/')}` });
        assert.deepEqual(last.diagnostics.map((x) => x.code), [], `${f.join('/')}: ${last.diagnostics.map((x) => text(x.message)).join('; ')}`);
      }
    } finally {
      await session.shutdownAndExit();
    }
  });
});

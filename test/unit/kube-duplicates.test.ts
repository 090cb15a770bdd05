/**
 * Duplicate identities: several files define the same kind/namespace/name. A reference takes
 * the definition nearest the referring file (same file, same folder, a kustomization building
 * both, then the rest), or concludes nothing when the nearest definitions differ.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { TextDoc } from '../../server/src/core';
import { K } from '../../server/src/core/formats/kube/refs';
import { parseYamlFile } from '../../server/src/core/formats/yaml/documents';
import { KubeIndex, kubeViewFor } from '../../server/src/core/workspace/index';
import { DAY, makeCert } from '../support/certs';
import { NOW } from '../support/lint';
import { lintKube, tlsSecret } from './kube-support';

const gateway = (listener: string): string => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec:
  gatewayClassName: example
  listeners:
${listener}`;
const PASSTHROUGH = gateway('    - {name: tls, protocol: TLS, port: 443, tls: {mode: Passthrough}}\n');
const TERMINATE = gateway('    - {name: https, protocol: HTTPS, port: 443, tls: {certificateRefs: [{name: web-tls}]}}\n');
const ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: web}
spec:
  parentRefs: [{name: edge}]
`;
const K8S = (body: string): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;

const passthrough = (file: string, others: Record<string, string>): string[] =>
  lintKube(ROUTE, others, { file }).filter((f) => f.ruleId === 'gateway/route-on-passthrough').map((f) => f.message);

function viewFrom(file: string, files: Record<string, string>): ReturnType<typeof kubeViewFor> {
  const index = new KubeIndex();
  for (const [name, text] of Object.entries(files)) index.setFile(name, text);
  const doc = new TextDoc(file, files[file]!);
  return kubeViewFor(doc, index, () => parseYamlFile(doc.text, doc.lines));
}

let narrow: string;
let staging: string;

before(async () => {
  const valid = { notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 60 * DAY) };
  narrow = (await makeCert({ cn: 'shop.acme.io', dns: ['shop.acme.io'], ...valid })).pem;
  staging = (await makeCert({ cn: 'staging.acme.io', dns: ['staging.acme.io'], ...valid })).pem;
});

describe('duplicate identities: the nearest definition', () => {
  test("a route takes its own folder's Gateway, not an unrelated folder's Passthrough Gateway of the same name", () => {
    // The Passthrough one comes first in the workspace (as gateway-api's examples/experimental/… does).
    assert.deepEqual(passthrough('examples/http/route.yaml', { 'examples/tls/gateway.yaml': PASSTHROUGH, 'examples/http/gateway.yaml': TERMINATE }), []);
    // The other way round the Passthrough one is nearest: reported, naming the file it used.
    const msgs = passthrough('examples/tls/route.yaml', { 'examples/http/gateway.yaml': TERMINATE, 'examples/tls/gateway.yaml': PASSTHROUGH });
    assert.equal(msgs.length, 1);
    assert.match(msgs[0]!, /attached to Gateway web\/edge \(examples\/tls\/gateway\.yaml\), but every listener is in TLS Passthrough mode/);
    assert.match(msgs[0]!, /assumed: Gateway web\/edge is the one in examples\/tls\/gateway\.yaml \(the definition in this folder; 2 definitions in the workspace, 1 different\)/);
  });

  test('when the nearest definitions differ nothing is concluded; when they agree one is used', () => {
    // Two differing Gateways, neither near the route: no error.
    assert.deepEqual(passthrough('routes/route.yaml', { 'a/gateway.yaml': PASSTHROUGH, 'b/gateway.yaml': TERMINATE }), []);
    // Two equal Gateways (layout and comments aside): the route is judged against them.
    const same = PASSTHROUGH.replace('gatewayClassName: example', '# a copy\n  gatewayClassName:   example');
    const msgs = passthrough('routes/route.yaml', { 'a/gateway.yaml': PASSTHROUGH, 'b/gateway.yaml': same });
    assert.equal(msgs.length, 1);
    assert.match(msgs[0]!, /all its definitions agree; 2 definitions in the workspace\)/);
    // One definition anywhere: used, without an assumption.
    const one = passthrough('routes/route.yaml', { 'a/gateway.yaml': PASSTHROUGH });
    assert.equal(one.length, 1);
    assert.doesNotMatch(one[0]!, /assumed/);
  });

  test('a kustomization that builds both is nearer than the rest; the one fewest levels up wins', () => {
    const files: Record<string, string> = {
      'overlays/prod/kustomization.yaml': K8S('resources: [../../base, secret.yaml]\n'),
      'overlays/prod/secret.yaml': tlsSecret('web-tls', 'shop', narrow),
      'overlays/staging/kustomization.yaml': K8S('resources: [../../base, secret.yaml]\n'),
      'overlays/staging/secret.yaml': tlsSecret('web-tls', 'shop', staging),
      'base/kustomization.yaml': K8S('resources: [ingress.yaml]\n'),
      'base/ingress.yaml': `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\nspec:\n  tls: [{hosts: [shop.acme.io], secretName: web-tls}]\n  rules: [{host: shop.acme.io}]\n`,
      'teams/ops/route.yaml': 'x',
    };
    // The base is built by both overlays: the two Secrets are equally near and differ.
    const base = viewFrom('base/ingress.yaml', files).lookup(K.secret, 'shop', 'web-tls');
    assert.equal(base.resource, undefined);
    assert.deepEqual(base.ambiguous?.map((r) => r.file).sort(), ['overlays/prod/secret.yaml', 'overlays/staging/secret.yaml']);
    assert.equal(base.near, 'this kustomization');
    const findings = lintKube(files['base/ingress.yaml']!, files, { file: 'base/ingress.yaml' });
    assert.deepEqual(findings.filter((f) => f.ruleId.startsWith('ingress/')).map((f) => f.ruleId), []);
    const note = findings.find((f) => f.ruleId === 'kube/not-in-workspace');
    assert.match(note?.message ?? '', /one object this file refers to has equally near definitions that differ: Secret shop\/web-tls: 2 equally near definitions differ \(overlays\/prod\/secret\.yaml, overlays\/staging\/secret\.yaml\)/);
    // An overlay's own Ingress takes its own Secret (same folder), not the other overlay's.
    files['overlays/staging/ingress.yaml'] = files['base/ingress.yaml']!.replace('name: web,', 'name: web2,');
    files['overlays/staging/kustomization.yaml'] = K8S('resources: [../../base, secret.yaml, ingress.yaml]\n');
    const mine = viewFrom('overlays/staging/ingress.yaml', files).lookup(K.secret, 'shop', 'web-tls');
    assert.equal(mine.resource?.file, 'overlays/staging/secret.yaml');
    assert.equal(mine.near, 'this folder');
    // Nearer kustomization: a file in a sub-folder of prod's build finds prod's Secret before anything the root builds.
    files['kustomization.yaml'] = K8S('resources: [overlays/prod, overlays/staging]\n');
    files['overlays/prod/app/kustomization.yaml'] = K8S('resources: [ingress.yaml]\n');
    files['overlays/prod/app/ingress.yaml'] = files['base/ingress.yaml']!.replace('name: web,', 'name: web3,');
    files['overlays/prod/kustomization.yaml'] = K8S('resources: [../../base, secret.yaml, app]\n');
    const deep = viewFrom('overlays/prod/app/ingress.yaml', files).lookup(K.secret, 'shop', 'web-tls');
    assert.equal(deep.resource?.file, 'overlays/prod/secret.yaml');
    assert.equal(deep.near, 'this kustomization');
  });

  test('files a kustomization reads as patches are not definitions', () => {
    const files: Record<string, string> = {
      'app/kustomization.yaml': K8S('resources: [gateway.yaml]\npatches:\n  - path: gateway-patch.yaml\n'),
      'app/gateway.yaml': TERMINATE,
      // A patch that only changes the listener: taken as a definition it would make the route an error.
      'app/gateway-patch.yaml': PASSTHROUGH,
      'app/route.yaml': ROUTE,
    };
    const choice = viewFrom('app/route.yaml', files).lookup(K.gateway, 'web', 'edge');
    assert.equal(choice.resource?.file, 'app/gateway.yaml');
    assert.deepEqual(choice.candidates.map((r) => r.file), ['app/gateway.yaml']);
    assert.deepEqual(passthrough('app/route.yaml', files), []);
  });

  test('a Secret, the Certificate that writes it and an ExternalSecret: the nearest provider, the Secret first among equals', () => {
    const cert = `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c, namespace: shop}\nspec:\n  secretName: web-tls\n  dnsNames: [other.acme.io]\n  issuerRef: {name: le, kind: ClusterIssuer}\n`;
    const ingress = `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\nspec:\n  tls: [{hosts: [shop.acme.io], secretName: web-tls}]\n  rules: [{host: shop.acme.io}]\n`;
    // The Certificate beside the Ingress wins over a Secret elsewhere: its dnsNames are judged.
    const near = lintKube(ingress, { 'app/certificate.yaml': cert, 'examples/secret.yaml': tlsSecret('web-tls', 'shop', narrow) }, { file: 'app/ingress.yaml' });
    assert.deepEqual(near.filter((f) => f.ruleId === 'ingress/certificate-mismatch').map((f) => f.message.includes('Certificate shop/c')), [true]);
    // Secret and Certificate side by side: the Secret is what is served now.
    const both = lintKube(ingress, { 'app/certificate.yaml': cert, 'app/secret.yaml': tlsSecret('web-tls', 'shop', narrow) }, { file: 'app/ingress.yaml' });
    assert.deepEqual(both.filter((f) => f.ruleId.startsWith('ingress/')).map((f) => f.ruleId), []);
  });
});

/**
 * References the workspace cannot answer: one note per file naming them, none when an
 * operator writes the object (cert-manager, External Secrets, Sealed Secrets), and a Secret's
 * problem once per resource rather than once per listener or server.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { RULE_IDS } from '../../server/src/core/rules';
import { parsePolicyFile } from '../../server/src/core/policy/policyFile';
import { DAY, makeCert } from '../support/certs';
import { NOW } from '../support/lint';
import { lintKube, tlsSecret } from './kube-support';

const ingress = (annotations = '', secrets = ['web-tls']): string => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
${annotations ? `  annotations:\n${annotations}` : ''}spec:
  tls:
${secrets.map((s, i) => `    - hosts: [h${i}.acme.io]\n      secretName: ${s}\n`).join('')}  rules:
${secrets.map((_, i) => `    - host: h${i}.acme.io\n`).join('')}`;

const gateway = (annotations = '', listeners = 3): string => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: edge
  namespace: shop
${annotations ? `  annotations:\n${annotations}` : ''}spec:
  gatewayClassName: example
  listeners:
${Array.from({ length: listeners }, (_, i) => `    - name: https-${i}\n      protocol: HTTPS\n      port: 443\n      hostname: h${i}.acme.io\n      tls:\n        certificateRefs: [{name: web-tls}]\n`).join('')}`;

const ids = (findings: ReturnType<typeof lintKube>): string[] => findings.map((f) => f.ruleId).sort();

let expired: string;

before(async () => {
  expired = (await makeCert({ cn: 'h0.acme.io', dns: ['h0.acme.io', 'h1.acme.io', 'h2.acme.io'], notBefore: new Date(NOW.getTime() - 100 * DAY), notAfter: new Date(NOW.getTime() - DAY) })).pem;
});

describe('kube/not-in-workspace', () => {
  test('one note per file, naming every object not found, each once however often it is referred to', () => {
    const text = `${ingress('', ['a-tls', 'b-tls', 'a-tls'])}---\n${gateway()}`;
    const f = lintKube(text, {}, { file: 'app/manifests.yaml' });
    const notes = f.filter((x) => x.ruleId === 'kube/not-in-workspace');
    assert.equal(notes.length, 1, f.map((x) => x.message).join('\n'));
    const m = notes[0]!.message;
    assert.match(m, /^3 objects this file refers to are not in the workspace: Secret shop\/a-tls \(Ingress shop\/web, line 9\); Secret shop\/b-tls \(Ingress shop\/web, line 11\); Secret shop\/web-tls \(Gateway shop\/edge, line \d+\)/);
    assert.match(m, /If they are made in the cluster, nothing to fix/);
    assert.equal(notes[0]!.severity, 'info');
    assert.equal(notes[0]!.range.start.line, 8, 'at the first reference');
    assert.equal(notes[0]!.related.length, 2, 'the other references (b-tls, the Gateway) as related locations');
    // Nothing else says the same thing again.
    assert.deepEqual(ids(f).filter((i) => i !== 'kube/not-in-workspace'), []);
  });

  test('no note without the whole workspace (a lone file), and none for objects an operator writes', () => {
    assert.deepEqual(ids(lintKube(ingress(), {}, { index: false })), []);
    const externalSecret = `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: from-vault, namespace: shop}\nspec:\n  target: {name: web-tls}\n`;
    const sealed = `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: web-tls, namespace: shop}\nspec:\n  encryptedData:\n    tls.crt: AgBy3i4OJSWK+PiTySYZZA==\n`;
    const certificate = `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web, namespace: shop}\nspec:\n  secretName: web-tls\n  dnsNames: [h0.acme.io]\n  issuerRef: {name: le, kind: ClusterIssuer}\n`;
    for (const [what, others] of [
      ['an ExternalSecret', { 'secrets/es.yaml': externalSecret }],
      ['a SealedSecret', { 'secrets/sealed.yaml': sealed }],
      ['a cert-manager Certificate', { 'certs/c.yaml': certificate }],
      ['a ClusterExternalSecret', { 'secrets/ces.yaml': `apiVersion: external-secrets.io/v1\nkind: ClusterExternalSecret\nmetadata: {name: wildcard}\nspec:\n  namespaceSelectors: [{matchLabels: {tls: wildcard}}]\n  externalSecretSpec:\n    target: {name: web-tls}\n` }],
    ] as const) {
      assert.deepEqual(ids(lintKube(ingress(), others)), [], what);
    }
    // cert-manager's ingress-shim and gateway-shim annotations: cert-manager writes the Secrets.
    assert.deepEqual(ids(lintKube(ingress('    cert-manager.io/cluster-issuer: letsencrypt\n'))), []);
    assert.deepEqual(ids(lintKube(ingress('    kubernetes.io/tls-acme: "true"\n'))), []);
    assert.deepEqual(ids(lintKube(gateway('    cert-manager.io/issuer: ca-issuer\n'))), []);
    // Without the annotation the Gateway's Secret is not in the workspace.
    assert.deepEqual(ids(lintKube(gateway())), ['kube/not-in-workspace']);
  });

  test("a Gateway's Secret problem once per Gateway and Secret, naming every listener; an Istio Gateway's once per credential", () => {
    const f = lintKube(gateway(), { 'secret.yaml': tlsSecret('web-tls', 'shop', expired, false) });
    const problem = f.filter((x) => x.ruleId === 'gateway/secret-problem');
    assert.equal(problem.length, 1, f.map((x) => x.message).join('\n'));
    assert.match(problem[0]!.message, /listeners https-0, https-1 and https-2: Secret shop\/web-tls has no tls\.key/);
    const expiredFindings = f.filter((x) => x.ruleId === 'gateway/certificate-expired');
    assert.equal(expiredFindings.length, 1);
    assert.match(expiredFindings[0]!.message, /^Gateway shop\/edge: listeners https-0, https-1 and https-2: the certificate in Secret shop\/web-tls expired/);
    const istio = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: 443, name: a, protocol: HTTPS}
      hosts: [h0.acme.io]
      tls: {mode: SIMPLE, credentialName: web-tls}
    - port: {number: 8443, name: b, protocol: HTTPS}
      hosts: [h1.acme.io]
      tls: {mode: SIMPLE, credentialName: web-tls}
`;
    const i = lintKube(istio, { 'secret.yaml': tlsSecret('web-tls', 'istio-system', expired) }).filter((x) => x.ruleId === 'istio/gateway-credential-invalid');
    assert.equal(i.length, 1);
    assert.match(i[0]!.message, /IST0161/);
  });

  test('an Istio credential found nowhere is in the note, with its istioctl code', () => {
    const istio = `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: shop}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: [h0.acme.io]\n      tls: {mode: SIMPLE, credentialName: web-cert}\n`;
    const f = lintKube(istio);
    assert.deepEqual(ids(f), ['kube/not-in-workspace']);
    assert.match(f[0]!.message, /Secret web-cert in shop or istio-system \(no workload matching the selector is in the workspace\) \(Gateway shop\/gw, line 9; istioctl IST0101\)/);
  });

  test('the retired per-reference rules: a policy or a suppression naming them is told what replaced them', () => {
    const policy = parsePolicyFile('rules:\n  ingress/secret-not-found: off\n  istio/gateway-credential-not-found: warning\n', RULE_IDS);
    assert.deepEqual(
      policy.problems.map((p) => p.message),
      [
        'rule "ingress/secret-not-found" was retired: it is now part of kube/not-in-workspace (one note per file for every reference the workspace cannot answer)',
        'rule "istio/gateway-credential-not-found" was retired: it is now part of kube/not-in-workspace (one note per file for every reference the workspace cannot answer)',
      ],
    );
    const f = lintKube(`# tls-lens-disable-next-line ingress/secret-not-found\n${ingress()}`);
    assert.match(f.find((x) => x.ruleId === 'core/unknown-suppression')?.message ?? '', /names the retired rule "ingress\/secret-not-found", now part of kube\/not-in-workspace/);
  });
});

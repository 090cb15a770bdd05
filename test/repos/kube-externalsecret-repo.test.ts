/**
 * A cluster repository in the style many home-lab and GitOps repositories share: Secrets come
 * from External Secrets (ExternalSecret, PushSecret) or cert-manager, some are SOPS-encrypted,
 * a Gateway and an Ingress ask cert-manager for their certificates, and one file has a YAML
 * error. Through the bundled CLI and the language server over stdio: the real problems are
 * reported, nothing is invented from templates, and the broken file is located and still judged.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TempWorkspace, checkJson, type CliFinding } from '../support/kubeWorkspace';
import { LspSession, fileUri } from '../support/lspClient';

const K = (ns: string, resources: string[]): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${ns}\nresources:\n${resources.map((r) => `  - ./${r}\n`).join('')}`;

const FILES: Record<string, string> = {
  'kubernetes/flux/cluster/ks.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: cluster-apps, namespace: flux-system}
spec:
  interval: 30m
  path: ./kubernetes/apps
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substituteFrom: [{kind: Secret, name: cluster-secrets}]
`,
  'kubernetes/apps/cert-manager/issuers/kustomization.yaml': K('cert-manager', ['clusterissuer.yaml']),
  'kubernetes/apps/cert-manager/issuers/clusterissuer.yaml': `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: letsencrypt-production}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: letsencrypt-production}
    solvers: [{dns01: {cloudflare: {apiTokenSecretRef: {name: cloudflare, key: token}}}}]
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: letsencrypt-staging}
spec:
  acme:
    server: https://acme-staging-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: letsencrypt-staging}
    solvers: [{dns01: {cloudflare: {apiTokenSecretRef: {name: cloudflare, key: token}}}}]
`,
  'kubernetes/apps/network/certificates/import/kustomization.yaml': K('network', ['externalsecret.yaml']),
  'kubernetes/apps/network/certificates/import/externalsecret.yaml': `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: acme-tls}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: onepassword}
  target:
    name: acme-tls
    template:
      type: kubernetes.io/tls
      data:
        tls.crt: '{{ .tls_crt | b64dec }}'
        tls.key: '{{ .tls_key | b64dec }}'
        ca.crt: '{{ .ca_crt }}'
  dataFrom: [{extract: {key: acme-tls}}]
`,
  'kubernetes/apps/network/certificates/export/kustomization.yaml': K('network', ['certificate.yaml', 'pushsecret.yaml']),
  'kubernetes/apps/network/certificates/export/certificate.yaml': `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: acme}
spec:
  secretName: acme-tls
  dnsNames: [acme.io, "*.acme.io"]
  issuerRef: {name: letsencrypt-production, kind: ClusterIssuer}
`,
  'kubernetes/apps/network/certificates/export/pushsecret.yaml': `apiVersion: external-secrets.io/v1alpha1
kind: PushSecret
metadata: {name: acme-tls}
spec:
  secretStoreRefs: [{kind: ClusterSecretStore, name: onepassword}]
  selector: {secret: {name: acme-tls}}
  template:
    engineVersion: v2
    data:
      tls.crt: '{{ index . "tls.crt" | b64enc }}'
      tls.key: '{{ index . "tls.key" | b64enc }}'
  data: [{match: {secretKey: tls.crt, remoteRef: {remoteKey: acme-tls, property: tls_crt}}}]
`,
  'kubernetes/apps/network/gateway/kustomization.yaml': K('network', ['gateway.yaml', 'backend.yaml']),
  'kubernetes/apps/network/gateway/gateway.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: external
  annotations:
    external-dns.alpha.kubernetes.io/target: external.acme.io
spec:
  gatewayClassName: envoy
  listeners:
    - {name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: Same}}}
    - name: https
      protocol: HTTPS
      port: 443
      allowedRoutes: {namespaces: {from: All}}
      tls: {certificateRefs: [{kind: Secret, name: acme-tls}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: https-redirect}
spec:
  parentRefs: [{name: external, sectionName: http}]
  hostnames: ["*.acme.io"]
  rules: [{filters: [{type: RequestRedirect, requestRedirect: {scheme: https, statusCode: 301}}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: internal
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt-production
spec:
  gatewayClassName: envoy
  listeners:
    - {name: https, protocol: HTTPS, port: 443, hostname: "*.home.acme.io", tls: {certificateRefs: [{name: home-acme-tls}]}}
`,
  'kubernetes/apps/network/gateway/backend.yaml': `apiVersion: gateway.envoyproxy.io/v1alpha1
kind: Backend
metadata: {name: nas}
spec:
  endpoints: [{fqdn: {hostname: nas.home.acme.io, port: 5001}}]
  tls:
    insecureSkipVerify: true
`,
  'kubernetes/apps/default/wiki/kustomization.yaml': K('default', ['externalsecret.yaml', 'ingress.yaml', 'secret.sops.yaml', 'transport.yaml']),
  'kubernetes/apps/default/wiki/externalsecret.yaml': `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: wiki}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: onepassword}
  target:
    name: wiki-secret
    template:
      data:
        DATABASE_URL: 'postgres://{{ .user }}:{{ .password }}@postgres:5432/wiki'
        caBundle: \${POSTGRES_CA}
  dataFrom: [{extract: {key: wiki}}]
`,
  'kubernetes/apps/default/wiki/ingress.yaml': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: wiki
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt-staging
spec:
  ingressClassName: nginx
  tls: [{hosts: [wiki.acme.io], secretName: wiki-tls}]
  rules:
    - host: wiki.acme.io
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: wiki, port: {number: 80}}}}]}
`,
  'kubernetes/apps/default/wiki/secret.sops.yaml': `apiVersion: v1
kind: Secret
metadata: {name: wiki-oidc}
type: kubernetes.io/tls
data:
  tls.crt: ENC[AES256_GCM,data:LS0tLS1CRUdJTiBDRVJU,iv:aXY=,tag:dGFn,type:str]
  tls.key: ENC[AES256_GCM,data:a2V5,iv:aXY=,tag:dGFn,type:str]
sops:
  age: [{recipient: age1example, enc: encrypted}]
  version: 3.9.0
`,
  // One document with a YAML error between two that parse.
  'kubernetes/apps/default/wiki/transport.yaml': `apiVersion: traefik.io/v1alpha1
kind: ServersTransport
metadata: {name: wiki-backend}
spec:
  serverName: wiki.default.svc
  insecureSkipVerify: true
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: wiki-config
data:
  settings: {theme: dark
  lang: en
---
apiVersion: v1
kind: Service
metadata: {name: wiki}
spec:
  ports: [{port: 80}]
`,
};

let ws: TempWorkspace;
let cli: { status: number | null; findings: CliFinding[]; stdout: string };
const p = (...parts: string[]): string => path.join('kubernetes', 'apps', ...parts);

before(() => {
  ws = new TempWorkspace('tls-lens-repo-eso-', FILES);
  cli = checkJson(ws.dir);
});

after(() => ws.remove());

describe('an External Secrets and cert-manager cluster repository', () => {
  test('the CLI reports the real problems and nothing invented from templates, encrypted values or operator-made Secrets', () => {
    const got = cli.findings.map((f) => `${f.severity} ${f.ruleId} ${f.file}:${f.range.start.line + 1}`).sort();
    assert.deepEqual(
      got,
      [
        `error kube/yaml-syntax ${p('default', 'wiki', 'transport.yaml')}:14`,
        `warning certmanager/staging-issuer ${p('default', 'wiki', 'ingress.yaml')}:6`,
        `warning envoygateway/backend-insecure-skip-verify ${p('network', 'gateway', 'backend.yaml')}:7`,
        `warning traefik/servers-transport-insecure ${p('default', 'wiki', 'transport.yaml')}:6`,
      ],
      cli.stdout,
    );
    assert.equal(cli.status, 1);
    const staging = cli.findings.find((f) => f.ruleId === 'certmanager/staging-issuer')!;
    assert.match(staging.message, /^Ingress default\/wiki: cert-manager\.io\/cluster-issuer asks cert-manager for certificates from ClusterIssuer letsencrypt-staging/);
    assert.equal(staging.related?.[0]?.file, p('cert-manager', 'issuers', 'clusterissuer.yaml'));
    const syntax = cli.findings.find((f) => f.ruleId === 'kube/yaml-syntax')!;
    assert.match(syntax.message, /^YAML syntax error: .*; document 2 of 3 is not checked, the others are$/);
  });

  test('the language server over stdio: the broken file gets its syntax error and the findings of the documents that parse', async () => {
    const session = await LspSession.start({ workspaceFolders: [ws.dir] });
    try {
      const file = path.join(ws.dir, p('default', 'wiki', 'transport.yaml'));
      const uri = fileUri(file);
      await session.open(uri, 'yaml', readFileSync(file, 'utf8'));
      const got = await session.diagnostics(uri, { accept: (d) => d.diagnostics.length >= 2, what: 'the syntax error and the ServersTransport finding' });
      assert.deepEqual(got.diagnostics.map((d) => [d.code, d.range.start.line, d.severity]).sort(), [
        ['kube/yaml-syntax', 13, 1],
        ['traefik/servers-transport-insecure', 5, 2],
      ]);
      // The Ingress asking cert-manager: no "not in the workspace" note once the workspace is read, the staging issuer reported.
      const ingressFile = path.join(ws.dir, p('default', 'wiki', 'ingress.yaml'));
      await session.open(fileUri(ingressFile), 'yaml', readFileSync(ingressFile, 'utf8'));
      const ing = await session.diagnostics(fileUri(ingressFile), { accept: (d) => d.diagnostics.some((x) => x.code === 'certmanager/staging-issuer'), what: 'the staging issuer where it is used' });
      assert.deepEqual(ing.diagnostics.map((d) => d.code), ['certmanager/staging-issuer']);
    } finally {
      await session.shutdownAndExit();
    }
  });
});

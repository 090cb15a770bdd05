// Parity with istioctl analyze for IST0128, IST0129, IST0101, IST0161 and IST0138.
//
// Each case is a workspace of manifests and the messages `istioctl analyze --use-kube=false`
// reports for it, written from Istio's analyzer documentation (istio.io, "Configuration
// analysis messages": IST0101, IST0128, IST0129, IST0138, IST0161) and the analyzers'
// documented behaviour: destinationrule.CaCertificateAnalyzer (top-level and port-level
// ClientTLSSettings with mode SIMPLE or MUTUAL and no caCertificates; not when credentialName
// and workloadSelector are both set; subsets not examined), gateway.SecretAnalyzer (the
// Secret must be in the namespace of the first Pod the Gateway's selector matches; it must
// hold tls.crt+tls.key or cert+key, parse, and be within its validity period),
// gateway.CertificateAnalyzer (same credentialName, or same serverCertificate+privateKey, on
// gateways whose selector is a subset). `deviation` documents where TLS Lens deliberately
// reports differently, with its own expected result.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DAY, makeCert } from '../support/certs';
import { NOW } from '../support/lint';
import { lintKube } from './kube-support';

let valid: string;
let expired: string;
let future: string;

before(async () => {
  valid = (await makeCert({ cn: 'httpbin.example.com', dns: ['httpbin.example.com'], notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 300 * DAY) })).pem;
  expired = (await makeCert({ cn: 'httpbin.example.com', dns: ['httpbin.example.com'], notBefore: new Date(NOW.getTime() - 100 * DAY), notAfter: new Date(NOW.getTime() - DAY) })).pem;
  future = (await makeCert({ cn: 'httpbin.example.com', dns: ['httpbin.example.com'], notBefore: new Date(NOW.getTime() + 5 * DAY), notAfter: new Date(NOW.getTime() + 300 * DAY) })).pem;
});

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const KEY = b64('placeholder key material');

interface Case {
  name: string;
  manifests: () => string;
  /** What istioctl reports: codes, with ports for IST0129. */
  istioctl: string[];
  /** Where TLS Lens differs on purpose: why, and what it reports instead. */
  deviation?: { why: string; tlsLens: string[] };
}

const dr = (spec: string): string => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: db-tls
  namespace: default
spec:
  host: mydbserver.prod.svc.cluster.local
${spec}`;

const pod = (ns: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: istio-ingressgateway-1
  namespace: ${ns}
  labels:
    istio: ingressgateway
`;

const gateway = (credential: string, name = 'gw', selector = 'istio: ingressgateway', ns = 'default'): string => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    ${selector}
  servers:
    - port: {number: 443, name: https, protocol: HTTPS}
      hosts: [httpbin.example.com]
      tls:
        mode: SIMPLE
        credentialName: ${credential}
`;

const secret = (name: string, ns: string, data: Record<string, string>): string =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ntype: Opaque\ndata:\n${Object.entries(data).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`;

const docs = (...d: string[]): string => d.join('---\n');

const CASES: Case[] = [
  // IST0128 / IST0129 (destinationrule.CaCertificateAnalyzer)
  { name: 'SIMPLE without caCertificates (the IST0128 documentation example)', manifests: () => dr('  trafficPolicy:\n    tls:\n      mode: SIMPLE\n      clientCertificate: /etc/certs/myclientcert.pem\n      privateKey: /etc/certs/client_private_key.pem\n'), istioctl: ['IST0128'] },
  { name: 'MUTUAL without caCertificates', manifests: () => dr('  trafficPolicy:\n    tls:\n      mode: MUTUAL\n      clientCertificate: /etc/certs/c.pem\n      privateKey: /etc/certs/k.pem\n'), istioctl: ['IST0128'] },
  { name: 'SIMPLE with caCertificates', manifests: () => dr('  trafficPolicy:\n    tls:\n      mode: SIMPLE\n      caCertificates: /etc/certs/rootcacerts.pem\n'), istioctl: [] },
  { name: 'MUTUAL with caCertificates', manifests: () => dr('  trafficPolicy:\n    tls:\n      mode: MUTUAL\n      clientCertificate: /etc/certs/c.pem\n      privateKey: /etc/certs/k.pem\n      caCertificates: /etc/certs/ca.pem\n'), istioctl: [] },
  { name: 'an empty caCertificates is no CA', manifests: () => dr('  trafficPolicy:\n    tls:\n      mode: SIMPLE\n      caCertificates: ""\n'), istioctl: ['IST0128'] },
  { name: 'ISTIO_MUTUAL needs no CA', manifests: () => dr('  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n'), istioctl: [] },
  { name: 'DISABLE is not TLS origination', manifests: () => dr('  trafficPolicy:\n    tls:\n      mode: DISABLE\n'), istioctl: [] },
  { name: 'tls without a mode (sni only)', manifests: () => dr('  trafficPolicy:\n    tls:\n      sni: db.example.com\n'), istioctl: [] },
  { name: 'credentialName without workloadSelector is still reported (istio/istio#42005)', manifests: () => dr('  trafficPolicy:\n    tls:\n      mode: SIMPLE\n      credentialName: db-ca\n'), istioctl: ['IST0128'] },
  { name: 'credentialName with workloadSelector: not reported', manifests: () => dr('  workloadSelector:\n    matchLabels:\n      app: client\n  trafficPolicy:\n    tls:\n      mode: SIMPLE\n      credentialName: db-ca\n'), istioctl: [] },
  { name: 'MUTUAL, credentialName and workloadSelector: not reported', manifests: () => dr('  workloadSelector:\n    matchLabels:\n      app: client\n  trafficPolicy:\n    tls:\n      mode: MUTUAL\n      credentialName: db-client\n'), istioctl: [] },
  { name: 'workloadSelector without credentialName is reported', manifests: () => dr('  workloadSelector:\n    matchLabels:\n      app: client\n  trafficPolicy:\n    tls:\n      mode: SIMPLE\n'), istioctl: ['IST0128'] },
  { name: 'port level SIMPLE without caCertificates (the IST0129 documentation example)', manifests: () => dr('  trafficPolicy:\n    portLevelSettings:\n      - port:\n          number: 443\n        tls:\n          mode: SIMPLE\n          clientCertificate: /etc/certs/myclientcert.pem\n          privateKey: /etc/certs/client_private_key.pem\n          sni: my-nginx.mesh-external.svc.cluster.local\n'), istioctl: ['IST0129:443'] },
  { name: 'port level with caCertificates', manifests: () => dr('  trafficPolicy:\n    portLevelSettings:\n      - port: {number: 443}\n        tls: {mode: MUTUAL, caCertificates: /etc/ca.pem}\n'), istioctl: [] },
  { name: 'port level credentialName with workloadSelector: not reported', manifests: () => dr('  workloadSelector:\n    matchLabels: {app: client}\n  trafficPolicy:\n    portLevelSettings:\n      - port: {number: 443}\n        tls: {mode: SIMPLE, credentialName: db-ca}\n'), istioctl: [] },
  { name: 'both levels, two ports', manifests: () => dr('  trafficPolicy:\n    tls: {mode: SIMPLE}\n    portLevelSettings:\n      - port: {number: 443}\n        tls: {mode: SIMPLE}\n      - port: {number: 8443}\n        tls: {mode: MUTUAL}\n      - port: {number: 9443}\n        tls: {mode: ISTIO_MUTUAL}\n'), istioctl: ['IST0128', 'IST0129:443', 'IST0129:8443'] },
  { name: "subsets' traffic policies are not examined", manifests: () => dr('  subsets:\n    - name: v1\n      labels: {version: v1}\n      trafficPolicy:\n        tls: {mode: SIMPLE}\n'), istioctl: [] },

  // IST0101 / IST0161 (gateway.SecretAnalyzer)
  { name: "Secret in the gateway workload's namespace", manifests: () => docs(pod('istio-system'), gateway('httpbin-credential'), secret('httpbin-credential', 'istio-system', { 'tls.crt': b64(valid), 'tls.key': KEY })), istioctl: [] },
  { name: "generic Secret with cert and key (Istio's other format)", manifests: () => docs(pod('istio-system'), gateway('httpbin-credential'), secret('httpbin-credential', 'istio-system', { cert: b64(valid), key: KEY })), istioctl: [] },
  { name: 'Secret missing', manifests: () => docs(pod('istio-system'), gateway('httpbin-credential')), istioctl: ['IST0101'] },
  { name: "Secret only in the Gateway's namespace, not the workload's", manifests: () => docs(pod('istio-system'), gateway('httpbin-credential'), secret('httpbin-credential', 'default', { 'tls.crt': b64(valid), 'tls.key': KEY })), istioctl: ['IST0101'] },
  { name: 'credentialName naming namespace/name', manifests: () => docs(pod('istio-system'), gateway('certs/httpbin-credential'), secret('httpbin-credential', 'certs', { 'tls.crt': b64(valid), 'tls.key': KEY })), istioctl: [] },
  { name: 'a server without credentialName', manifests: () => docs(pod('istio-system'), gateway('""')), istioctl: [] },
  { name: 'wrong key names (the IST0161 test data: tls.cert)', manifests: () => docs(pod('istio-system'), gateway('invalid-key'), secret('invalid-key', 'istio-system', { 'tls.cert': b64(valid), 'tls.keys': KEY })), istioctl: ['IST0161'] },
  { name: 'tls.crt without tls.key', manifests: () => docs(pod('istio-system'), gateway('no-key'), secret('no-key', 'istio-system', { 'tls.crt': b64(valid) })), istioctl: ['IST0161'] },
  { name: 'certificate that does not parse', manifests: () => docs(pod('istio-system'), gateway('garbage'), secret('garbage', 'istio-system', { 'tls.crt': b64('hush hush hush\n'), 'tls.key': KEY })), istioctl: ['IST0161'] },
  { name: 'expired certificate', manifests: () => docs(pod('istio-system'), gateway('old'), secret('old', 'istio-system', { 'tls.crt': b64(expired), 'tls.key': KEY })), istioctl: ['IST0161'] },
  { name: 'certificate not yet valid', manifests: () => docs(pod('istio-system'), gateway('soon'), secret('soon', 'istio-system', { 'tls.crt': b64(future), 'tls.key': KEY })), istioctl: ['IST0161'] },
  {
    name: 'no workload matches the selector',
    manifests: () => docs(gateway('httpbin-credential', 'gw', 'istio: ingressgateway', 'shop'), secret('httpbin-credential', 'istio-system', { 'tls.crt': b64(valid), 'tls.key': KEY })),
    istioctl: ['IST0101:selector'],
    deviation: { why: 'gateway workloads are usually installed apart from the manifests; TLS Lens then looks in the Gateway namespace and istio-system instead of reporting the selector', tlsLens: [] },
  },

  // IST0138 (gateway.CertificateAnalyzer)
  { name: 'two Gateways, same selector, same credentialName', manifests: () => docs(pod('istio-system'), secret('shared', 'istio-system', { 'tls.crt': b64(valid), 'tls.key': KEY }), gateway('shared', 'gw1'), gateway('shared', 'gw2')), istioctl: ['IST0138:gw1', 'IST0138:gw2'] },
  { name: 'two Gateways, different selectors', manifests: () => docs(pod('istio-system'), secret('shared', 'istio-system', { 'tls.crt': b64(valid), 'tls.key': KEY }), gateway('shared', 'gw1'), gateway('shared', 'gw2', 'istio: other')), istioctl: ['IST0101:selector'], deviation: { why: 'as above: gw2 selects no workload in the workspace; its Secret is found in istio-system', tlsLens: [] } },
  { name: 'two Gateways, same selector, different credentials', manifests: () => docs(pod('istio-system'), secret('a', 'istio-system', { 'tls.crt': b64(valid), 'tls.key': KEY }), secret('b', 'istio-system', { 'tls.crt': b64(valid), 'tls.key': KEY }), gateway('a', 'gw1'), gateway('b', 'gw2')), istioctl: [] },
];

const CODE: Record<string, (m: string, name: string) => string> = {
  'istio/destination-rule-no-ca': (m) => (/IST0129/.test(m) ? `IST0129:${/at port (\d+)/.exec(m)?.[1]}` : 'IST0128'),
  // One note per file; each reference in it that istioctl reports as IST0101 says so.
  'kube/not-in-workspace': (m) => (m.match(/istioctl IST0101/g) ?? []).map(() => 'IST0101').join(','),
  'istio/gateway-credential-invalid': () => 'IST0161',
  'istio/gateway-duplicate-certificate': (_m, name) => `IST0138:${name}`,
};

describe('istioctl parity (IST0128, IST0129, IST0101, IST0161, IST0138)', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const findings = lintKube(c.manifests(), {}, { file: 'workspace/manifests.yaml' });
      const codes = findings.filter((f) => CODE[f.ruleId]).flatMap((f) => CODE[f.ruleId]!(f.message, f.resource?.name ?? '').split(',').filter((c) => c !== ''));
      assert.deepEqual(codes.sort(), [...(c.deviation?.tlsLens ?? c.istioctl)].sort(), findings.map((f) => `${f.ruleId}: ${f.message}`).join('\n'));
    });
  }

  test('every case is covered: each code appears as expected and as absent', () => {
    for (const code of ['IST0128', 'IST0129', 'IST0101', 'IST0161', 'IST0138']) {
      assert.ok(CASES.some((c) => c.istioctl.some((x) => x.startsWith(code))), `${code} reported somewhere`);
    }
    assert.ok(CASES.filter((c) => c.istioctl.length === 0).length >= 10);
  });
});

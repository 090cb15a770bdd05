/** "Compare with config" on in-memory workspaces: which definition, which line each finding links to, the certificate comparison. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryHost, resolvePolicy, type Policy } from '../../server/src/core';
import { buildProbeReport, type ProbeReport } from '../../server/src/core/probe';
import { compareWithConfig, collectConfigSources, mapConfigFiles } from '../../server/src/core/probe/config/compare';
import { serverNameScore } from '../../server/src/core/probe/config/nginx';
import { hostPatternMatch } from '../../server/src/core/probe/config/kube';
import { DAY, makeCert } from '../support/certs';
import { NOW, handshake, result, scan, TLS13, ECDHE_GCM } from './results';

const policy: Policy = resolvePolicy(undefined, {});

async function certPair(): Promise<{ pem: string; der: Uint8Array; otherPem: string }> {
  const a = await makeCert({ cn: 'example.test', dns: ['example.test'], notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 100 * DAY) });
  const b = await makeCert({ cn: 'old.example.test', dns: ['example.test'], notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 100 * DAY) });
  return { pem: a.pem, der: new Uint8Array(a.cert.rawData), otherPem: b.pem };
}

/** A probe of example.test:443 that accepts TLS 1.0, has no HSTS and no staple. */
function weakResult(leaf: Uint8Array): ReturnType<typeof result> {
  return result({
    scan: scan({ TLSv1: ECDHE_GCM.slice(0, 1), 'TLSv1.2': ECDHE_GCM, 'TLSv1.3': TLS13 }),
    handshake: handshake([leaf], { hsts: { present: false }, ocsp: { stapled: false } }),
  });
}

async function compare(files: Record<string, string>, leaf: Uint8Array, roots = ['/ws']): Promise<ProbeReport> {
  const host = new MemoryHost(files, () => NOW);
  const r = weakResult(leaf);
  const report = buildProbeReport(r, policy, NOW);
  return compareWithConfig(report, r, await collectConfigSources(host, roots, { maxFileBytes: 1 << 20 }), policy);
}

function linksOf(rep: ProbeReport, ruleId: string): string[] {
  return rep.findings.filter((f) => f.ruleId === ruleId).flatMap((f) => (f.config ?? []).map((l) => `${l.file}:${l.range.start.line + 1} ${l.label}`));
}

const NGINX_CONF = `events {}
http {
    ssl_protocols TLSv1 TLSv1.2 TLSv1.3;
    include sites-enabled/*;
}
`;

const SITE = `server {
    listen 80;
    server_name example.test;
}
server {
    listen 443 ssl;
    server_name other.test;
    ssl_certificate certs/other.crt;
    ssl_certificate_key certs/other.key;
}
server {
    listen 443 ssl;
    server_name www.example.test example.test;
    ssl_certificate certs/site.crt;
    ssl_certificate_key certs/site.key;
    ssl_ciphers HIGH:!aNULL;
}
`;

describe('compare with config: nginx', () => {
  test('the server nginx picks by name, with the effective directives (includes, inheritance) per finding', async () => {
    const { pem, der } = await certPair();
    const rep = await compare({ '/ws/nginx/nginx.conf': NGINX_CONF, '/ws/nginx/sites-enabled/site': SITE, '/ws/nginx/certs/site.crt': pem }, der);
    const defs = rep.config!.definitions;
    assert.equal(defs.length, 1);
    assert.equal(defs[0]!.kind, 'nginx');
    assert.equal(defs[0]!.match, 'exact');
    assert.deepEqual([defs[0]!.at.file, defs[0]!.at.range.start.line], ['/ws/nginx/sites-enabled/site', 12]);
    assert.equal(defs[0]!.certificate?.[0]?.matchesLive, true);
    assert.deepEqual(linksOf(rep, 'probe/weak-protocol'), ['/ws/nginx/nginx.conf:3 ssl_protocols TLSv1 TLSv1.2 TLSv1.3 (inherited from http)']);
    assert.deepEqual(linksOf(rep, 'probe/missing-hsts'), ['/ws/nginx/sites-enabled/site:11 no add_header Strict-Transport-Security … always; in this server (RFC 6797)']);
    assert.match(linksOf(rep, 'probe/ocsp-staple')[0]!, /^\/ws\/nginx\/sites-enabled\/site:11 no ssl_stapling in this server: nginx's default off/);
    assert.ok(!rep.findings.some((f) => f.ruleId === 'probe/certificate-differs'));
  });

  test('another certificate than the configured one: probe/certificate-differs, linked to ssl_certificate', async () => {
    const { der, otherPem } = await certPair();
    const rep = await compare({ '/ws/nginx/nginx.conf': NGINX_CONF, '/ws/nginx/sites-enabled/site': SITE, '/ws/nginx/certs/site.crt': otherPem }, der);
    assert.equal(rep.config!.definitions[0]!.certificate?.[0]?.matchesLive, false);
    const f = rep.findings.find((x) => x.ruleId === 'probe/certificate-differs');
    assert.ok(f, JSON.stringify(rep.findings.map((x) => x.ruleId)));
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /CN=old\.example\.test/);
    assert.deepEqual(linksOf(rep, 'probe/certificate-differs'), ['/ws/nginx/sites-enabled/site:14 ssl_certificate certs/site.crt']);
    const off = await compareWithConfig(buildProbeReport(weakResult(der), policy, NOW), weakResult(der), await collectConfigSources(new MemoryHost({ '/ws/nginx.conf': NGINX_CONF.replace('include sites-enabled/*;', SITE), '/ws/certs/site.crt': otherPem }), ['/ws']), resolvePolicy({ rules: { 'probe/certificate-differs': 'off' } }, {}));
    assert.ok(!off.findings.some((x) => x.ruleId === 'probe/certificate-differs'));
  });

  test('a missing certificate file is not compared, and says why', async () => {
    const { der } = await certPair();
    const rep = await compare({ '/ws/nginx/nginx.conf': NGINX_CONF, '/ws/nginx/sites-enabled/site': SITE }, der);
    const c = rep.config!.definitions[0]!.certificate![0]!;
    assert.equal(c.matchesLive, undefined);
    assert.equal(c.note, 'certs/site.crt is not in the workspace');
    assert.ok(!rep.findings.some((x) => x.ruleId === 'probe/certificate-differs'));
  });

  test('no name matches: the default server of the port; a lone site file is read as inside http', async () => {
    const { der } = await certPair();
    const rep = await compare({ '/ws/sites-enabled/a': 'server {\n  listen 443 ssl;\n  server_name nothing.test;\n}\nserver {\n  listen 443 ssl default_server;\n  server_name _;\n  ssl_protocols TLSv1 TLSv1.2;\n}\n' }, der);
    const d = rep.config!.definitions[0]!;
    assert.equal(d.match, 'default');
    assert.equal(d.at.range.start.line, 4);
    assert.deepEqual(linksOf(rep, 'probe/weak-protocol'), ['/ws/sites-enabled/a:8 ssl_protocols TLSv1 TLSv1.2']);
    assert.match(linksOf(rep, 'probe/certificate-expiry').join() + linksOf(rep, 'probe/hostname-mismatch').join(), /^$|no ssl_certificate/);
  });

  test('sites-available/x read by nginx.conf as sites-enabled/x (a link) is one definition, not two', async () => {
    const { pem, der } = await certPair();
    const rep = await compare({ '/ws/nginx/nginx.conf': NGINX_CONF, '/ws/nginx/sites-enabled/site': SITE, '/ws/nginx/sites-available/site': SITE, '/ws/nginx/certs/site.crt': pem }, der);
    assert.deepEqual(rep.config!.definitions.map((d) => d.at.file), ['/ws/nginx/sites-enabled/site']);
    assert.equal(rep.config!.searched.nginxFiles, 2);
  });

  test('another port, or a name defined nowhere: no definition, no links', async () => {
    const { der } = await certPair();
    const rep = await compare({ '/ws/nginx.conf': 'http { server { listen 8443 ssl; server_name example.test; } }\n' }, der);
    assert.deepEqual(rep.config!.definitions, []);
    assert.ok(rep.findings.every((f) => f.config === undefined));
  });

  test('server_name matching follows nginx: exact, wildcards, regex', () => {
    assert.equal(serverNameScore('example.test', 'EXAMPLE.test.')?.how, 'exact');
    assert.equal(serverNameScore('*.example.test', 'a.b.example.test')?.how, 'wildcard');
    assert.equal(serverNameScore('*.example.test', 'example.test'), undefined);
    assert.equal(serverNameScore('.example.test', 'example.test')?.how, 'wildcard');
    assert.equal(serverNameScore('www.example.*', 'www.example.org')?.how, 'wildcard');
    assert.equal(serverNameScore('~^api\\d+\\.example\\.test$', 'api7.example.test')?.how, 'regex');
    assert.equal(serverNameScore('~(unclosed', 'x'), undefined);
    // Expressions that could backtrack for ages are not run.
    assert.equal(serverNameScore('~^(a+)+$', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'), undefined);
    assert.equal(serverNameScore('~^(\\w)\\1\\.test$', 'aa.test'), undefined);
    assert.equal(serverNameScore('~^(www|api)\\.example\\.test$', 'api.example.test')?.how, 'regex');
    assert.equal(serverNameScore('_', 'x'), undefined);
    assert.ok(serverNameScore('example.test', 'example.test')!.score > serverNameScore('*.test', 'example.test')!.score);
  });

  test('files are renamed for the fronts', async () => {
    const { pem, der } = await certPair();
    const rep = mapConfigFiles(await compare({ '/ws/nginx/nginx.conf': NGINX_CONF, '/ws/nginx/sites-enabled/site': SITE, '/ws/nginx/certs/site.crt': pem }, der), (f) => ({ file: f.replace('/ws/', ''), uri: `file://${f}` }));
    assert.equal(rep.config!.definitions[0]!.at.file, 'nginx/sites-enabled/site');
    assert.equal(rep.config!.definitions[0]!.certificate![0]!.at.uri, 'file:///ws/nginx/sites-enabled/site');
    assert.ok(rep.findings.flatMap((f) => f.config ?? []).every((l) => l.uri?.startsWith('file:///ws/') && !l.file.startsWith('/')));
  });
});

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

describe('compare with config: Kubernetes', () => {
  test('Ingress tls hosts: the Secret, its tls.crt, and the controller ConfigMap keys', async () => {
    const { pem, der } = await certPair();
    const files = {
      '/ws/k8s/ingress.yaml': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  tls:
    - hosts:
        - example.test
      secretName: web-tls
  rules:
    - host: example.test
`,
      '/ws/k8s/secret.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: web-tls
  namespace: shop
type: kubernetes.io/tls
data:
  tls.crt: ${b64(pem)}
  tls.key: ${b64('x')}
`,
      '/ws/k8s/controller.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
data:
  ssl-protocols: "TLSv1 TLSv1.2 TLSv1.3"
`,
    };
    // An nginx default server for 443 elsewhere in the workspace does not count against a definition by name.
    const rep = await compare({ ...files, '/ws/nginx.conf': 'http { server { listen 443 ssl default_server; server_name _; } }\n' }, der);
    const d = rep.config!.definitions;
    assert.deepEqual(d.map((x) => [x.kind, x.title, x.at.range.start.line, x.certificate?.[0]?.matchesLive]), [['ingress', 'Ingress shop/web', 8, true]]);
    assert.deepEqual(linksOf(rep, 'probe/weak-protocol'), ['/ws/k8s/controller.yaml:7 ConfigMap ingress-nginx/ingress-nginx-controller ssl-protocols: TLSv1 TLSv1.2 TLSv1.3']);
    assert.deepEqual(linksOf(rep, 'probe/missing-hsts'), ['/ws/k8s/controller.yaml:6 no hsts / hsts-max-age (ingress-nginx default: on, 31536000) in ConfigMap ingress-nginx/ingress-nginx-controller']);
  });

  test('Ingress with a wildcard host; the Secret holds another certificate', async () => {
    const { der, otherPem } = await certPair();
    const rep = await compare(
      {
        '/ws/all.yaml': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: wild
spec:
  tls:
    - hosts: ["*.test"]
      secretName: wild-tls
---
apiVersion: v1
kind: Secret
metadata:
  name: wild-tls
data:
  tls.crt: ${b64(otherPem)}
`,
      },
      der,
    );
    assert.equal(rep.config!.definitions[0]!.match, 'wildcard');
    assert.deepEqual(linksOf(rep, 'probe/certificate-differs'), ['/ws/all.yaml:8 secretName: wild-tls', '/ws/all.yaml:15 Secret default/wild-tls · tls.crt']);
  });

  test('Gateway API HTTPS listener and Istio Gateway server', async () => {
    const { der } = await certPair();
    const rep = await compare(
      {
        '/ws/gw.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: edge
spec:
  gatewayClassName: x
  listeners:
    - name: https
      protocol: HTTPS
      port: 443
      hostname: example.test
      tls:
        certificateRefs:
          - name: gw-cert
    - name: other
      protocol: HTTPS
      port: 8443
      hostname: example.test
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: ig
  namespace: edge
spec:
  servers:
    - port: { number: 443, name: https, protocol: HTTPS }
      hosts: ["edge/example.test"]
      tls:
        mode: SIMPLE
        credentialName: ig-cert
        minProtocolVersion: TLSV1_0
`,
      },
      der,
    );
    const d = rep.config!.definitions;
    assert.deepEqual(d.map((x) => [x.kind, x.title, x.at.range.start.line + 1]), [
      ['gateway', 'Gateway edge/gw listener https', 12],
      ['istio', 'Gateway edge/ig server 1', 29],
    ]);
    assert.match(d[0]!.certificate![0]!.note!, /not in the workspace/);
    const protocol = linksOf(rep, 'probe/weak-protocol');
    assert.ok(protocol.includes('/ws/gw.yaml:33 tls.minProtocolVersion: TLSV1_0'), protocol.join('\n'));
  });

  test('host patterns: exact, one-label wildcard, Istio *', () => {
    assert.equal(hostPatternMatch('*.example.test', 'a.example.test'), 'wildcard');
    assert.equal(hostPatternMatch('*.example.test', 'a.b.example.test'), undefined, 'an Ingress wildcard covers one label');
    assert.equal(hostPatternMatch('*.example.test', 'a.b.example.test', 'suffix'), 'wildcard', 'Gateway API and Istio wildcards are suffixes');
    assert.equal(hostPatternMatch('*.example.test', 'example.test', 'suffix'), undefined);
    assert.equal(hostPatternMatch('*.example.test', 'xexample.test', 'suffix'), undefined);
    assert.equal(hostPatternMatch('*', 'x.test'), 'wildcard');
    assert.equal(hostPatternMatch('Example.Test', 'example.test.'), 'exact');
  });
});

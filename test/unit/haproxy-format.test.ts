/**
 * HAProxy through the format interface: detection scores, the effective configuration
 * (defaults chains, default-server, ssl-default-* inheritance, HAProxy's version ranges),
 * the files it names judged by the cert/* rules (crt files and directories, crt-list,
 * <crt>.key, crt-base, pathMappings), hovers, Probe targets and compare-with-config.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { MemoryHost, TextDoc, detectFormat, formatHoverAt, gatherFacts, isCandidateName, lintDocument, lintFile, resolvePolicy, type Finding, type PolicyInput } from '../../server/src/core';
import { haproxyFormat } from '../../server/src/core/formats/haproxy';
import { haproxyVersionName } from '../../server/src/core/formats/haproxy/model';
import { formatFromName } from '../../server/src/core/formats/detect';
import { endpointsInDocument } from '../../server/src/core/probe/targets';
import { locateInFormats } from '../../server/src/core/probe/config/formats';
import { DAY, makeCert } from '../support/certs';
import { keyPem, makeChain, type Made } from '../support/certs-extra';
import { dhParams1024Pem } from '../support/nginxServer';
import { NOW } from '../support/lint';

const effective = (text: string, policy?: PolicyInput) => haproxyFormat.model({ doc: new TextDoc('/ws/haproxy.cfg', text), policy: resolvePolicy(policy) }).effective;

describe('detection', () => {
  test('names, folders, language ids and content; README and nginx folders stay theirs', () => {
    const d = (file: string, text = '', languageId?: string) => detectFormat(new TextDoc(file, text, languageId));
    const cfg = 'global\n    daemon\nfrontend web\n    bind :80\n';
    assert.equal(d('/etc/haproxy/haproxy.cfg'), 'haproxy');
    assert.equal(d('/srv/haproxy-edge.cfg'), 'haproxy');
    assert.equal(d('/srv/lb/edge.haproxy'), 'haproxy');
    assert.equal(d('/etc/haproxy/conf.d/10-web.cfg'), 'haproxy');
    assert.equal(d('/srv/lb/edge.cfg', cfg), 'haproxy');
    assert.equal(d('/srv/lb/edge.cfg', '[section]\nkey = value\n'), 'text');
    assert.equal(d('/srv/lb/notes.txt', 'x', 'haproxy'), 'haproxy');
    assert.equal(d('/srv/README.md', cfg), 'text', 'Markdown quoting a configuration is not one');
    assert.equal(d('/etc/nginx/conf.d/a.conf', 'server { listen 443 ssl; }'), 'nginx');
    assert.equal(d('/srv/haproxy.cfg', 'x', 'nginx'), 'nginx', 'the editor wins');
    assert.equal(formatFromName('/etc/haproxy/haproxy.cfg'), 'haproxy');
    assert.equal(formatFromName('/srv/lb/edge.cfg'), undefined, 'a plain .cfg needs its text');
    assert.ok(isCandidateName('/srv/lb/edge.cfg'));
  });
});

describe('the effective configuration', () => {
  test('defaults: the last one before, or the one named with from, through from chains', () => {
    const eff = effective(`defaults base
    mode tcp
defaults web from base
    timeout client 5s
defaults
    mode http
frontend a
    bind :80
frontend b from web
    bind :81
frontend c from base
    mode http
    bind :82
`);
    assert.deepEqual(eff.proxies.map((p) => [p.name, p.defaults.map((d) => d.name?.value ?? '-').join('<'), p.mode.value]), [
      ['a', '-', 'http'],
      ['b', 'web<base', 'tcp'],
      ['c', 'base', 'http'],
    ]);
  });

  test('ssl-default-bind-* apply to bind lines with ssl that set none; ssl-default-server-* to servers', () => {
    const eff = effective(`global
    ssl-default-bind-ciphers AAA
    ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256
    ssl-default-bind-curves X25519:P-256
    ssl-default-server-ciphers SSS
    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets
frontend f
    bind :443 ssl crt a.pem
    bind :8443 ssl crt a.pem ciphers OWN ssl-min-ver TLSv1.3
    bind :80
backend b
    server s 10.0.0.1:443 ssl verify none
    server p 10.0.0.2:80
`);
    const [tls, own, plain] = eff.proxies[0]!.binds;
    assert.deepEqual([tls!.ciphers?.value, tls!.ciphers?.origin, tls!.ciphersuites?.value, tls!.curves?.value, tls!.versions.enabled.map(haproxyVersionName).join(' ')], ['AAA', 'global', 'TLS_AES_128_GCM_SHA256', 'X25519:P-256', 'TLSv1.2 TLSv1.3']);
    assert.deepEqual([own!.ciphers?.value, own!.ciphers?.origin, own!.versions.enabled], ['OWN', 'own', ['TLSv1.3']]);
    assert.equal(plain!.tls, false);
    assert.equal(plain!.ciphers, undefined);
    const [s, p] = eff.proxies[1]!.servers;
    assert.deepEqual([s!.tls, s!.ciphers?.value, s!.verify.value, p!.tls, p!.ciphers], [true, 'SSS', 'none', false, undefined]);
  });

  test('default-server lines from defaults and the proxy, before the server; no-… options cancel flags', () => {
    const eff = effective(`defaults d
    default-server ssl verify none ca-file ca.pem
backend b from d
    server s1 10.0.0.1:443
    default-server verify required
    server s2 10.0.0.2:443
    server s3 10.0.0.3:443 no-ssl
`);
    const [s1, s2, s3] = eff.proxies[0]!.servers;
    assert.deepEqual([s1!.tls, s1!.verify.value, s1!.verify.by?.origin, s1!.get('ca-file')?.value?.value], [true, 'none', 'default-server', 'ca.pem']);
    assert.deepEqual([s2!.tls, s2!.verify.value], [true, 'required']);
    assert.equal(s3!.tls, false);
  });

  test('version ranges as HAProxy computes them', () => {
    const range = (opts: string, policy?: PolicyInput) => effective(`frontend f\n    bind :443 ssl crt a.pem ${opts}\n`, policy).proxies[0]!.binds[0]!.versions;
    const names = (opts: string, policy?: PolicyInput) => range(opts, policy).enabled.map(haproxyVersionName).join(' ');
    assert.equal(names(''), 'TLSv1.2 TLSv1.3');
    assert.equal(names('', { haproxyVersion: '2.1' }), 'TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3');
    assert.equal(names('no-tlsv10 no-tlsv11', { haproxyVersion: '2.1' }), 'TLSv1.2 TLSv1.3');
    assert.equal(names('ssl-min-ver TLSv1.0 no-tlsv10 no-tlsv11'), 'TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3', 'no-tlsv1x ignored once a minimum is set');
    assert.deepEqual(range('ssl-min-ver TLSv1.0 no-tlsv10').ignored.map((o) => o.key.value), ['no-tlsv10']);
    assert.equal(names('no-tlsv13'), 'TLSv1.2');
    assert.equal(names('force-tlsv11'), 'TLSv1.1');
    assert.equal(names('ssl-max-ver TLSv1.1'), 'TLSv1.1', 'a maximum below the default minimum: the minimum follows it');
    assert.equal(names('ssl-min-ver TLSv1.3 ssl-max-ver TLSv1.2'), '', 'an empty range (HAProxy refuses it)');
  });
});

describe('named files judged by the cert/* rules', () => {
  let chain: { root: Made; intermediate: Made; leaf: Made };
  let leafKey: string;
  let otherKey: string;
  let expired: string;
  before(async () => {
    chain = await makeChain(NOW, { dns: ['www.example.test'] });
    leafKey = await keyPem(chain.leaf);
    otherKey = await keyPem(chain.root);
    expired = (await makeCert({ cn: 'old.example.test', dns: ['old.example.test'], notBefore: new Date(NOW.getTime() - 100 * DAY), notAfter: new Date(NOW.getTime() - 4 * DAY) })).pem;
  });

  async function lintWith(conf: string, files: Record<string, string>, policy?: PolicyInput, root?: string): Promise<Finding[]> {
    const host = new MemoryHost({ '/ws/haproxy/haproxy.cfg': conf, ...files }, () => NOW);
    const r = await lintFile(host, '/ws/haproxy/haproxy.cfg', 'haproxy.cfg', { policy: resolvePolicy(policy), now: NOW, ...(root ? { root } : {}) });
    assert.ok('findings' in r);
    return r.findings.filter((f) => f.ruleId.startsWith('cert/') || f.ruleId === 'haproxy/weak-dh');
  }

  test('a crt file, relative to the configuration: expired at the path that names it; its chain and key judged', async () => {
    const conf = 'frontend f\n    bind :443 ssl crt certs/site.pem\n    bind :8443 ssl crt certs/old.pem\n';
    const found = await lintWith(conf, { '/ws/haproxy/certs/site.pem': chain.leaf.pem + chain.intermediate.pem + leafKey, '/ws/haproxy/certs/old.pem': expired });
    assert.deepEqual(found.map((f) => [f.ruleId, f.range.start.line, f.range.start.character]), [['cert/expired', 2, 23]]);
    assert.ok(found[0]!.message.includes('named by crt'), found[0]!.message);
    const mismatch = await lintWith(conf, { '/ws/haproxy/certs/site.pem': chain.leaf.pem + chain.intermediate.pem + otherKey });
    assert.deepEqual(mismatch.map((f) => f.ruleId), ['cert/key-mismatch']);
    assert.ok(mismatch[0]!.message.includes('refuses to load the pair'));
    const order = await lintWith(conf, { '/ws/haproxy/certs/site.pem': chain.intermediate.pem + chain.leaf.pem + leafKey });
    assert.deepEqual(order.map((f) => f.ruleId), ['cert/chain']);
  });

  test('<crt>.key beside a certificate file without its key; crt directories; crt-list', async () => {
    const sidecar = await lintWith('frontend f\n    bind :443 ssl crt /ws/haproxy/site.pem\n', { '/ws/haproxy/site.pem': chain.leaf.pem + chain.intermediate.pem, '/ws/haproxy/site.pem.key': otherKey });
    assert.deepEqual(sidecar.map((f) => f.ruleId), ['cert/key-mismatch']);
    assert.ok(sidecar[0]!.message.includes('site.pem.key'));
    const dir = await lintWith('frontend f\n    bind :443 ssl crt certs/\n', { '/ws/haproxy/certs/a.pem': chain.leaf.pem + chain.intermediate.pem + leafKey, '/ws/haproxy/certs/b.pem': expired, '/ws/haproxy/certs/b.pem.ocsp': 'not a certificate' });
    assert.deepEqual(dir.map((f) => [f.ruleId, f.message.includes('old.example.test')]), [['cert/expired', true]]);
    const list = await lintWith('frontend f\n    bind :443 ssl crt-list /ws/haproxy/list.txt\n', { '/ws/haproxy/list.txt': '# certificates\n/ws/haproxy/a.pem [ssl-min-ver TLSv1.2] www.example.test\n/ws/haproxy/b.pem\n', '/ws/haproxy/a.pem': chain.leaf.pem + leafKey, '/ws/haproxy/b.pem': expired });
    assert.deepEqual(list.map((f) => [f.ruleId, f.range.start.character]), [['cert/expired', 27]]);
  });

  test('crt-base and ca-base; absolute paths through pathMappings; nothing outside the root', async () => {
    const conf = 'global\n    crt-base /etc/haproxy/certs\n    ca-base /etc/ssl/internal\nfrontend f\n    bind :443 ssl crt old.pem\nbackend b\n    server s 10.0.0.1:443 ssl ca-file ca.pem\n';
    const files = { '/ws/deploy/certs/old.pem': expired, '/ws/deploy/ca/ca.pem': expired };
    const mapped = { pathMappings: { '/etc/haproxy/': '../deploy', '/etc/ssl/internal/': '../deploy/ca' } };
    const found = await lintWith(conf, files, mapped);
    assert.deepEqual(found.map((f) => [f.ruleId, f.range.start.line]), [['cert/expired', 4], ['cert/expired', 6]]);
    assert.deepEqual(await lintWith(conf, files), [], 'unmapped absolute paths are not read');
    assert.deepEqual(await lintWith(conf, files, mapped, '/ws/haproxy'), [], 'the server reads nothing outside the workspace folder');
  });

  test('DH parameters: ssl-dh-param-file and DH inside a crt file', async () => {
    const found = await lintWith('global\n    ssl-dh-param-file dh.pem\nfrontend f\n    bind :443 ssl crt site.pem\n', { '/ws/haproxy/dh.pem': dhParams1024Pem(), '/ws/haproxy/site.pem': chain.leaf.pem + leafKey + dhParams1024Pem() });
    assert.deepEqual(found.map((f) => [f.ruleId, f.range.start.line]), [['haproxy/weak-dh', 1], ['haproxy/weak-dh', 3]]);
    assert.ok(found[1]!.message.includes('win over ssl-dh-param-file'));
  });

  test('the same facts for the server (gatherFacts) and the CLI (lintFile)', async () => {
    const host = new MemoryHost({ '/ws/haproxy/haproxy.cfg': 'frontend f\n    bind :443 ssl crt old.pem\n', '/ws/haproxy/old.pem': expired }, () => NOW);
    const doc = new TextDoc('/ws/haproxy/haproxy.cfg', 'frontend f\n    bind :443 ssl crt old.pem\n');
    const facts = await gatherFacts(host, doc.file, doc, resolvePolicy(), { root: '/ws' });
    const viaServer = lintDocument(doc, { policy: resolvePolicy(), now: NOW, ...(facts ? { facts } : {}) }).map((f) => f.ruleId);
    assert.ok(viaServer.includes('cert/expired'));
    assert.ok(!lintDocument(doc, { policy: resolvePolicy(), now: NOW }).some((f) => f.ruleId === 'cert/expired'), 'without facts nothing is read');
  });
});

describe('hover, Probe targets and compare-with-config', () => {
  const conf = `global
    ssl-default-bind-options ssl-min-ver TLSv1.2
frontend https from web
    bind :443 ssl crt site.pem
    bind 10.0.0.9:8443 ssl crt site.pem
    acl a hdr(host) -i www.example.test
    acl b req.ssl_sni -m end .apps.example.test
    use_backend b if a
backend b
    server s 10.0.0.1:443 ssl verify none
`;
  const doc = new TextDoc('/ws/haproxy.cfg', conf);
  const policy = resolvePolicy();

  test('a keyword: what it does, the default for the version, the profile; bind, server and proxy: effective settings', () => {
    const at = (line: number, character: number, p = policy) => formatHoverAt(doc, { line, character }, NOW, p)?.markdown ?? '';
    const kw = at(1, 35);
    assert.ok(kw.startsWith('**ssl-min-ver** — the oldest TLS version'), kw);
    assert.ok(kw.includes('Default: TLSv1.2 (HAProxy 2.2 and later'), kw);
    assert.ok(kw.includes('recommends: `ssl-min-ver TLSv1.2`'), kw);
    assert.ok(at(1, 35, resolvePolicy({ haproxyVersion: '2.0' })).includes('Default: what OpenSSL allows, TLSv1.0 and up (HAProxy 2.0)'));
    const bind = at(3, 5);
    assert.ok(bind.includes('| TLS versions | `TLSv1.2 TLSv1.3` | global ssl-default-… settings |'), bind);
    assert.ok(bind.includes("| ciphers (TLS ≤ 1.2) | OpenSSL's DEFAULT | OpenSSL's default |"), bind);
    const server = at(9, 5);
    assert.ok(server.includes('| verify | `none` | this line |'), server);
    const proxy = at(2, 2);
    assert.ok(proxy.startsWith('**Effective TLS settings of frontend https**'), proxy);
    assert.equal(formatHoverAt(doc, { line: 5, character: 2 }, NOW, policy), undefined, 'acl is not a TLS keyword');
  });

  test('a crt path shows what the file holds', async () => {
    const made = await makeCert({ cn: 'www.example.test', dns: ['www.example.test'], notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 40 * DAY) });
    const host = new MemoryHost({ '/ws/haproxy.cfg': conf, '/ws/site.pem': made.pem });
    const facts = await gatherFacts(host, doc.file, doc, policy);
    const md = formatHoverAt(doc, { line: 3, character: 25 }, NOW, policy, facts)?.markdown ?? '';
    assert.ok(md.startsWith('**site.pem**'), md);
    assert.ok(md.includes('CN=www.example.test'), md);
  });

  test('a Probe lens per host name on each TLS bind line (the port when not 443); concrete addresses otherwise', () => {
    assert.deepEqual(endpointsInDocument(doc).map((e) => [e.target, e.range.start.line]), [
      ['www.example.test', 3],
      ['www.example.test:8443', 4],
    ]);
    const bare = new TextDoc('/ws/haproxy.cfg', 'frontend f\n    bind 10.0.0.9:8443 ssl crt a.pem\n    bind :443 ssl crt a.pem\n    bind :80\n');
    assert.deepEqual(endpointsInDocument(bare).map((e) => e.target), ['10.0.0.9:8443']);
  });

  test('compare-with-config: by ACL name, by the certificate\'s SANs, or as the only TLS listener on the port', async () => {
    const made = await makeCert({ cn: 'shop.example.test', dns: ['shop.example.test'], notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 40 * DAY) });
    const host = new MemoryHost({ '/ws/haproxy.cfg': conf, '/ws/site.pem': made.pem });
    const src = { host, files: ['/ws/haproxy.cfg'], policy, maxFileBytes: 1 << 20 };
    const m = async (name: string, port = 443) => (await locateInFormats(src, name, port)).located.map((l) => [l.definition.match, l.definition.at.label]);
    assert.deepEqual(await m('www.example.test'), [['exact', 'www.example.test']]);
    assert.deepEqual(await m('x.apps.example.test'), [['wildcard', '.apps.example.test']]);
    assert.deepEqual(await m('shop.example.test'), [['exact', 'crt site.pem (its certificate covers shop.example.test)']]);
    assert.deepEqual((await m('other.test')).map((x) => x[0]), ['default']);
    assert.deepEqual(await m('www.example.test', 9999), []);
    const [l] = (await locateInFormats(src, 'www.example.test', 443)).located;
    assert.equal(l!.definition.kind, 'haproxy');
    assert.equal(l!.definition.certificate?.[0]?.subject, 'CN=shop.example.test');
    assert.deepEqual(l!.locate('probe/weak-protocol').map((x) => [x.range.start.line, x.label]), [[1, 'ssl-default-bind-options ssl-min-ver TLSv1.2']]);
    assert.deepEqual(l!.locate('probe/missing-hsts').map((x) => x.label), ['no http-response set-header Strict-Transport-Security in frontend https']);
    assert.deepEqual(l!.locate('probe/weak-cipher').map((x) => x.range.start.line), [3, 4], 'each TLS bind line without ciphers');
  });
});

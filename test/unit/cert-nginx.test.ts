import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { MemoryHost, PolicyFileFinder, RULE_IDS, TextDoc, hoverAt, lintFile, loadReferencedFiles, resolvePolicy, type Finding, type PolicyInput } from '../../server/src/core';
import { resolveReferencedPath } from '../../server/src/core/certs/referenced';
import { dhPrimeBits } from '../../server/src/core/x509/dh';
import { DAY, makeCert } from '../support/certs';
import { keyPem, makeChain, makeRaw, x509, type Made } from '../support/certs-extra';
import { NOW } from '../support/lint';

let chain: { root: Made; intermediate: Made; leaf: Made };
let leafKey: string;
let otherKey: string;
let expired: string;
let letsEncrypt: string;

/** DER of PKCS #3 DHParameter with a prime of `bits` bits (not a real prime: only its size is judged). */
function dhParams(bits: number): string {
  const p = Buffer.alloc(bits / 8 + 1);
  p[1] = 0x80;
  p[p.length - 1] = 0x01;
  const int = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0x02]), len(b.length), b]);
  const len = (n: number): Buffer => (n < 128 ? Buffer.from([n]) : n < 256 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]));
  const body = Buffer.concat([int(p), int(Buffer.from([2]))]);
  const der = Buffer.concat([Buffer.from([0x30]), len(body.length), body]);
  return `-----BEGIN DH PARAMETERS-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END DH PARAMETERS-----\n`;
}

before(async () => {
  chain = await makeChain(NOW);
  leafKey = await keyPem(chain.leaf);
  otherKey = await keyPem(chain.root);
  expired = (await makeCert({ cn: 'old.example.test', dns: ['old.example.test'], notBefore: new Date(NOW.getTime() - 100 * DAY), notAfter: new Date(NOW.getTime() - 4 * DAY - 3_600_000) })).pem;
  letsEncrypt = await makeRaw({
    subject: 'CN=le.example.com',
    issuer: chain.intermediate,
    notBefore: new Date(NOW.getTime() - DAY),
    notAfter: new Date(NOW.getTime() + 80 * DAY),
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'le.example.com' }]), new x509.CRLDistributionPointsExtension(['http://r11.c.lencr.org/12.crl'])],
  });
});

async function lintNginx(conf: string, files: Record<string, string>, policy?: PolicyInput): Promise<Finding[]> {
  const host = new MemoryHost({ '/ws/nginx/nginx.conf': conf, ...files }, () => NOW);
  const r = await lintFile(host, '/ws/nginx/nginx.conf', 'nginx/nginx.conf', { policy: resolvePolicy(policy), now: NOW });
  if ('error' in r) assert.fail(r.error);
  return r.findings.filter((f) => /^(cert|nginx\/(weak-dhparam|stapling-letsencrypt|certificate-name-mismatch))/.test(f.ruleId));
}
const at = (f: Finding): string => `${f.range.start.line}:${f.range.start.character}`;

describe('files nginx names', () => {
  test('paths: relative to the prefix, absolute through pathMappings (longest prefix) or inside the prefix; variables are not files', () => {
    const m = { '/etc/nginx/': '/ws/deploy/nginx', '/etc/nginx/certs/': '/ws/secrets' };
    assert.equal(resolveReferencedPath('certs/a.crt', '/ws/nginx', m), '/ws/nginx/certs/a.crt');
    assert.equal(resolveReferencedPath('/etc/nginx/ssl/a.crt', '/ws/nginx', m), '/ws/deploy/nginx/ssl/a.crt');
    assert.equal(resolveReferencedPath('/etc/nginx/certs/a.crt', '/ws/nginx', m), '/ws/secrets/a.crt');
    assert.equal(resolveReferencedPath('/ws/nginx/x/a.crt', '/ws/nginx', {}), '/ws/nginx/x/a.crt');
    assert.equal(resolveReferencedPath('/etc/ssl/a.crt', '/ws/nginx', m), undefined, 'outside the workspace and unmapped');
    assert.equal(resolveReferencedPath('/etc/ssl/$ssl_server_name.crt', '/ws/nginx', m), undefined);
    assert.equal(resolveReferencedPath('data:$cert', '/ws/nginx', m), undefined);
  });

  test('with a root (the workspace folder) nothing outside it is read', async () => {
    const conf = 'server {\n    ssl_certificate ../../etc/a.crt;\n    ssl_trusted_certificate ../shared/ca.crt;\n}\n';
    const host = new MemoryHost({ '/ws/nginx/nginx.conf': conf, '/etc/a.crt': chain.leaf.pem, '/ws/shared/ca.crt': chain.root.pem });
    const policy = resolvePolicy();
    assert.deepEqual([...(await loadReferencedFiles(host, '/ws/nginx/nginx.conf', conf, policy)).keys()], ['../../etc/a.crt', '../shared/ca.crt']);
    assert.deepEqual([...(await loadReferencedFiles(host, '/ws/nginx/nginx.conf', conf, policy, '/ws')).keys()], ['../shared/ca.crt']);
  });

  test("pathMappings targets are relative to the policy file's folder", async () => {
    const host = new MemoryHost({ '/ws/.tls-lens.yaml': 'pathMappings:\n  "/etc/nginx/": deploy/nginx\n  "/srv/": /abs/srv\n' });
    const loaded = await new PolicyFileFinder(host, RULE_IDS).load('/ws/.tls-lens.yaml');
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(loaded.input.pathMappings, { '/etc/nginx/': '/ws/deploy/nginx', '/srv/': '/abs/srv' });
  });

  test('an expired certificate nginx names is reported at the directive; the certificate file itself too', async () => {
    const conf = 'http {\n    server {\n        listen 443 ssl;\n        server_name old.example.test;\n        ssl_certificate certs/old.crt;\n        ssl_certificate_key certs/old.key;\n    }\n}\n';
    const fs = await lintNginx(conf, { '/ws/nginx/certs/old.crt': expired });
    assert.deepEqual(fs.map((f) => [f.ruleId, at(f), f.message]), [
      ['cert/expired', '4:24', 'certificate CN=old.example.test (in certs/old.crt), named by ssl_certificate, expired 4 days ago (notAfter 2026-05-28)'],
    ]);
    assert.deepEqual(await lintNginx(conf, {}), [], 'a file that is not in the workspace is not reported');
  });

  test('mapped server paths; the key of the pair must match; names must be covered', async () => {
    const conf = 'http {\n    server {\n        listen 443 ssl;\n        server_name www.example.test api.example.test;\n        ssl_certificate /etc/nginx/tls/full.pem;\n        ssl_certificate_key /etc/nginx/tls/key.pem;\n    }\n}\n';
    const files = { '/ws/deploy/tls/full.pem': chain.leaf.pem + chain.intermediate.pem, '/ws/deploy/tls/key.pem': otherKey };
    const fs = await lintNginx(conf, files, { pathMappings: { '/etc/nginx/': '/ws/deploy' } });
    assert.deepEqual(fs.map((f) => [f.ruleId, at(f), f.message]), [
      ['nginx/certificate-name-mismatch', '3:37', 'server_name api.example.test is not covered by CN=www.example.test (/etc/nginx/tls/full.pem), whose names are www.example.test'],
      ['cert/key-mismatch', '5:28', 'the key in /etc/nginx/tls/key.pem does not match CN=www.example.test in /etc/nginx/tls/full.pem (ssl_certificate); nginx refuses to start ("key values mismatch")'],
    ]);
    const good = await lintNginx(conf.replace(' api.example.test', ''), { ...files, '/ws/deploy/tls/key.pem': leafKey }, { pathMappings: { '/etc/nginx/': '/ws/deploy' } });
    assert.deepEqual(good, []);
    assert.deepEqual(await lintNginx(conf, files), [], 'without the mapping nothing is read');
  });

  test('a chain file in the wrong order is reported at ssl_certificate', async () => {
    const conf = 'server {\n    listen 443 ssl;\n    server_name www.example.test;\n    ssl_certificate chain.pem;\n}\n';
    const fs = await lintNginx(conf, { '/ws/nginx/chain.pem': chain.intermediate.pem + chain.leaf.pem });
    assert.deepEqual(fs.map((f) => [f.ruleId, at(f), f.message]), [['cert/chain', '3:20', 'the leaf CN=www.example.test (2nd of 2 in chain.pem) is not first: servers send the leaf first, then its issuers']]);
  });

  test('weak DH parameters: the prime size from the DER', async () => {
    assert.equal(dhPrimeBits(Buffer.from(dhParams(1024).split('\n').slice(1, -2).join(''), 'base64')), 1024);
    const conf = 'http {\n    ssl_dhparam dh.pem;\n}\n';
    assert.deepEqual((await lintNginx(conf, { '/ws/nginx/dh.pem': dhParams(1024) })).map((f) => [f.ruleId, at(f), f.message]), [
      ['nginx/weak-dhparam', '1:16', 'dh.pem has a 1024-bit DH prime; at least 2048 bits are needed (Logjam; RFC 9325 §4.1). Use "openssl dhparam -out dhparam.pem 2048", or the RFC 7919 ffdhe2048 group'],
    ]);
    assert.deepEqual(await lintNginx(conf, { '/ws/nginx/dh.pem': dhParams(2048) }), []);
    assert.deepEqual((await lintNginx(conf, { '/ws/nginx/dh.pem': chain.root.pem })).map((f) => [f.ruleId, f.severity]), [['nginx/weak-dhparam', 'warning']]);
  });

  test('hovering the path of a file directive shows what the file holds', async () => {
    const conf = 'server {\n    ssl_certificate certs/full.pem;\n    ssl_certificate_key certs/key.pem;\n    ssl_dhparam dh.pem;\n}\n';
    const host = new MemoryHost({ '/ws/nginx/nginx.conf': conf, '/ws/nginx/certs/full.pem': chain.leaf.pem + chain.intermediate.pem, '/ws/nginx/certs/key.pem': leafKey, '/ws/nginx/dh.pem': dhParams(2048) });
    const policy = resolvePolicy();
    const refs = await loadReferencedFiles(host, '/ws/nginx/nginx.conf', conf, policy);
    const doc = new TextDoc('/ws/nginx/nginx.conf', conf);
    const hover = (line: number, character: number): string => hoverAt(doc, { line, character }, NOW, policy, undefined, refs)?.markdown ?? '';
    const crt = hover(1, 25);
    assert.match(crt, /^\*\*certs\/full\.pem\*\* \(`\/ws\/nginx\/certs\/full\.pem`\)/);
    assert.match(crt, /\*\*Certificate\*\* \(1st of 2 in this file\)\n\n_certs\/full\.pem_/);
    assert.match(crt, /\| Subject \| CN=Test Intermediate CA \|/);
    const key = hover(2, 30);
    assert.match(key, /\| Key \| EC P-256 \|/);
    assert.ok(!key.includes(leafKey.split('\n')[1]!.slice(0, 16)), 'no key material');
    assert.match(hover(3, 18), /\*\*DH PARAMETERS\*\*: 2048-bit prime/);
    assert.match(hover(1, 6), /^\*\*ssl_certificate\*\*/, 'the directive name keeps its own hover');
  });

  test("ssl_stapling on with a Let's Encrypt certificate", async () => {
    const conf = 'http {\n    resolver 127.0.0.53;\n    server {\n        listen 443 ssl;\n        server_name le.example.com;\n        ssl_certificate le.crt;\n        ssl_stapling on;\n    }\n}\n';
    const fs = await lintNginx(conf, { '/ws/nginx/le.crt': letsEncrypt });
    assert.deepEqual(fs.map((f) => [f.ruleId, at(f)]), [['nginx/stapling-letsencrypt', '6:8']]);
    assert.match(fs[0]!.message, /issued by Let's Encrypt, which ended OCSP in 2025/);
    assert.deepEqual(await lintNginx(conf, { '/ws/nginx/le.crt': chain.leaf.pem.replace('', '') }).then((x) => x.filter((f) => f.ruleId === 'nginx/stapling-letsencrypt')), []);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TextDoc, lintDocument, resolvePolicy, type Finding, type PolicyInput } from '../../server/src/core';
import { cabForumMaxDays, expiryThresholds, globMatches } from '../../server/src/core/certs/judge';
import { DAY, makeCert } from '../support/certs';
import { keyPem, makeChain, makeRaw, x509, type Made } from '../support/certs-extra';
import { NOW } from '../support/lint';
import { findTool } from '../support/tools';

const HOUR = 3_600_000;
const ago = (days: number): Date => new Date(NOW.getTime() - days * DAY);
const ahead = (days: number): Date => new Date(NOW.getTime() + days * DAY);
const b64 = (s: string): string => Buffer.from(s).toString('base64');

function findings(text: string, file = 'test/cert.pem', policy?: PolicyInput): Finding[] {
  return lintDocument(new TextDoc(file, text), { policy: resolvePolicy(policy), now: NOW }).filter((f) => f.ruleId.startsWith('cert/') || f.ruleId === 'pem/malformed');
}
const summary = (fs: readonly Finding[]): string[] => fs.map((f) => `${f.range.start.line}:${f.ruleId}:${f.severity}: ${f.message}`);

let chain: { root: Made; intermediate: Made; leaf: Made };
before(async () => {
  chain = await makeChain(NOW);
});

describe('validity', () => {
  test('expired, not yet valid, and valid certificates', async () => {
    const expired = await makeCert({ cn: 'old.example.test', dns: ['old.example.test'], notBefore: ago(100), notAfter: new Date(NOW.getTime() - 4 * DAY - HOUR) });
    const future = await makeCert({ cn: 'soon.example.test', dns: ['soon.example.test'], notBefore: new Date(NOW.getTime() + 3 * DAY + HOUR), notAfter: ahead(90) });
    const fine = await makeCert({ cn: 'ok.example.test', dns: ['ok.example.test'], notBefore: ago(1), notAfter: ahead(80) });
    assert.deepEqual(summary(findings(`${expired.pem}\n${future.pem}\n${fine.pem}\n`)), [
      '0:cert/expired:error: certificate CN=old.example.test (1st of 3) expired 4 days ago (notAfter 2026-05-28)',
      `${expired.pem.split('\n').length}:cert/not-yet-valid:error: certificate CN=soon.example.test (2nd of 3) is not valid until 2026-06-04 (in 3 days)`,
    ]);
  });

  test('expiring: days thresholds for long-lived certificates, a share of the lifetime for short-lived ones', async () => {
    const warn = await makeCert({ cn: 'w.example.test', dns: ['w.example.test'], notBefore: ago(60), notAfter: ahead(20) });
    const err = await makeCert({ cn: 'e.example.test', dns: ['e.example.test'], notBefore: ago(60), notAfter: ahead(5) });
    assert.deepEqual(findings(warn.pem).map((f) => [f.ruleId, f.severity, f.message]), [['cert/expiring', 'warning', 'certificate CN=w.example.test expires in 20 days']]);
    assert.deepEqual(findings(err.pem).map((f) => [f.ruleId, f.severity]), [['cert/expiring', 'error']]);
    assert.deepEqual(findings(warn.pem, 'test/w.pem', { thresholds: { certificateExpiryWarningDays: 10 } }), []);
    // A 24-hour mesh leaf 12 hours into its life is healthy; 6 hours before its end it warns; 2 hours before, an error.
    const mesh = async (leftHours: number): Promise<Finding[]> => {
      const c = await makeCert({ cn: 'mesh', notBefore: new Date(NOW.getTime() - (24 - leftHours) * HOUR), notAfter: new Date(NOW.getTime() + leftHours * HOUR), dns: ['svc.ns.svc.cluster.local'] });
      return findings(c.pem);
    };
    assert.deepEqual(await mesh(12), []);
    assert.deepEqual((await mesh(6)).map((f) => [f.ruleId, f.severity, f.message]), [['cert/expiring', 'warning', 'certificate CN=mesh expires in 6 hours']]);
    assert.deepEqual((await mesh(2)).map((f) => f.severity), ['error']);
    const t = expiryThresholds({ notBefore: ago(90), notAfter: NOW }, resolvePolicy().thresholds);
    assert.deepEqual([t.warning / DAY, t.error / DAY], [29.7, 7]);
  });
});

describe('lifetime', () => {
  test('the CA/Browser Forum schedule by issuance date', () => {
    assert.deepEqual(['2025-06-01', '2026-03-15', '2027-03-15', '2029-03-15', '2019-01-01'].map((d) => cabForumMaxDays(new Date(d + 'T00:00:00Z'))), [398, 200, 100, 47, 825]);
  });

  test('a publicly trusted-looking leaf is judged by the schedule; a private one by the profile', async () => {
    const aia = new x509.AuthorityInfoAccessExtension({ caIssuers: new x509.GeneralName('url', 'http://ca.example.com/ca.der') });
    const san = new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'www.example.com' }]);
    const at = (notBefore: string, notAfter: string): Promise<string> =>
      makeRaw({ subject: 'CN=www.example.com', issuer: chain.intermediate, notBefore: new Date(notBefore), notAfter: new Date(notAfter), extensions: [aia, san] });
    const lifetime = (pem: string): string[] => findings(pem).filter((f) => f.ruleId === 'cert/lifetime').map((f) => f.message);
    assert.deepEqual(lifetime(await at('2026-04-01T00:00:00Z', '2027-01-01T00:00:00Z')), [
      'certificate CN=www.example.com is valid for 275 days; the CA/Browser Forum maximum for a publicly trusted certificate issued 2026-04-01 is 200 days',
    ]);
    assert.deepEqual(lifetime(await at('2026-03-01T00:00:00Z', '2027-01-01T00:00:00Z')), [], 'issued before 2026-03-15: 398 days allowed');
    const self = await makeRaw({ subject: 'CN=www.example.com', notBefore: new Date('2026-04-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z'), extensions: [aia, san] });
    assert.deepEqual(lifetime(self), [], 'a self-signed leaf is judged by the profile (366 days)');
    const priv = await makeCert({ cn: 'internal', dns: ['api.internal'], notBefore: ago(10), notAfter: ahead(3650) });
    assert.deepEqual(findings(priv.pem).filter((f) => f.ruleId === 'cert/lifetime').map((f) => f.message), [
      "certificate CN=internal is valid for 3660 days; the policy's maximum is 366 days (thresholds.certificateMaxLifetimeDays)",
    ]);
    assert.deepEqual(findings(priv.pem, 'test/x.pem', { thresholds: { certificateMaxLifetimeDays: 4000 } }).filter((f) => f.ruleId === 'cert/lifetime'), []);
  });
});

describe('keys and signatures', () => {
  test('RSA 1024 is weak, P-256 is not; SHA-1 signatures are weak except on a self-signed root', async () => {
    const rsa1024 = await makeCert({ cn: 'old-rsa', dns: ['a.example.test'], key: 'rsa1024', notBefore: ago(1), notAfter: ahead(100) });
    assert.deepEqual(findings(rsa1024.pem).map((f) => [f.ruleId, f.message]), [['cert/weak-key', 'certificate CN=old-rsa has a weak key: RSA 1024 bits (fewer than 2048 bits)']]);
    const sha1 = await makeRaw({ subject: 'CN=sha1.example.test', signingHash: 'SHA-1', notBefore: ago(1), notAfter: ahead(100), extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'sha1.example.test' }])] });
    assert.deepEqual(findings(sha1).map((f) => [f.ruleId, f.message]), [['cert/weak-signature', "certificate CN=sha1.example.test is signed with ECDSA with SHA-1; SHA-1 signatures are rejected by browsers and OpenSSL's default security level"]]);
    const sha1Root = await makeRaw({ subject: 'CN=Old Root', signingHash: 'SHA-1', notBefore: ago(1), notAfter: ahead(100), extensions: [new x509.BasicConstraintsExtension(true, undefined, true)] });
    assert.deepEqual(findings(sha1Root), []);
  });

  test('a leaf with only a CN has no SAN; CAs and client-only certificates need none', async () => {
    const cnOnly = await makeCert({ cn: 'www.example.test', notBefore: ago(1), notAfter: ahead(100) });
    assert.deepEqual(findings(cnOnly.pem).map((f) => [f.ruleId, f.message]), [['cert/no-san', 'certificate CN=www.example.test has no subjectAltName: clients ignore its CN "www.example.test" and match no host name']]);
    const client = await makeRaw({ subject: 'CN=alice', notBefore: ago(1), notAfter: ahead(100), extensions: [new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.2'])] });
    assert.deepEqual(findings(client), []);
  });
});

describe('chains', () => {
  test('a good chain (leaf, intermediate) has no finding; the root included is info', () => {
    assert.deepEqual(findings(chain.leaf.pem + chain.intermediate.pem), []);
    const withRoot = chain.leaf.pem + chain.intermediate.pem + chain.root.pem;
    const rootLine = (chain.leaf.pem + chain.intermediate.pem).split('\n').length - 1;
    assert.deepEqual(summary(findings(withRoot)), [`${rootLine}:cert/chain:info: the root CN=Test Root CA (3rd of 3) is included; clients must already trust it, so servers should not send it (RFC 8446 §4.4.2)`]);
  });

  test('unrelated leaves in one file are a collection, not a chain', async () => {
    const a = await makeCert({ cn: 'a.example.test', dns: ['a.example.test'], notBefore: ago(1), notAfter: ahead(100) });
    assert.deepEqual(findings(chain.leaf.pem + a.pem), []);
  });

  test('leaf not first, wrong order, missing intermediate, a signature that does not verify', async () => {
    assert.deepEqual(findings(chain.intermediate.pem + chain.leaf.pem).map((f) => [f.ruleId, f.severity, f.message]), [
      ['cert/chain', 'error', 'the leaf CN=www.example.test (2nd of 2) is not first: servers send the leaf first, then its issuers'],
    ]);
    assert.deepEqual(findings(chain.leaf.pem + chain.root.pem + chain.intermediate.pem).map((f) => f.message), [
      'wrong order: the issuer of CN=www.example.test (1st of 3) is CN=Test Intermediate CA (3rd of 3), not the certificate after it',
    ]);
    const other = await makeCert({ cn: 'Other CA', ca: true, notBefore: ago(1), notAfter: ahead(1000) });
    assert.deepEqual(findings(chain.leaf.pem + other.pem).map((f) => f.message), [
      'CN=www.example.test (1st of 2) is issued by "CN=Test Intermediate CA", but the next certificate is "CN=Other CA": an intermediate is missing or this certificate does not belong here',
    ]);
    // Same name as the intermediate, another key: names chain, the signature does not.
    const impostor = await makeCert({ cn: 'Test Intermediate CA', ca: true, issuer: { cert: chain.root.cert, keys: chain.root.keys }, notBefore: ago(1), notAfter: ahead(1000) });
    assert.deepEqual(findings(chain.leaf.pem + impostor.pem.trimEnd() + '\n').map((f) => [f.severity, f.message]), [
      ['error', 'the signature of CN=www.example.test (1st of 2) does not verify with the key of its issuer CN=Test Intermediate CA (2nd of 2)'],
    ]);
  });

  test('a trust bundle of CA certificates is not a chain; a chain in a Secret value is one', () => {
    assert.deepEqual(findings(chain.root.pem + chain.intermediate.pem, 'ca-bundle.pem'), []);
    const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: web\ndata:\n  tls.crt: ${b64(chain.intermediate.pem + chain.leaf.pem)}\n  ca.crt: ${b64(chain.root.pem)}\n`;
    assert.deepEqual(summary(findings(secret, 'test/secret.yaml')), ['5:cert/chain:error: the leaf CN=www.example.test (2nd of 2 in Secret web · tls.crt) is not first: servers send the leaf first, then its issuers']);
  });
});

describe('private keys', () => {
  test('a key that matches none of the leaves beside it: same file, same Secret', async () => {
    const stranger = await keyPem(chain.root);
    const good = await keyPem(chain.leaf);
    assert.deepEqual(findings(chain.leaf.pem + good), []);
    const bad = findings(chain.leaf.pem + stranger);
    assert.deepEqual(bad.map((f) => [f.ruleId, f.range.start.line, f.message]), [['cert/key-mismatch', chain.leaf.pem.split('\n').length - 1, 'this private key does not match CN=www.example.test']]);
    const secret = (key: string): string => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: web\n  namespace: prod\ndata:\n  tls.crt: ${b64(chain.leaf.pem + chain.intermediate.pem)}\n  tls.key: ${b64(key)}\n`;
    assert.deepEqual(findings(secret(good), 'test/s.yaml'), []);
    assert.deepEqual(findings(secret(stranger), 'test/s.yaml').map((f) => [f.ruleId, f.range.start.line, f.message]), [['cert/key-mismatch', 7, 'this private key does not match CN=www.example.test (Secret prod/web · tls.crt)']]);
  });

  test('a key committed outside the allowed paths is a warning (info when encrypted); the paths are configurable', async () => {
    const key = await keyPem(chain.leaf);
    const at = (file: string, policy?: PolicyInput): string[] => findings(key, file, policy).map((f) => `${f.ruleId}:${f.severity}`);
    assert.deepEqual(at('deploy/tls/server.key'), ['cert/private-key-committed:warning']);
    assert.deepEqual(at('test/data/server.key'), []);
    assert.deepEqual(at('/abs/repo/examples/server.key'), []);
    assert.deepEqual(at('deploy/tls/server.key', { privateKeyAllowedPaths: ['deploy/tls/*.key'] }), []);
    assert.deepEqual(at('test/server.key', { privateKeyAllowedPaths: [] }), ['cert/private-key-committed:warning']);
    const encrypted = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBAA==\n-----END ENCRYPTED PRIVATE KEY-----\n';
    assert.deepEqual(findings(encrypted, 'deploy/k.pem').map((f) => `${f.ruleId}:${f.severity}`), ['cert/private-key-committed:info']);
    assert.ok(globMatches('**/testdata/**', 'a/b/testdata/c/d.key'));
    assert.ok(!globMatches('/keys/*.pem', 'x/keys/a.pem'));
    assert.ok(globMatches('/keys/*.pem', '/keys/a.pem'));
  });
});

describe('malformed material and bad input', () => {
  test('bad base64 in a Secret is a located pem/malformed error', () => {
    const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: web\ndata:\n  tls.crt: LS0tLS1CRUdJTi*\n';
    assert.deepEqual(summary(findings(text, 'test/s.yaml')), ['5:pem/malformed:error: invalid base64 in "tls.crt": unexpected "*"']);
  });

  test('Markdown and plain text are not judged; JSON is', async () => {
    const expired = await makeCert({ cn: 'old.example.test', dns: ['old.example.test'], notBefore: ago(100), notAfter: ago(4) });
    assert.deepEqual(findings(expired.pem, 'README.md'), []);
    assert.deepEqual(findings(JSON.stringify({ cert: expired.pem }), 'test/tls.json').map((f) => f.ruleId), ['cert/expired']);
  });

  test('a 10,000-certificate bundle is judged in bounded time and memory (no hang)', async () => {
    const one = (await makeCert({ cn: 'bulk.example.test', dns: ['bulk.example.test'], notBefore: ago(1), notAfter: ahead(60) })).pem.trimEnd() + '\n';
    const text = one.repeat(10_000);
    const fs = lintDocument(new TextDoc('test/bulk.pem', text), { policy: resolvePolicy({ maxFileSizeKb: 20_000 }), now: NOW });
    // Every copy names itself as its issuer's subject: the chain rule reports the first break only.
    assert.ok(fs.length <= 2, fs.map((f) => f.message).join('\n'));
  });

  test('truncated blocks and a certificate with bit flips never crash a rule', () => {
    const pem = chain.leaf.pem;
    for (let cut = 30; cut < pem.length; cut += 97) {
      for (const f of findings(pem.slice(0, cut) + '\n' + chain.intermediate.pem)) assert.notEqual(f.ruleId, 'core/internal-error', f.message);
    }
  });
});

const openssl = findTool('openssl');
describe('certificates made by openssl', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-rules-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a CA → leaf chain signed by openssl verifies; a leaf without its CA from another key mismatches', { skip: openssl.skip }, () => {
    const run = (args: string[]): void => {
      const r = spawnSync(openssl.path!, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', '/CN=OpenSSL Test CA', '-addext', 'basicConstraints=critical,CA:TRUE']);
    run(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=leaf.example.test', '-addext', 'subjectAltName=DNS:leaf.example.test']);
    run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.crt', '-days', '20', '-copy_extensions', 'copy']);
    const read = (f: string): string => readFileSync(path.join(dir, f), 'utf8');
    const real = new Date();
    const lintReal = (text: string): Finding[] => lintDocument(new TextDoc('test/x.pem', text), { policy: resolvePolicy(), now: real }).filter((f) => f.ruleId.startsWith('cert/'));
    assert.deepEqual(lintReal(read('leaf.crt') + read('ca.crt') + read('leaf.key')).map((f) => f.message), [
      'the root CN=OpenSSL Test CA (2nd of 2) is included; clients must already trust it, so servers should not send it (RFC 8446 §4.4.2)',
    ]);
    assert.deepEqual(lintReal(read('leaf.crt') + read('ca.key')).map((f) => f.ruleId), ['cert/key-mismatch']);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TextDoc, hoverAt } from '../../server/src/core';
import { materialSites } from '../../server/src/core/certs/sites';
import { privateKeyOfSite } from '../../server/src/core/certs/keys';
import { decodeCertificate, decodeCount } from '../../server/src/core/x509/certificate';
import { readTlv, time } from '../../server/src/core/x509/der';
import { certificateFacts } from '../../server/src/core/x509/facts';
import { DAY } from '../support/certs';
import { makeRaw, x509 } from '../support/certs-extra';
import { NOW, lint } from '../support/lint';
import { findTool } from '../support/tools';

const der = (pem: string): Uint8Array => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
const decode = (pem: string) => {
  const d = decodeCertificate(der(pem));
  if (!d.ok) assert.fail(d.error);
  return d.cert;
};

const openssl = findTool('openssl');
let dir = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-decode-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): void {
  const r = spawnSync(openssl.path!, args, { encoding: 'utf8', cwd: dir, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

describe('certificate decoding', () => {
  test('every extension a front shows, from a certificate made by openssl', { skip: openssl.skip }, () => {
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '90', '-subj', '/C=DE/O=Example, Inc/CN=api.example.test', '-sha384',
      '-addext', 'subjectAltName=DNS:api.example.test,IP:2001:db8::7,URI:spiffe://example.test/api,email:ops@example.test',
      '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment',
      '-addext', 'extendedKeyUsage=serverAuth,clientAuth',
      '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:1',
      '-addext', 'authorityInfoAccess=OCSP;URI:http://ocsp.example.test,caIssuers;URI:http://ca.example.test/ca.der',
      '-addext', 'crlDistributionPoints=URI:http://crl.example.test/ca.crl']);
    const pem = readFileSync(path.join(dir, 'c.pem'), 'utf8');
    const c = decode(pem);
    const fp = (alg: string): string => spawnSync(openssl.path!, ['x509', '-noout', '-fingerprint', `-${alg}`, '-in', 'c.pem'], { cwd: dir, encoding: 'utf8' }).stdout.trim().split('=')[1]!;
    assert.equal(c.subject, 'C=DE, O=Example\\, Inc, CN=api.example.test');
    assert.equal(c.subjectCommonName, 'api.example.test');
    assert.equal(c.version, 3);
    assert.deepEqual(c.publicKey, { algorithm: 'RSA', bits: 2048 });
    assert.equal(c.signatureAlgorithm, 'RSA with SHA-384');
    assert.equal(c.sha1Fingerprint, fp('sha1'));
    assert.equal(c.sha256Fingerprint, fp('sha256'));
    assert.deepEqual(c.sans, [
      { type: 'DNS', value: 'api.example.test' },
      { type: 'IP', value: '2001:db8::7' },
      { type: 'URI', value: 'spiffe://example.test/api' },
      { type: 'email', value: 'ops@example.test' },
    ]);
    assert.deepEqual(c.keyUsage, ['digitalSignature', 'keyEncipherment']);
    assert.deepEqual(c.extendedKeyUsage, ['serverAuth', 'clientAuth']);
    assert.deepEqual(c.basicConstraints, { ca: true, pathLength: 1, critical: true });
    assert.deepEqual(c.ocspUrls, ['http://ocsp.example.test']);
    assert.deepEqual(c.caIssuerUrls, ['http://ca.example.test/ca.der']);
    assert.deepEqual(c.crlUrls, ['http://crl.example.test/ca.crl']);
    assert.match(c.subjectKeyIdentifier ?? '', /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    assert.deepEqual(c.criticalUnknownExtensions, []);
    const labels = certificateFacts(c, NOW).map((f) => f.label);
    assert.deepEqual(labels, ['Subject', 'Issuer', 'SANs', 'Valid', 'Key', 'Signature', 'Serial', 'SHA-256', 'SHA-1', 'Basic constraints', 'Key usage', 'Extended key usage', 'Subject key ID', 'Authority key ID', 'OCSP', 'CA issuers', 'CRL']);
    const md = hoverAt(new TextDoc('c.pem', pem), { line: 2, character: 1 }, NOW)?.markdown ?? '';
    assert.match(md, /\| Key usage \| digitalSignature, keyEncipherment \|/);
    assert.match(md, /\| Extended key usage \| serverAuth, clientAuth \|/);
    assert.match(md, /\| Basic constraints \| CA, path length 1 \|/);
    assert.match(md, /\| OCSP \| `http:\/\/ocsp\.example\.test` \|/);
    assert.match(md, /\| CRL \| `http:\/\/crl\.example\.test\/ca\.crl` \|/);
  });

  test('a v1 certificate (no extensions) from openssl', { skip: openssl.skip }, () => {
    run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1', '-nodes', '-keyout', 'v1.key', '-out', 'v1.csr', '-subj', '/CN=v1.example.test']);
    run(['x509', '-req', '-in', 'v1.csr', '-signkey', 'v1.key', '-out', 'v1.pem', '-days', '5', '-sha1']);
    const c = decode(readFileSync(path.join(dir, 'v1.pem'), 'utf8'));
    assert.equal(c.basicConstraints, undefined);
    assert.equal(c.signatureAlgorithm, 'ECDSA with SHA-1');
    assert.equal(c.signatureHash, 'SHA-1');
    assert.deepEqual(c.publicKey, { algorithm: 'EC', curve: 'P-384' });
  });

  test('negative serials, dates past 2049 and before 1950, unknown critical extensions', async () => {
    const pem = await makeRaw({
      serial: '7EE1',
      notBefore: new Date('1950-01-01T00:00:00Z'),
      notAfter: new Date('2051-03-01T00:00:00Z'),
      extensions: [new x509.Extension('1.3.6.1.4.1.99999.1', true, new Uint8Array([0x05, 0x00])), new x509.Extension('1.3.6.1.4.1.99999.2', false, new Uint8Array([0x05, 0x00]))],
    });
    // Generators refuse negative serials: flip the sign bit of 7EE1 in the DER (the signature no longer matters here).
    const bytes = Buffer.from(der(pem));
    const at = bytes.indexOf(Buffer.from([0x02, 0x02, 0x7e, 0xe1]));
    assert.ok(at > 0);
    bytes[at + 2] = 0xf0;
    const d = decodeCertificate(bytes);
    if (!d.ok) assert.fail(d.error);
    const c = d.cert;
    assert.equal(c.negativeSerial, true);
    assert.equal(c.serialNumber, 'F0E1');
    assert.equal(c.notBefore.toISOString(), '1950-01-01T00:00:00.000Z');
    assert.equal(c.notAfter.toISOString(), '2051-03-01T00:00:00.000Z');
    assert.deepEqual(c.criticalUnknownExtensions, ['1.3.6.1.4.1.99999.1']);
    const facts = certificateFacts(c, NOW);
    assert.equal(facts.find((f) => f.label === 'Serial')?.value, 'F0E1 (negative)');
    assert.match(facts.find((f) => f.label === 'Unknown critical extensions')?.value ?? '', /1\.3\.6\.1\.4\.1\.99999\.1 \(TLS clients reject this certificate\)/);
  });

  test('UTCTime years 50–99 are 19xx, 00–49 20xx; GeneralizedTime holds any year (RFC 5280 §4.1.2.5)', () => {
    const t = (tag: number, s: string): string | undefined => {
      const bytes = Uint8Array.from([tag, s.length, ...Buffer.from(s, 'latin1')]);
      return time(bytes, readTlv(bytes, 0))?.toISOString();
    };
    assert.equal(t(0x17, '491231230000Z'), '2049-12-31T23:00:00.000Z');
    assert.equal(t(0x17, '500101000000Z'), '1950-01-01T00:00:00.000Z');
    assert.equal(t(0x18, '19491231230000Z'), '1949-12-31T23:00:00.000Z');
    assert.equal(t(0x18, '00100101000000Z'), '0010-01-01T00:00:00.000Z');
    assert.equal(t(0x18, '99991231235959Z'), '9999-12-31T23:59:59.000Z');
    assert.equal(t(0x17, '491331230000Z'), undefined, 'month 13');
    assert.equal(t(0x17, '4912312300Z'), '2049-12-31T23:00:00.000Z', 'seconds may be left out');
  });

  test('malformed DER: a clear message, never a throw', () => {
    const good = der(readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'certs', 'valid.crt'), 'utf8').split('-----END CERTIFICATE-----')[0]! + '-----END CERTIFICATE-----');
    for (let cut = 0; cut < good.length; cut += 7) {
      const r = decodeCertificate(good.subarray(0, cut));
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, /^not a valid X\.509 certificate: /);
    }
    const r = decodeCertificate(Uint8Array.from([0x30, 0x80, 0x00, 0x00]));
    assert.deepEqual(r, { ok: false, error: 'not a valid X.509 certificate: indefinite length is not DER' });
  });

  test('a re-lint of unchanged certificates decodes nothing again', async () => {
    const pem = await makeRaw({ subject: 'CN=cache.example.test', notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 50 * DAY) });
    lint(pem, 'cache.pem');
    const before = decodeCount();
    lint(pem, 'cache.pem');
    lint(`# another file with the same certificate\n${pem}`, 'copy.pem');
    assert.equal(decodeCount(), before);
  });
});

describe('private keys: algorithm and size, never material', () => {
  const keyOf = (pem: string) => {
    const site = materialSites(new TextDoc('k.key', pem)).find((s) => /PRIVATE KEY/.test(s.label));
    assert.ok(site);
    return { site, key: privateKeyOfSite(site) };
  };

  test('RSA (PKCS#1 and PKCS#8), EC (SEC1), Ed25519', { skip: openssl.skip }, () => {
    run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', 'rsa8.pem']);
    run(['pkey', '-in', 'rsa8.pem', '-traditional', '-out', 'rsa1.pem']);
    run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ec.pem']);
    run(['genpkey', '-algorithm', 'ed25519', '-out', 'ed.pem']);
    const read = (f: string): string => readFileSync(path.join(dir, f), 'utf8');
    assert.deepEqual(keyOf(read('rsa8.pem')).key?.bits, 1024);
    assert.equal(keyOf(read('rsa1.pem')).site.label, 'RSA PRIVATE KEY');
    assert.deepEqual([keyOf(read('rsa1.pem')).key?.algorithm, keyOf(read('rsa1.pem')).key?.bits], ['RSA', 1024]);
    assert.deepEqual([keyOf(read('ec.pem')).key?.algorithm, keyOf(read('ec.pem')).key?.curve], ['EC', 'P-256']);
    assert.equal(keyOf(read('ed.pem')).key?.algorithm, 'Ed25519');
    const md = hoverAt(new TextDoc('rsa.key', read('rsa1.pem')), { line: 2, character: 3 }, NOW)?.markdown ?? '';
    assert.match(md, /\| Key \| RSA 1024 bits \|/);
    for (const line of read('rsa1.pem').split('\n').slice(1, -2)) assert.ok(!md.includes(line.slice(0, 16)), 'no key material in the hover');
  });

  test('encrypted keys are described without a passphrase', { skip: openssl.skip }, () => {
    run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-aes256', '-pass', 'pass:secret', '-out', 'enc8.pem']);
    run(['genrsa', '-aes128', '-passout', 'pass:secret', '-traditional', '-out', 'enc1.pem', '2048']);
    const e8 = keyOf(readFileSync(path.join(dir, 'enc8.pem'), 'utf8'));
    assert.deepEqual([e8.site.label, e8.site.encrypted, e8.key?.encrypted, e8.key?.algorithm], ['ENCRYPTED PRIVATE KEY', true, true, 'unknown']);
    const e1 = keyOf(readFileSync(path.join(dir, 'enc1.pem'), 'utf8'));
    assert.deepEqual([e1.site.label, e1.site.encrypted, e1.key?.algorithm], ['RSA PRIVATE KEY', true, 'RSA']);
    const md = hoverAt(new TextDoc('enc.key', readFileSync(path.join(dir, 'enc8.pem'), 'utf8')), { line: 1, character: 1 }, NOW)?.markdown ?? '';
    assert.match(md, /encrypted \(its algorithm is not known without the passphrase\)/);
  });

  test('a key that does not parse says so without quoting it', () => {
    const { key } = keyOf('-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n');
    assert.match(key?.error ?? '', /^the private key does not parse \(/);
    assert.ok(!(key?.error ?? '').includes('MAMCAQA'));
  });
});


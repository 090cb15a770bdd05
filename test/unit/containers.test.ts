import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MemoryHost, hoverAt, lintFile, parsePolicyFile, resolvePolicy, RULE_IDS } from '../../server/src/core';
import { containerKind, keystorePassword, readContainer, type ContainerRead, type KeystorePassword } from '../../server/src/core/certs/containers';
import { PbeUnsupported, WorkBudget, pbeDecrypt } from '../../server/src/core/certs/containers/pbe';
import { certificateDetails, inventoryPaths } from '../../server/src/core/certs/inventory';
import { privateKeyOfSite } from '../../server/src/core/certs/keys';
import { materialSites } from '../../server/src/core/certs/sites';
import { TextDoc } from '../../server/src/core/document';
import { berChildren, berOctets, readBer } from '../../server/src/core/x509/ber';
import { decodeCertificate } from '../../server/src/core/x509/certificate';
import { integer, octets, oid, seq } from '../support/der';
import { keytoolList, makePki, opensslPkcs12Certs, opensslPkcs12Keys, opensslPkcs7Certs, pemFingerprints, readBytes, run, type TestPki } from '../support/keystores';
import { prng } from '../support/random';
import { findTool } from '../support/tools';

/**
 * Binary certificate containers read from their bytes, held to the tools that wrote them:
 * `openssl pkcs12` for PKCS#12, `openssl pkcs7 -print_certs` for PKCS#7, `keytool -list -v`
 * for JKS, JCEKS and Java's PKCS#12.
 */
const openssl = findTool('openssl');
const keytool = findTool('keytool', 'openjdk-17-jre-headless');
const skip = openssl.skip ?? keytool.skip;
let dir = '';
let pki: TestPki;
const PASSWORD = 'p@ss wörd'; // non-ASCII: BMPString for the PKCS#12 KDF, UTF-8 for PBKDF2
const given = (value: string): KeystorePassword => ({ value, source: 'the test' });

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-containers-'));
  if (!skip) pki = makePki(openssl.path!, dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const o = (...args: string[]): string => run(openssl.path!, args, dir);
const k = (...args: string[]): string => run(keytool.path!, args, dir);
const file = (name: string): string => path.join(dir, name);

function read(name: string, password?: string): ContainerRead {
  const bytes = readBytes(file(name));
  const kind = containerKind(file(name), bytes);
  assert.ok(kind, `${name} is a container`);
  return readContainer(kind, bytes, password === undefined ? undefined : given(password));
}
/** SHA-256 fingerprints of the certificates we read, in order. */
function ours(r: ContainerRead): string[] {
  return r.sites.filter((s) => s.label === 'CERTIFICATE').map((s) => {
    const d = decodeCertificate(s.der!);
    if (!d.ok) assert.fail(d.error);
    return d.cert.sha256Fingerprint;
  });
}
function keys(r: ContainerRead): string[] {
  return r.sites.filter((s) => s.label === 'PRIVATE KEY').map((s) => {
    const key = privateKeyOfSite(s)!;
    return `${key.algorithm.toLowerCase()} ${key.bits ?? key.curve}`;
  });
}
const notes = (r: ContainerRead, all = false): string[] => r.notes.filter((n) => all || !n.detailsOnly).map((n) => `${n.severity}: ${n.message}`);
const sorted = (a: string[]): string[] => [...a].sort();
/** node:crypto's names ("rsa 2048", "ec prime256v1") in ours ("rsa 2048", "ec P-256"). */
const nodeKey = (s: string): string => s.replace('prime256v1', 'P-256');

describe('PKCS#12 against openssl pkcs12', () => {
  test('OpenSSL 3 defaults (PBES2/PBKDF2 with AES-256-CBC, SHA-256 MAC): closed without a password, read with it', { skip }, () => {
    o('pkcs12', '-export', '-in', pki.leafCrt, '-inkey', pki.leafKey, '-certfile', pki.caCrt, '-name', 'app', '-passout', `pass:${PASSWORD}`, '-out', 'default.p12');
    const closed = read('default.p12');
    assert.deepEqual(ours(closed), []);
    assert.deepEqual(notes(closed), [
      'info: 1 encrypted part (PBES2 with AES-256-CBC) not opened, so the certificates in it are neither shown nor judged: no password; set keystorePasswords for this file in .tls-lens.yaml (a literal or { env: NAME }) or the environment variable TLS_LENS_KEYSTORE_PASSWORD',
    ]);
    const open = read('default.p12', PASSWORD);
    assert.deepEqual(ours(open), opensslPkcs12Certs(openssl.path!, file('default.p12'), PASSWORD));
    assert.equal(ours(open).length, 2);
    assert.deepEqual(keys(open), opensslPkcs12Keys(openssl.path!, file('default.p12'), PASSWORD).map(nodeKey));
    assert.deepEqual(notes(open), []);
    assert.match(notes(open, true).join('\n'), /opened with the password from the test \(its MAC verifies\)/);
    assert.deepEqual(open.sites.map((s) => s.container), ['PKCS#12 · "app"', 'PKCS#12', 'PKCS#12 · "app"']);
    // The key opened with the password: its public half matches the leaf.
    const key = privateKeyOfSite(open.sites.find((s) => s.label === 'PRIVATE KEY')!);
    assert.equal(key?.spkiSha256 !== undefined, true);
  });

  test('pbeWithSHAAnd3-KeyTripleDES-CBC and a SHA-1 MAC; certificates unencrypted (-certpbe NONE); no MAC', { skip }, () => {
    o('pkcs12', '-export', '-in', pki.leafCrt, '-inkey', pki.leafKey, '-certfile', pki.caCrt, '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1', '-passout', `pass:${PASSWORD}`, '-out', 'des.p12');
    const des = read('des.p12', PASSWORD);
    assert.deepEqual(ours(des), opensslPkcs12Certs(openssl.path!, file('des.p12'), PASSWORD));
    assert.deepEqual(keys(des), ['rsa 2048']);

    o('pkcs12', '-export', '-in', pki.leafCrt, '-inkey', pki.leafKey, '-certpbe', 'NONE', '-passout', `pass:${PASSWORD}`, '-out', 'plain-certs.p12');
    const plain = read('plain-certs.p12');
    assert.deepEqual(ours(plain), opensslPkcs12Certs(openssl.path!, file('plain-certs.p12'), PASSWORD));
    // The key stays closed; its certificate (same localKeyId) says what it is.
    assert.deepEqual(plain.sites.filter((s) => s.label === 'PRIVATE KEY').map((s) => [s.encrypted, privateKeyOfSite(s)?.algorithm, privateKeyOfSite(s)?.bits]), [[true, 'RSA', 2048]]);
    assert.deepEqual(notes(plain), []);

    o('pkcs12', '-export', '-in', pki.leafCrt, '-inkey', pki.leafKey, '-nomac', '-passout', `pass:${PASSWORD}`, '-out', 'nomac.p12');
    const nomac = read('nomac.p12', PASSWORD);
    assert.deepEqual(ours(nomac), opensslPkcs12Certs(openssl.path!, file('nomac.p12'), PASSWORD));
    assert.match(notes(nomac, true).join('\n'), /it has no MAC: its integrity cannot be checked/);
  });

  test('the empty password opens without configuration; a wrong password is a warning and nothing is guessed', { skip }, () => {
    o('pkcs12', '-export', '-in', pki.leafCrt, '-inkey', pki.leafKey, '-passout', 'pass:', '-out', 'empty.p12');
    const empty = read('empty.p12');
    assert.deepEqual(ours(empty), opensslPkcs12Certs(openssl.path!, file('empty.p12'), ''));
    assert.match(notes(empty, true).join('\n'), /opened without a password/);
    const wrong = read('default.p12', 'not it');
    assert.deepEqual(ours(wrong), []);
    assert.deepEqual(notes(wrong), ['warning: the password from the test does not open it: its MAC does not verify (a wrong password, or a damaged file), so its encrypted parts are not read']);
    assert.ok(!JSON.stringify(wrong).includes('not it'), 'the password is in no note');
  });

  test('-legacy (RC2-40 certificates): a clear note, as this Node has no RC2; the 3DES key is still read', { skip }, () => {
    o('pkcs12', '-export', '-legacy', '-in', pki.leafCrt, '-inkey', pki.leafKey, '-passout', `pass:${PASSWORD}`, '-out', 'legacy.p12');
    assert.equal(opensslPkcs12Certs(openssl.path!, file('legacy.p12'), PASSWORD, true).length, 1, 'openssl -legacy reads it');
    const r = read('legacy.p12', PASSWORD);
    assert.deepEqual(ours(r), []);
    assert.deepEqual(keys(r), ['rsa 2048']);
    assert.equal(notes(r).length, 1);
    assert.match(notes(r)[0]!, /^info: part 1 of 2 \(encrypted with pbeWithSHAAnd40BitRC2-CBC\) is not read: pbeWithSHAAnd40BitRC2-CBC \(rc2-40-cbc\) is not available in this Node's crypto .*re-export it with a supported scheme/);
  });

  test("Java 17's PKCS#12 (keytool): the same entries as keytool -list -v", { skip }, () => {
    k('-genkeypair', '-alias', 'srv', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=java.example.test', '-validity', '30', '-storetype', 'PKCS12', '-keystore', 'java.p12', '-storepass', 'changeit');
    k('-importcert', '-noprompt', '-alias', 'root', '-file', pki.caCrt, '-storetype', 'PKCS12', '-keystore', 'java.p12', '-storepass', 'changeit');
    const oracle = keytoolList(keytool.path!, file('java.p12'), 'changeit', 'PKCS12');
    const r = read('java.p12', 'changeit');
    assert.deepEqual(sorted(ours(r)), sorted(oracle.flatMap((e) => e.sha256)));
    assert.deepEqual(keys(r), ['ec P-256']);
    assert.deepEqual(sorted(r.sites.map((s) => s.container!)), sorted(['PKCS#12 · "srv"', 'PKCS#12 · "root"', 'PKCS#12 · "srv"']));
  });
});

describe('PKCS#7 against openssl pkcs7 -print_certs', () => {
  test('DER and PEM bundles from openssl crl2pkcs7: the same certificates, numbered as a set', { skip }, () => {
    o('crl2pkcs7', '-nocrl', '-certfile', pki.leafCrt, '-certfile', pki.caCrt, '-outform', 'DER', '-out', 'bundle.p7b');
    o('crl2pkcs7', '-nocrl', '-certfile', pki.leafCrt, '-certfile', pki.caCrt, '-out', 'bundle-pem.p7c');
    const der = read('bundle.p7b');
    assert.equal(der.kind, 'pkcs7');
    assert.deepEqual(ours(der), opensslPkcs7Certs(openssl.path!, file('bundle.p7b'), true));
    assert.deepEqual(der.sites.map((s) => [s.bundleIndex, s.bundleSize, s.collection]), [[0, 2, true], [1, 2, true]]);
    // PEM text is read as text: a PKCS7 block becomes one site per certificate.
    const text = readFileSync(file('bundle-pem.p7c'), 'utf8');
    assert.equal(containerKind(file('bundle-pem.p7c'), readBytes(file('bundle-pem.p7c'))), undefined);
    const sites = materialSites(new TextDoc('bundle-pem.p7c', text)).filter((s) => s.label === 'CERTIFICATE');
    assert.deepEqual(sites.map((s) => decodeCertificate(s.der!).ok && (decodeCertificate(s.der!) as { cert: { sha256Fingerprint: string } }).cert.sha256Fingerprint), opensslPkcs7Certs(openssl.path!, file('bundle-pem.p7c'), false));
    const md = hoverAt(new TextDoc('bundle-pem.p7c', text), { line: 2, character: 1 }, new Date())?.markdown ?? '';
    assert.deepEqual(md.match(/\*\*Certificate\*\* \(\S+ of 2 in this PKCS#7 block\)/g), ['**Certificate** (1st of 2 in this PKCS#7 block)', '**Certificate** (2nd of 2 in this PKCS#7 block)']);
  });
});

describe('JKS and JCEKS against keytool -list -v', () => {
  test('a trust store: certificates read without its password; the integrity digest checked with it', { skip }, () => {
    k('-importcert', '-noprompt', '-alias', 'ca', '-file', pki.caCrt, '-storetype', 'JKS', '-keystore', 'trust.jks', '-storepass', 'changeit');
    k('-importcert', '-noprompt', '-alias', 'app', '-file', pki.leafCrt, '-storetype', 'JKS', '-keystore', 'trust.jks', '-storepass', 'changeit');
    const oracle = keytoolList(keytool.path!, file('trust.jks'), 'changeit', 'JKS');
    const r = read('trust.jks');
    assert.equal(r.kind, 'jks');
    assert.deepEqual(sorted(ours(r)), sorted(oracle.flatMap((e) => e.sha256)));
    assert.deepEqual(sorted(r.sites.map((s) => s.container!)), sorted(oracle.map((e) => `JKS entry "${e.alias}" (trusted certificate)`)));
    assert.deepEqual(notes(r), []);
    assert.match(notes(r, true).join('\n'), /stored unencrypted and read without the store password; its integrity is not checked/);
    assert.match(notes(read('trust.jks', 'changeit'), true).join('\n'), /its integrity digest verifies with the password from the test/);
    assert.deepEqual(notes(read('trust.jks', 'wrong')), ['warning: its integrity digest does not verify with the password from the test (a wrong password, or a modified file); its certificates are shown as stored']);
  });

  test('private-key entries by alias and algorithm only; a JCEKS secret-key entry is skipped, the entries after it read', { skip }, () => {
    o('pkcs12', '-export', '-in', pki.leafCrt, '-inkey', pki.leafKey, '-certfile', pki.caCrt, '-name', 'server', '-passout', 'pass:changeit', '-out', 'for-jks.p12');
    k('-importkeystore', '-srckeystore', 'for-jks.p12', '-srcstoretype', 'PKCS12', '-srcstorepass', 'changeit', '-destkeystore', 'server.jks', '-deststoretype', 'JKS', '-deststorepass', 'changeit');
    const oracle = keytoolList(keytool.path!, file('server.jks'), 'changeit', 'JKS');
    const r = read('server.jks');
    const keyEntries = oracle.filter((e) => e.type === 'PrivateKeyEntry');
    assert.equal(keyEntries.length, 1);
    const keySite = r.sites.find((s) => s.label === 'PRIVATE KEY')!;
    assert.equal(keySite.container, 'JKS entry "server" (private key)');
    assert.equal(keySite.der, undefined, 'no key material is kept');
    assert.deepEqual(keys(r), ['rsa 2048']);
    assert.match(keyEntries[0]!.keyAlgorithm ?? '', /^2048-bit RSA key/);
    assert.deepEqual(ours(r), keyEntries[0]!.sha256);

    copyFileSync(file('server.jks'), file('mixed.jceks'));
    k('-importkeystore', '-srckeystore', 'server.jks', '-srcstoretype', 'JKS', '-srcstorepass', 'changeit', '-destkeystore', 'mixed.jceks', '-deststoretype', 'JCEKS', '-deststorepass', 'changeit', '-noprompt');
    rmSync(file('mixed.jceks'));
    k('-genseckey', '-alias', 'aaa-secret', '-keyalg', 'AES', '-keysize', '128', '-storetype', 'JCEKS', '-keystore', 'mixed.jceks', '-storepass', 'changeit', '-keypass', 'changeit');
    k('-importcert', '-noprompt', '-alias', 'zz-ca', '-file', pki.caCrt, '-storetype', 'JCEKS', '-keystore', 'mixed.jceks', '-storepass', 'changeit');
    k('-genkeypair', '-alias', 'ec-key', '-keyalg', 'EC', '-groupname', 'secp384r1', '-dname', 'CN=ec.example.test', '-storetype', 'JCEKS', '-keystore', 'mixed.jceks', '-storepass', 'changeit', '-keypass', 'changeit');
    const jceks = keytoolList(keytool.path!, file('mixed.jceks'), 'changeit', 'JCEKS');
    assert.deepEqual(sorted(jceks.map((e) => e.type)), ['PrivateKeyEntry', 'SecretKeyEntry', 'trustedCertEntry']);
    const m = read('mixed.jceks', 'changeit');
    assert.equal(m.kind, 'jceks');
    assert.deepEqual(sorted(ours(m)), sorted(jceks.flatMap((e) => e.sha256)));
    assert.deepEqual(keys(m), ['ec P-384']);
    assert.deepEqual(notes(m), []);
    assert.match(notes(m, true).join('\n'), /secret-key entry "aaa-secret": not shown/);
    assert.match(notes(m, true).join('\n'), /integrity digest verifies/);
  });
});

describe('containers through the engine, the inventory and the details', () => {
  test('expiry rules on certificates inside a PKCS#12 (password from the environment) and a DER file; notes without one', { skip }, async () => {
    o('pkcs12', '-export', '-in', pki.oldCrt, '-inkey', pki.oldKey, '-passout', 'pass:envpass', '-out', 'old.p12');
    o('x509', '-in', pki.oldCrt, '-outform', 'DER', '-out', 'old.der');
    const bytes = (n: string): Uint8Array => readBytes(file(n));
    const files = { '/w/old.p12': bytes('old.p12'), '/w/certs/old.crt': bytes('old.der'), '/w/policy-p12/store.pfx': bytes('old.p12') };
    const now = new Date();
    const withEnv = new MemoryHost(files, () => now, { TLS_LENS_KEYSTORE_PASSWORD: 'envpass', STORE_PW: 'envpass' });
    const lintIt = async (host: MemoryHost, p: string, policy = resolvePolicy()) => {
      const r = await lintFile(host, p, p.slice(3), { policy, now });
      assert.ok('findings' in r);
      return r.findings.map((f) => `${f.ruleId} ${f.range.start.line}:${f.range.start.character} ${f.message}`);
    };
    const p12 = await lintIt(withEnv, '/w/old.p12');
    assert.ok(p12.some((f) => /^cert\/expired 0:0 certificate CN=old\.example\.test \(in PKCS#12\) expired \d+ days ago/.test(f)), p12.join('\n'));
    assert.ok(!p12.join('\n').includes('envpass'));
    const der = await lintIt(withEnv, '/w/certs/old.crt');
    assert.ok(der.some((f) => /^cert\/expired 0:0 certificate CN=old\.example\.test expired/.test(f)), der.join('\n'));
    const closed = await lintIt(new MemoryHost(files, () => now), '/w/old.p12');
    assert.deepEqual(closed.filter((f) => f.startsWith('cert/container')), [
      'cert/container 0:0 PKCS#12 keystore: 1 encrypted part (PBES2 with AES-256-CBC) not opened, so the certificates in it are neither shown nor judged: no password; set keystorePasswords for this file in .tls-lens.yaml (a literal or { env: NAME }) or the environment variable TLS_LENS_KEYSTORE_PASSWORD',
    ]);
    // A policy entry names the variable for one file pattern.
    const policy = resolvePolicy(parsePolicyFile('keystorePasswords:\n  "policy-p12/*.pfx": { env: STORE_PW }\n', RULE_IDS).input);
    assert.ok((await lintIt(new MemoryHost(files, () => now, { STORE_PW: 'envpass' }), '/w/policy-p12/store.pfx', policy)).some((f) => f.startsWith('cert/expired')));

    const inv = await inventoryPaths(new MemoryHost(files, () => now), ['/w'], { now });
    assert.deepEqual(inv.entries.map((e) => `${e.file} ${e.kind} ${e.kind === 'certificate' ? e.status : e.algorithm}`), ['/w/certs/old.crt certificate expired', '/w/old.p12 key encrypted', '/w/policy-p12/store.pfx key encrypted']);
    assert.deepEqual(inv.notes.map((n) => [n.file, n.severity]), [['/w/old.p12', 'info'], ['/w/policy-p12/store.pfx', 'info']]);

    const read = readContainer('pkcs12', bytes('old.p12'), given('envpass'));
    const details = certificateDetails(new TextDoc('old.p12', '', undefined, 'container'), { line: 0, character: 0 }, now, undefined, { container: read });
    assert.equal(details?.container, 'PKCS#12 keystore');
    assert.deepEqual(details?.items.map((i) => i.entry.kind), ['certificate', 'key']);
    assert.equal(details?.items[1]?.facts.find((f) => f.label === 'Matches')?.value, 'certificate CN=old.example.test (PKCS#12)');
    assert.ok(details?.notes?.some((n) => /opened with the password from the test/.test(n.message)));
    const keyText = readFileSync(pki.oldKey, 'utf8').split('\n')[1]!;
    assert.ok(!JSON.stringify(details).includes(keyText.slice(0, 20)), 'no key material in the details');
  });

  test('what is a container: by magic number, by DER under a container name; PEM text never', { skip }, async () => {
    const pem = readBytes(pki.leafCrt);
    o('x509', '-in', pki.leafCrt, '-outform', 'DER', '-out', 'leaf.der');
    const der = readBytes(file('leaf.der'));
    assert.equal(containerKind('/w/a.crt', pem), undefined);
    assert.equal(containerKind('/w/a.crt', der), 'der');
    assert.equal(containerKind('/w/a.cer', der), 'der');
    assert.equal(containerKind('/w/a.pem', der), undefined, 'a .pem is text by name');
    assert.equal(containerKind('/w/store', readBytes(file('trust.jks'))), 'jks');
    assert.equal(containerKind('/w/x.bin', readBytes(file('default.p12'))), undefined);
    assert.equal(containerKind('/w/x.pfx', readBytes(file('default.p12'))), 'pkcs12');
    assert.equal(containerKind('/w/notes.crt', new TextEncoder().encode('see the wiki\n')), undefined);
    // DER that is no certificate (as certbot's and Mozilla's test data hold): a request, DH parameters.
    o('req', '-new', '-key', pki.leafKey, '-subj', '/CN=csr.example.test', '-outform', 'DER', '-out', 'csr.der');
    const csr = readBytes(file('csr.der'));
    assert.equal(containerKind('/w/csr.der', csr), undefined);
    assert.equal(containerKind('/w/dh.der', seq(integer(0xffffff1), integer(2))), undefined);
    const r = await lintFile(new MemoryHost({ '/w/csr.der': csr }), '/w/csr.der', 'csr.der', { policy: resolvePolicy(), now: new Date() });
    assert.deepEqual(r, { findings: [], skipped: 'binary' });
    // A lone DER certificate is no chain a server sends: not judged as one.
    assert.equal(readContainer('der', der).sites[0]!.collection, true);
  });

  test('1,000 mutated containers: never a throw, every fault a note', { skip }, () => {
    const samples = ['default.p12', 'des.p12', 'plain-certs.p12', 'bundle.p7b', 'trust.jks', 'server.jks', 'mixed.jceks', 'java.p12'].map((n) => ({ name: n, bytes: readBytes(file(n)) }));
    const rnd = prng(17);
    let reads = 0;
    for (let i = 0; i < 1_000; i++) {
      const s = samples[Math.floor(rnd() * samples.length)]!;
      const m = Buffer.from(s.bytes);
      const kind = Math.floor(rnd() * 3);
      if (kind === 2) {
        const cut = m.subarray(0, Math.floor(rnd() * m.length));
        m.fill(0);
        cut.copy(m);
      } else for (let j = 0; j < 1 + Math.floor(rnd() * 3); j++) m[Math.floor(rnd() * m.length)] = kind === 0 ? Math.floor(rnd() * 256) : m[Math.floor(rnd() * m.length)]! ^ 0x80;
      const k = containerKind(`/w/${s.name}`, m) ?? 'der';
      const r = readContainer(k, m, rnd() < 0.5 ? given(s.name.endsWith('p12') ? PASSWORD : 'changeit') : undefined);
      assert.ok(Array.isArray(r.sites) && Array.isArray(r.notes));
      reads++;
    }
    assert.equal(reads, 1_000);
  });
});

describe('BER, as Windows and Java may write PKCS#12 and PKCS#7', () => {
  test('indefinite lengths and constructed OCTET STRINGs are read; DER stays strict', () => {
    // SEQUENCE (indefinite) { OCTET STRING (constructed, indefinite) { "ab", "cd" }, INTEGER 5 }
    const ber = Uint8Array.from([0x30, 0x80, 0x24, 0x80, 0x04, 0x02, 0x61, 0x62, 0x04, 0x02, 0x63, 0x64, 0x00, 0x00, 0x02, 0x01, 0x05, 0x00, 0x00]);
    const outer = readBer(ber, 0);
    assert.deepEqual([outer.end, outer.contentEnd], [ber.length, ber.length - 2]);
    const [str, int] = berChildren(ber, outer);
    assert.equal(Buffer.from(berOctets(ber, str!)).toString('latin1'), 'abcd');
    assert.equal(int!.tag, 0x02);
    assert.throws(() => readBer(Uint8Array.from([0x04, 0x80, 0x00, 0x00]), 0), /indefinite length on a primitive value/);
    assert.throws(() => readBer(Uint8Array.from([0x30, 0x80, 0x02, 0x01, 0x05]), 0), /unexpected end of data/);
    assert.equal(decodeCertificate(ber).ok, false, 'certificates stay DER');
  });
});

describe('password-based encryption limits and policy', () => {
  test('a file asking for more key derivation than TLS Lens spends is refused at once (no slow lint)', () => {
    const alg = seq(oid('1.2.840.113549.1.5.13'), seq(seq(oid('1.2.840.113549.1.5.12'), seq(octets(Buffer.alloc(8)), integer(50_000_000))), seq(oid('2.16.840.1.101.3.4.1.42'), octets(Buffer.alloc(16)))));
    assert.throws(() => pbeDecrypt(alg, readBer(alg, 0), Buffer.alloc(16), 'x', new WorkBudget()), (e: unknown) => e instanceof PbeUnsupported && /50,000,000 iterations of key derivation, more than TLS Lens spends on one file/.test(e.message));
  });

  test('keystorePasswords: literals and environment variables, later inputs first, problems located', () => {
    const parsed = parsePolicyFile('keystorePasswords:\n  "trust/*.jks": changeit\n  "*.p12": { env: P12_PW }\n  "bad": { file: x }\n', RULE_IDS);
    assert.deepEqual(parsed.input.keystorePasswords, [{ pattern: 'trust/*.jks', password: 'changeit' }, { pattern: '*.p12', env: 'P12_PW' }]);
    assert.deepEqual(parsed.problems.map((p) => [p.range.start.line, p.message]), [[3, '"bad" must map to a password (a string) or to { env: VARIABLE_NAME }']]);
    const policy = resolvePolicy(parsed.input, { keystorePasswords: [{ pattern: 'trust/special.jks', password: 'other' }] });
    const host = new MemoryHost({}, () => new Date(), { P12_PW: 'from-env', TLS_LENS_KEYSTORE_PASSWORD: 'global' });
    assert.deepEqual(keystorePassword(policy, host, '/w/trust/special.jks'), { value: 'other', source: 'keystorePasswords "trust/special.jks" in the policy' });
    assert.deepEqual(keystorePassword(policy, host, '/w/trust/a.jks'), { value: 'changeit', source: 'keystorePasswords "trust/*.jks" in the policy' });
    assert.deepEqual(keystorePassword(policy, host, '/w/x/a.p12'), { value: 'from-env', source: 'the environment variable P12_PW' });
    assert.deepEqual(keystorePassword(policy, host, '/w/other.pfx'), { value: 'global', source: 'the environment variable TLS_LENS_KEYSTORE_PASSWORD' });
    assert.equal(keystorePassword(resolvePolicy(), new MemoryHost(), '/w/a.p12'), undefined);
  });
});

// The PEM helpers also hold for the test PKI itself (a sanity check of the oracle plumbing).
test('the oracle helpers read what openssl wrote', { skip }, () => {
  assert.deepEqual(pemFingerprints(readFileSync(pki.leafCrt, 'utf8')), [new X509Certificate(readFileSync(pki.leafCrt)).fingerprint256]);
  assert.equal(createPrivateKey(readFileSync(pki.leafKey)).asymmetricKeyType, 'rsa');
  writeFileSync(file('unused'), '');
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TextDoc, hoverAt } from '../../server/src/core';
import { inventoryDocument } from '../../server/src/core/certs/inventory';
import { escapeControls } from '../../server/src/core/escape';
import { decodeCertificate, type CertificateSummary } from '../../server/src/core/x509/certificate';
import { certificateFacts } from '../../server/src/core/x509/facts';
import { ECDSA_SHA256, ECDSA_SHA384, extension, generalizedTime, name, printable, rawCertificate, sanValue, seq, utcTime, utf8, type RawSpec } from '../support/der';
import { NOW, lint } from '../support/lint';
import { findTool } from '../support/tools';

/**
 * Certificates as found in the wild (the kinds the public test suites x509-limbo and zlint hold):
 * read what OpenSSL reads, report what RFC 5280 forbids, never print a control character raw.
 * OpenSSL is the oracle for "OpenSSL reads it" and "OpenSSL refuses to verify it".
 */
const openssl = findTool('openssl');
let dir = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-wild-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Runs openssl on a DER certificate written to a file; returns its status and output. */
function osl(der: Uint8Array, args: (file: string) => string[]): { status: number | null; out: string } {
  const file = path.join(dir, `c${n++}.der`);
  writeFileSync(file, der);
  const r = spawnSync(openssl.path!, args(file), { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
const opensslReads = (der: Uint8Array): boolean => osl(der, (f) => ['x509', '-inform', 'DER', '-noout', '-subject', '-in', f]).status === 0;
/** A CA (v3, CA:TRUE) for leaves whose verification OpenSSL is asked about. */
let ca: ReturnType<typeof rawCertificate> | undefined;
function testCa(): ReturnType<typeof rawCertificate> {
  ca ??= rawCertificate({ subject: name([['2.5.4.3', utf8('Wild Test CA')]]), extensions: [extension('2.5.29.19', true, seq(Buffer.from([0x01, 0x01, 0xff]))), extension('2.5.29.15', true, Buffer.from([0x03, 0x02, 0x01, 0x06]))] });
  return ca;
}
/** `openssl verify` of a leaf issued by `testCa()`. */
function opensslVerifies(leaf: { pem: string }): boolean {
  const caFile = path.join(dir, `ca${n}.pem`);
  const leafFile = path.join(dir, `leaf${n++}.pem`);
  writeFileSync(caFile, testCa().pem);
  writeFileSync(leafFile, leaf.pem);
  return spawnSync(openssl.path!, ['verify', '-no-CApath', '-CAfile', caFile, leafFile], { encoding: 'utf8' }).status === 0;
}

function decoded(der: Uint8Array): CertificateSummary {
  const d = decodeCertificate(der);
  if (!d.ok) assert.fail(d.error);
  return d.cert;
}

const SAN = '2.5.29.17';
const cert = (spec: RawSpec) => rawCertificate(spec);
const sans = (...names: string[]) => extension(SAN, false, sanValue(...names.map((v): [number, string] => [0x82, v])));

describe('one malformed extension value does not reject the certificate', () => {
  test('a truncated inhibitAnyPolicy INTEGER (as in 49 zlint files): kept as opaque bytes, named, the rest shown', { skip: openssl.skip }, () => {
    const c = cert({ extensions: [sans('wild.example.test'), extension('2.5.29.54', false, Buffer.from([0x02, 0x01]))] });
    assert.ok(opensslReads(c.der), 'OpenSSL reads it');
    const s = decoded(c.der);
    assert.deepEqual(s.sans, [{ type: 'DNS', value: 'wild.example.test' }]);
    assert.equal(s.problems.length, 1);
    assert.deepEqual({ ...s.problems[0], message: undefined }, { kind: 'malformed-extension', severity: 'warning', message: undefined, extension: { oid: '2.5.29.54', name: 'inhibitAnyPolicy', critical: false } });
    assert.equal(s.problems[0]!.message, 'extension inhibitAnyPolicy (2.5.29.54) does not parse (a value claims 1 byte but only 0 remain (truncated?)); its value is kept as 2 opaque bytes');
    const facts = certificateFacts(s, NOW);
    assert.equal(facts.find((f) => f.label === 'SANs')?.value, 'DNS:wild.example.test');
    assert.equal(facts.at(-1)?.label, 'Problems');
    const findings = lint(c.pem, 'wild.pem').filter((f) => f.ruleId === 'cert/malformed-extension');
    assert.deepEqual(findings.map((f) => [f.severity, f.message]), [['warning', `certificate CN=raw.example.test: ${s.problems[0]!.message}`]]);
    assert.deepEqual(lint(c.pem, 'wild.pem').filter((f) => f.ruleId === 'pem/malformed'), []);
  });

  test('a critical one is an error; a truncated SAN leaves no SANs but the certificate is read', () => {
    const c = cert({ extensions: [extension(SAN, true, Buffer.from([0x30, 0x78, 0x82, 0x05, 0x61]))] });
    const s = decoded(c.der);
    assert.deepEqual(s.sans, []);
    assert.equal(s.problems[0]?.severity, 'error');
    assert.match(s.problems[0].message, /^extension subjectAltName \(2\.5\.29\.17\), critical, does not parse \(a value claims 120 bytes but only 3 remain/);
    assert.deepEqual(lint(c.pem, 'wild.pem').filter((f) => f.ruleId === 'cert/malformed-extension').map((f) => f.severity), ['error']);
  });

  test('unknown extensions are not parsed: an empty critical one reaches the critical-unknown list (as in 5 limbo cases)', { skip: openssl.skip }, () => {
    const c = cert({ extensions: [sans('a.example.test'), extension('1.3.6.1.4.1.55738.666.1', true, Buffer.alloc(0)), extension('1.3.6.1.4.1.55738.666.2', false, Buffer.alloc(0))] });
    assert.ok(opensslReads(c.der));
    const s = decoded(c.der);
    assert.deepEqual(s.criticalUnknownExtensions, ['1.3.6.1.4.1.55738.666.1']);
    assert.deepEqual(s.problems, []);
    assert.match(certificateFacts(s, NOW).find((f) => f.label === 'Unknown critical extensions')?.value ?? '', /TLS clients reject/);
  });
});

describe('structure RFC 5280 forbids is reported', () => {
  test('duplicate extensions: the first is shown (SANs no longer concatenated), an error since OpenSSL refuses to verify', { skip: openssl.skip }, () => {
    const c = cert({ issuedBy: testCa(), extensions: [sans('first.example.test'), sans('second.example.test')] });
    assert.ok(opensslReads(c.der));
    assert.equal(opensslVerifies(c), false, 'OpenSSL does not verify it');
    const s = decoded(c.der);
    assert.deepEqual(s.sans, [{ type: 'DNS', value: 'first.example.test' }]);
    assert.equal(s.problems[0]?.kind, 'duplicate-extension');
    const f = lint(c.pem, 'dup.pem').filter((x) => x.ruleId === 'cert/structure');
    assert.deepEqual(f.map((x) => x.severity), ['error']);
    assert.match(f[0]!.message, /extension subjectAltName \(2\.5\.29\.17\) appears more than once; RFC 5280 §4\.2/);
    // The same certificate without the duplicate verifies: the oracle fails for the reason named.
    assert.equal(opensslVerifies(cert({ issuedBy: testCa(), extensions: [sans('first.example.test')] })), true);
  });

  test('a TBS signature algorithm that differs from the outer one', { skip: openssl.skip }, () => {
    const c = cert({ issuedBy: testCa(), innerSignature: ECDSA_SHA384, extensions: [sans('sig.example.test')] });
    assert.ok(opensslReads(c.der));
    assert.equal(opensslVerifies(c), false);
    const s = decoded(c.der);
    assert.equal(s.signatureAlgorithm, 'ECDSA with SHA-256');
    assert.equal(s.problems[0]?.message, 'the signature algorithm inside the signed part (tbsCertificate.signature: ECDSA with SHA-384) differs from the outer one (ECDSA with SHA-256); RFC 5280 §4.1.1.2 requires them to be identical, and OpenSSL does not verify such a certificate');
    // Only the encoding differs (NULL parameters added): still a mismatch, said so.
    const enc = decoded(cert({ innerSignature: seq(Buffer.from(ECDSA_SHA256.subarray(2)), Buffer.from([0x05, 0x00])) }).der);
    assert.match(enc.problems[0]?.message ?? '', /\(the same algorithm, encoded differently\)/);
  });

  test('IA5String SANs: non-ASCII bytes escaped (no Latin-1 mojibake), NUL and form feed escaped, each reported', () => {
    const c = cert({ extensions: [extension(SAN, false, sanValue([0x82, Buffer.from('café.example', 'utf8')], [0x82, 'a.example.test\u0000.evil.test'], [0x81, 'ops\u000c@example.test'], [0x82, 'ok.example.test']))] });
    const s = decoded(c.der);
    assert.deepEqual(s.sans.map((x) => `${x.type}:${x.value}`), ['DNS:caf\\xc3\\xa9.example', 'DNS:a.example.test\\x00.evil.test', 'email:ops\\x0c@example.test', 'DNS:ok.example.test']);
    // One problem for them all (an IDN test certificate has dozens), naming the first three.
    assert.deepEqual(s.problems.map((p) => [p.kind, p.severity, p.message]), [
      ['invalid-san', 'warning', '3 SANs are not valid IA5Strings: DNS:caf\\xc3\\xa9.example (not ASCII), DNS:a.example.test\\x00.evil.test (control characters), email:ops\\x0c@example.test (control characters); an IA5String holds printable 7-bit characters only (RFC 5280 §4.2.1.6; internationalized domain names are written as A-labels, xn--…)'],
    ]);
    const f = lint(c.pem, 'san.pem').filter((x) => x.ruleId === 'cert/structure');
    assert.equal(f.length, 1);
    const one = decoded(cert({ extensions: [extension(SAN, false, sanValue([0x82, Buffer.from('café.example', 'utf8')]))] }).der);
    assert.match(one.problems[0]!.message, /^SAN DNS:caf\\xc3\\xa9\.example is not ASCII: an IA5String holds 7-bit characters only \(RFC 5280 §4\.2\.1\.6/);
  });

  test('RFC 5280 time faults OpenSSL reads: reported as notes; an offset, GeneralizedTime without seconds, version 4 refused with the rule', { skip: openssl.skip }, () => {
    const noSeconds = cert({ notBefore: utcTime('2601010000Z') });
    assert.ok(opensslReads(noSeconds.der));
    assert.deepEqual(decoded(noSeconds.der).problems.map((p) => [p.kind, p.severity, p.message]), [['time', 'info', 'notBefore: UTCTime "2601010000Z" has no seconds (RFC 5280 §4.1.2.5.1 requires them)']]);
    const early = decoded(cert({ notBefore: generalizedTime('20260101000000Z') }).der);
    assert.match(early.problems[0]!.message, /GeneralizedTime; RFC 5280 §4\.1\.2\.5 wants UTCTime for dates through 2049/);
    const refusals: Array<[RawSpec, RegExp]> = [
      [{ notBefore: utcTime('260101000000-0500') }, /^not a valid X\.509 certificate: notBefore: UTCTime "260101000000-0500" has a time-zone offset \(-0500\); RFC 5280 §4\.1\.2\.5\.1 requires Zulu time/],
      [{ notAfter: generalizedTime('205601010000Z') }, /^not a valid X\.509 certificate: notAfter: GeneralizedTime "205601010000Z" has no seconds; RFC 5280 §4\.1\.2\.5\.2/],
      [{ version: 4 }, /^not a valid X\.509 certificate: version 4 \(encoded 3\) is not an X\.509 version: RFC 5280 §4\.1\.2\.1 defines v1, v2 and v3 only$/],
    ];
    for (const [spec, why] of refusals) {
      const c = cert(spec);
      assert.ok(opensslReads(c.der), `OpenSSL reads ${JSON.stringify(spec)}`);
      const d = decodeCertificate(c.der);
      assert.equal(d.ok, false);
      if (!d.ok) assert.match(d.error, why);
      // check says which field and which fault, as inspect does.
      const f = lint(c.pem, 'strict.pem').filter((x) => x.ruleId === 'pem/malformed');
      assert.equal(f.length, 1);
      assert.match(f[0]!.message, new RegExp(`^PEM block "CERTIFICATE" is ${why.source.slice(1)}`));
    }
  });
});

describe('names and keys', () => {
  test('an empty RDN adds no trailing ", "', { skip: openssl.skip }, () => {
    const c = cert({ subject: name([['2.5.4.6', printable('DE')]], [], [['2.5.4.3', utf8('empty-rdn.example.test')]]) });
    assert.ok(opensslReads(c.der));
    assert.equal(decoded(c.der).subject, 'C=DE, CN=empty-rdn.example.test');
    const last = decoded(cert({ subject: name([['2.5.4.3', utf8('x.example.test')]], []) }).der);
    assert.equal(last.subject, 'CN=x.example.test');
  });

  test('postalCode, telephoneNumber, jurisdiction*, pseudonym, postOfficeBox by name, as OpenSSL names them', { skip: openssl.skip }, () => {
    const attrs: Array<[string, string]> = [
      ['1.3.6.1.4.1.311.60.2.1.3', 'DE'],
      ['1.3.6.1.4.1.311.60.2.1.2', 'Bayern'],
      ['1.3.6.1.4.1.311.60.2.1.1', 'Muenchen'],
      ['2.5.4.17', '80331'],
      ['2.5.4.18', 'PO 12'],
      ['2.5.4.20', '089 1234'],
      ['2.5.4.65', 'pseudo'],
      ['2.5.4.3', 'names.example.test'],
    ];
    const c = cert({ subject: name(...attrs.map(([o, v]): Array<[string, Buffer]> => [[o, utf8(v)]])) });
    const ours = decoded(c.der).subject;
    assert.equal(ours, 'jurisdictionC=DE, jurisdictionST=Bayern, jurisdictionL=Muenchen, postalCode=80331, postOfficeBox=PO 12, telephoneNumber=089 1234, pseudonym=pseudo, CN=names.example.test');
    const theirs = osl(c.der, (f) => ['x509', '-inform', 'DER', '-noout', '-subject', '-nameopt', 'sep_comma_plus_space,sname,utf8', '-in', f]);
    assert.equal(theirs.status, 0);
    assert.equal(theirs.out.trim(), `subject=${ours}`);
  });

  test('RSA-PSS keys are "RSA-PSS", sized by their modulus and judged as RSA', { skip: openssl.skip }, () => {
    for (const bits of [2048, 1024]) {
      const key = path.join(dir, `pss${bits}.key`);
      const crt = path.join(dir, `pss${bits}.crt`);
      const g = spawnSync(openssl.path!, ['genpkey', '-algorithm', 'RSA-PSS', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', key], { encoding: 'utf8' });
      assert.equal(g.status, 0, g.stderr);
      const r = spawnSync(openssl.path!, ['req', '-x509', '-key', key, '-out', crt, '-days', '30', '-subj', '/CN=pss.example.test', '-addext', 'subjectAltName=DNS:pss.example.test'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const pem = readFileSync(crt, 'utf8');
      const s = decoded(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
      assert.deepEqual(s.publicKey, { algorithm: 'RSA-PSS', bits });
      assert.match(s.signatureAlgorithm, /^RSA-PSS with SHA-256$/);
      const weak = lint(pem, 'pss.pem').filter((f) => f.ruleId === 'cert/weak-key');
      assert.equal(weak.length, bits < 2048 ? 1 : 0);
    }
  });
});

describe('control characters never leave the core raw', () => {
  const ESC_CN = 'esc\u001b[31mtest';
  const OSC = 'x.example.test\u001b]0;owned\u0007';
  const hostile = (): ReturnType<typeof rawCertificate> =>
    cert({ subject: name([['2.5.4.10', utf8('Bad\u0085Org\u202e')]], [['2.5.4.3', utf8(ESC_CN)]]), extensions: [extension(SAN, false, sanValue([0x82, OSC]))] });
  const raw = /[\u0000-\u001f\u007f-\u009f\u202e]/;

  test('the escaper: C0, DEL, C1 as \\xNN, bidi controls as \\uNNNN, idempotent, backslashes kept', () => {
    assert.equal(escapeControls('a\u001b[31mb\u0007\u0000\u000c\u007f\u0085\u202e\\'), 'a\\x1b[31mb\\x07\\x00\\x0c\\x7f\\x85\\u202e\\');
    assert.equal(escapeControls(escapeControls('\u001b')), '\\x1b');
    assert.equal(escapeControls('plain é ✓'), 'plain é ✓');
  });

  test('decoded text, facts, inventory, hover Markdown and finding messages', () => {
    const c = hostile();
    const s = decoded(c.der);
    assert.equal(s.subject, 'O=Bad\\x85Org\\u202e, CN=esc\\x1b[31mtest');
    assert.equal(s.subjectCommonName, 'esc\\x1b[31mtest');
    assert.deepEqual(s.sans, [{ type: 'DNS', value: 'x.example.test\\x1b]0;owned\\x07' }]);
    for (const f of certificateFacts(s, NOW)) assert.ok(!raw.test(f.value) && !(f.items ?? []).some((i) => raw.test(i)), f.label);
    const doc = new TextDoc('hostile.pem', c.pem);
    assert.ok(!raw.test(JSON.stringify(inventoryDocument(doc, NOW, undefined, { withFacts: true })).replace(/\\u00[01][0-9a-f]/g, '')));
    const md = hoverAt(doc, { line: 1, character: 2 }, NOW)?.markdown ?? '';
    assert.match(md, /esc\\\\x1b\\\[31mtest/);
    assert.ok(!raw.test(md.replace(/\n/g, '')), 'no raw control character in the hover');
    const findings = lint(c.pem, 'hostile.pem');
    assert.ok(findings.length > 0);
    for (const f of findings) assert.ok(!raw.test(f.message), f.message);
  });

  test('messages quoting other text (a YAML Secret name with \\e) are escaped by the engine', () => {
    const yaml = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: "web\\e[2J"\ntype: kubernetes.io/tls\ndata:\n  tls.crt: "not base64!"\n`;
    const findings = lint(yaml, 'secret.yaml');
    assert.ok(findings.some((f) => f.ruleId === 'pem/malformed'));
    for (const f of findings) assert.ok(!raw.test(f.message), f.message);
  });
});

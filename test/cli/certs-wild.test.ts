import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { extension, name, rawCertificate, sanValue, utf8 } from '../support/der';
import { makePki, run as runTool, type TestPki } from '../support/keystores';
import { findTool, repoPath } from '../support/tools';

/** The bundled CLI on certificates from the wild and on binary containers, as a CI job runs it. */
const CLI = repoPath('dist', 'cli.js');
const openssl = findTool('openssl');
const keytool = findTool('keytool', 'openjdk-17-jre-headless');
const skip = openssl.skip ?? keytool.skip;
let dir = '';
let pki: TestPki;
const SECRET = 'Sup3r-Secret-Passw0rd';
/** Any control character a terminal would act on (ESC, BEL, NUL, C1, bidi override). */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;

function cli(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env, TLS_LENS_KEYSTORE_PASSWORD: env.TLS_LENS_KEYSTORE_PASSWORD ?? '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function write(rel: string, content: string | Uint8Array): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), content);
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-cli-wild-'));
  const hostile = rawCertificate({
    subject: name([['2.5.4.3', utf8('esc\u001b[31mtest')]]),
    extensions: [extension('2.5.29.17', false, sanValue([0x82, 'x.example.test\u001b]0;owned\u0007'], [0x82, 'nul\u0000.example.test'])), extension('2.5.29.54', false, Buffer.from([0x02, 0x01]))],
  });
  write('wild/hostile.pem', hostile.pem);
  if (skip) return;
  const keys = path.join(dir, 'pki');
  mkdirSync(keys);
  mkdirSync(path.join(dir, 'stores'));
  pki = makePki(openssl.path!, keys);
  const o = (...a: string[]): string => runTool(openssl.path!, a, keys);
  o('pkcs12', '-export', '-in', pki.leafCrt, '-inkey', pki.leafKey, '-certfile', pki.caCrt, '-name', 'app', '-passout', `pass:${SECRET}`, '-out', path.join(dir, 'stores', 'app.p12'));
  o('x509', '-in', pki.oldCrt, '-outform', 'DER', '-out', path.join(dir, 'stores', 'old.crt'));
  o('crl2pkcs7', '-nocrl', '-certfile', pki.leafCrt, '-certfile', pki.caCrt, '-outform', 'DER', '-out', path.join(dir, 'stores', 'bundle.p7b'));
  runTool(keytool.path!, ['-importcert', '-noprompt', '-alias', 'ca', '-file', pki.caCrt, '-storetype', 'JKS', '-keystore', path.join(dir, 'stores', 'trust.jks'), '-storepass', 'changeit'], keys);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('nothing raw reaches a terminal', () => {
  test('inspect and check, text: control characters escaped as \\x1b; the malformed extension named, the rest shown', () => {
    const inspect = cli(['inspect', 'wild']);
    assert.equal(inspect.code, 0, inspect.stderr);
    assert.ok(!RAW.test(inspect.stdout), JSON.stringify(inspect.stdout));
    assert.match(inspect.stdout, /\n {2}CN=esc\\x1b\[31mtest · 2 SANs · expires/);
    assert.match(inspect.stdout, /Subject +CN=esc\\x1b\[31mtest\n/);
    assert.match(inspect.stdout, /SANs +DNS:x\.example\.test\\x1b\]0;owned\\x07, DNS:nul\\x00\.example\.test\n/);
    assert.match(inspect.stdout, /Problems +.*extension inhibitAnyPolicy \(2\.5\.29\.54\) does not parse/);
    const check = cli(['check', 'wild']);
    assert.ok(!RAW.test(check.stdout), JSON.stringify(check.stdout));
    assert.match(check.stdout, /wild\/hostile\.pem:1:1: warning certificate CN=esc\\x1b\[31mtest: extension inhibitAnyPolicy \(2\.5\.29\.54\) does not parse .* \[cert\/malformed-extension\]/);
    assert.match(check.stdout, /2 SANs are not valid IA5Strings: DNS:x\.example\.test\\x1b\]0;owned\\x07 \(control characters\), DNS:nul\\x00\.example\.test \(control characters\).*\[cert\/structure\]/);
  });

  test('check, JSON and SARIF: messages carry the escapes (jq -r prints no escape sequence)', () => {
    for (const format of ['json', 'sarif']) {
      const r = cli(['check', 'wild', '--format', format]);
      const parsed = JSON.parse(r.stdout) as { findings?: Array<{ message: string }>; runs?: Array<{ results: Array<{ message: { text: string } }> }> };
      const messages = parsed.findings?.map((f) => f.message) ?? parsed.runs![0]!.results.map((x) => x.message.text);
      assert.ok(messages.length > 0);
      for (const m of messages) assert.ok(!RAW.test(m), m);
      assert.ok(messages.some((m) => m.includes('esc\\x1b[31mtest')));
    }
  });

  test('a file name with control characters is escaped on stdout and stderr', () => {
    write('names/evil\u001b[2J.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const r = cli(['check', 'names', 'names/missing\u001b[2J.pem']);
    assert.equal(r.code, 2);
    assert.ok(!RAW.test(r.stdout) && !RAW.test(r.stderr), JSON.stringify(r));
    assert.match(r.stdout, /names\/evil\\x1b\[2J\.pem:/);
    assert.match(r.stderr, /missing\\x1b\[2J\.pem/);
  });
});

describe('every container: check, inspect and the expiry rules', () => {
  test('without a password: JKS, PKCS#7 and DER read, the PKCS#12 a note saying how to open it', { skip }, () => {
    const r = cli(['inspect', 'stores']);
    assert.equal(r.code, 0, r.stderr);
    const heads = r.stdout.split('\n').filter((l) => /^stores\//.test(l));
    assert.deepEqual(heads, [
      'stores/old.crt:1:1: CERTIFICATE [expired (error)]',
      'stores/bundle.p7b:1:1: CERTIFICATE, PKCS#7, 1 of 2 in the bundle [ok]',
      'stores/bundle.p7b:1:1: CERTIFICATE, PKCS#7, 2 of 2 in the bundle [ok]',
      'stores/trust.jks:1:1: CERTIFICATE, JKS entry "ca" (trusted certificate) [ok]',
      'stores/app.p12:1:1: PRIVATE KEY, PKCS#12 · "app" [private key]',
      'stores/app.p12: note: PKCS#12 keystore: 1 encrypted part (PBES2 with AES-256-CBC) not opened, so the certificates in it are neither shown nor judged: no password; set keystorePasswords for this file in .tls-lens.yaml (a literal or { env: NAME }) or the environment variable TLS_LENS_KEYSTORE_PASSWORD',
    ]);
    const check = cli(['check', 'stores']);
    assert.equal(check.code, 1);
    assert.match(check.stdout, /^stores\/old\.crt:1:1: error certificate CN=old\.example\.test expired \d+ days ago .*\[cert\/expired\]$/m);
    assert.match(check.stdout, /^stores\/app\.p12:1:1: info PKCS#12 keystore: 1 encrypted part .* \[cert\/container\]$/m);
    const json = JSON.parse(cli(['inspect', 'stores', '--format', 'json']).stdout) as { notes: Array<{ file: string; severity: string }> };
    assert.deepEqual(json.notes.map((n) => [n.file, n.severity]), [[path.join('stores', 'app.p12'), 'info']]);
  });

  test('a password from the environment or the policy opens the PKCS#12 and is never printed', { skip }, () => {
    const env = cli(['inspect', 'stores/app.p12'], { TLS_LENS_KEYSTORE_PASSWORD: SECRET });
    assert.match(env.stdout, /stores\/app\.p12:1:1: CERTIFICATE, PKCS#12 · "app", 1 of 2 in the bundle \[ok\]/);
    assert.match(env.stdout, /CN=app\.example\.test · 1 SAN · expires/);
    write('stores/.tls-lens.yaml', `keystorePasswords:\n  "app.p12": "${SECRET}"\n`);
    try {
      const policy = cli(['check', 'stores/app.p12', '--format', 'json']);
      const wrong = cli(['check', 'stores', '--fail-on', 'never'], { TLS_LENS_KEYSTORE_PASSWORD: 'wrong-one' });
      for (const r of [env, policy, wrong]) assert.ok(!`${r.stdout}${r.stderr}`.includes(SECRET) && !`${r.stdout}${r.stderr}`.includes('wrong-one'), 'no password in the output');
      assert.ok(!(JSON.parse(policy.stdout) as { findings: Array<{ ruleId: string }> }).findings.some((f) => f.ruleId === 'cert/container'));
      assert.match(wrong.stdout, /stores\/trust\.jks:1:1: warning JKS keystore: its integrity digest does not verify with the password from the environment variable TLS_LENS_KEYSTORE_PASSWORD/);
    } finally {
      rmSync(path.join(dir, 'stores', '.tls-lens.yaml'));
    }
  });
});

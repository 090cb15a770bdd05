/**
 * SSLv2 detection (OpenSSL 3 cannot serve SSLv2, so the servers are fakes in Node): the
 * CLIENT-HELLO as an independent reader sees it, the SERVER-HELLO reader on valid, truncated,
 * mutated and random input, the scan against SSLv2 servers and servers that refuse it in
 * every way seen (TLS alert, close, reset, SSLv2 ERROR), sslscan's verdict on the same fakes,
 * and the verdict and grade an accepted SSLv2 draws.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { afterEach, test } from 'node:test';
import { scanEndpoint } from '../../server/src/core/probe/scan';
import { SSL2_CIPHER_KINDS } from '../../server/src/core/probe/scan/constants';
import { buildSsl2ClientHello, parseSsl2Answer, parseSsl2ServerHello, Ssl2Reader } from '../../server/src/core/probe/scan/sslv2';
import { WireError } from '../../server/src/core/probe/scan/wire';
import { buildProbeReport, probeReportText } from '../../server/src/core/probe/report';
import { gradeProbe } from '../../server/src/core/probe/grade';
import type { ProbeResult, ScanResult } from '../../server/src/core/probe/types';
import { resolvePolicy } from '../../server/src/core';
import { parseSsl2ClientHello, ssl2ServerHello, startFakeTls, type FakeTlsServer, type FakeTlsSpec } from '../support/fakeTls';
import { findTool } from '../support/tools';
import { prng } from '../support/random';

let fake: FakeTlsServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const target = (port: number) => ({ host: '127.0.0.1', port });
const version = (r: ScanResult, v: string) => r.versions.find((x) => x.version === v)!;
// SSL_CK_DES_192_EDE3_CBC_WITH_MD5, SSL_CK_RC4_128_WITH_MD5, SSL_CK_RC4_128_EXPORT40_WITH_MD5
const KINDS = [0x0700c0, 0x010080, 0x020080];

/** A small deterministic PRNG (mulberry32) so a failure can be replayed. */
test('the SSLv2 CLIENT-HELLO parses back with an independent reader: two-byte header, version 0x0002, 3-byte kinds, 16-byte challenge', () => {
  const rec = Buffer.from(buildSsl2ClientHello());
  assert.equal(rec[0]! & 0x80, 0x80, 'two-byte header');
  const h = parseSsl2ClientHello(rec);
  assert.ok(h);
  assert.equal(h.version, 0x0002);
  assert.deepEqual(h.kinds, SSL2_CIPHER_KINDS);
  assert.ok(h.kinds.includes(0x0700c0) && h.kinds.includes(0x020080));
  assert.equal(h.challenge.length, 16);
});

function validServerHello(): Buffer {
  const hello = parseSsl2ClientHello(Buffer.from(buildSsl2ClientHello()))!;
  return ssl2ServerHello(KINDS, Buffer.alloc(400, 7), hello);
}

test('a SERVER-HELLO read whole and byte by byte gives the same reading', () => {
  const bytes = validServerHello();
  const whole = parseSsl2Answer(bytes);
  assert.equal(whole?.kind, 'server-hello');
  assert.ok(whole.kind === 'server-hello');
  assert.deepEqual(whole.hello.cipherKinds, KINDS);
  assert.equal(whole.hello.certificate.length, 400);
  const r = new Ssl2Reader();
  let got;
  for (let i = 0; i < bytes.length; i++) {
    got = r.push(bytes.subarray(i, i + 1));
    if (i < bytes.length - 1) assert.equal(got, undefined, `complete after ${i + 1} bytes`);
  }
  assert.deepEqual(got, whole);
});

test('every truncation is incomplete, never an answer or another error', () => {
  const bytes = validServerHello();
  for (let n = 0; n < bytes.length; n++) assert.equal(parseSsl2Answer(bytes.subarray(0, n)), undefined, `truncated to ${n}`);
});

test('a SERVER-HELLO body with wrong lengths or fields raises a WireError', () => {
  const body = validServerHello().subarray(2);
  const cases: [string, (b: Buffer) => void][] = [
    ['version 0x0300', (b) => b.writeUInt16BE(0x0300, 3)],
    ['certificate length too long', (b) => b.writeUInt16BE(0xffff, 5)],
    ['cipher specs not a multiple of 3', (b) => b.writeUInt16BE(b.readUInt16BE(7) + 1, 7)],
    ['connection id of 0 bytes', (b) => b.writeUInt16BE(0, 9)],
    ['connection id of 33 bytes', (b) => b.writeUInt16BE(33, 9)],
    ['SESSION-ID-HIT 2', (b) => (b[1] = 2)],
  ];
  for (const [name, mutate] of cases) {
    const b = Buffer.from(body);
    mutate(b);
    assert.throws(() => parseSsl2ServerHello(b), WireError, name);
  }
  assert.throws(() => parseSsl2ServerHello(Buffer.concat([body, Buffer.from([0])])), WireError, 'trailing byte');
});

test('mutated and random answers either parse or raise a WireError', () => {
  const rnd = prng(0x55a2);
  const base = validServerHello();
  for (let i = 0; i < 3000; i++) {
    const b = Buffer.from(base);
    const flips = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < flips; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
    try {
      parseSsl2Answer(b);
    } catch (e) {
      assert.ok(e instanceof WireError, `mutation ${i}: ${String(e)}`);
    }
  }
  for (let i = 0; i < 2000; i++) {
    const b = randomBytes(1 + Math.floor(rnd() * 64));
    try {
      parseSsl2Answer(b);
    } catch (e) {
      assert.ok(e instanceof WireError, `random ${i}: ${String(e)}`);
    }
  }
  // What servers without SSLv2 answer: a TLS alert, an SSLv2 ERROR, a TLS handshake record.
  assert.deepEqual(parseSsl2Answer(Buffer.from('150303000202', 'hex')), undefined, 'an alert arriving');
  assert.deepEqual(parseSsl2Answer(Buffer.from('15030300020246', 'hex')), { kind: 'tls-alert', name: 'protocol_version' });
  assert.deepEqual(parseSsl2Answer(Buffer.from('8003000001', 'hex')), { kind: 'ssl2-error', code: 1, name: 'NO-CIPHER-ERROR' });
  assert.deepEqual(parseSsl2Answer(Buffer.from('160303', 'hex')), { kind: 'tls', contentType: 22 });
  assert.throws(() => parseSsl2Answer(Buffer.from('HTTP/1.1 400 Bad Request\r\n')), WireError);
});

test('an SSLv2 server: SSLv2 accepted with the cipher kinds it shares, beside its TLS versions', async () => {
  fake = await startFakeTls({ versions: [0x0300, 0x0301], suites: [0x000a, 0x0005], ssl2: { kinds: [...KINDS, 0x123456] } });
  const r = await scanEndpoint(target(fake.port), { timeoutMs: 3000 });
  const v2 = version(r, 'SSLv2');
  assert.equal(v2.accepted, true);
  assert.deepEqual(v2.suites, KINDS, 'in the server order, only kinds that were offered');
  assert.equal(v2.serverOrder, undefined);
  assert.deepEqual(
    r.versions.filter((v) => v.accepted).map((v) => v.version),
    ['TLSv1', 'SSLv3', 'SSLv2'],
  );
  assert.equal(fake.ssl2Hellos.length, 1, 'one SSLv2 CLIENT-HELLO');
});

test('an SSLv2-only server is scanned (every TLS hello refused)', async () => {
  fake = await startFakeTls({ versions: [], suites: [], ssl2: { kinds: [0x010080] } });
  const r = await scanEndpoint(target(fake.port), { timeoutMs: 3000 });
  assert.deepEqual(
    r.versions.filter((v) => v.accepted).map((v) => v.version),
    ['SSLv2'],
  );
  assert.deepEqual(version(r, 'SSLv2').suites, [0x010080]);
  assert.deepEqual(r.chainDer, []);
});

const refusals: [NonNullable<FakeTlsSpec['ssl2Refusal']>, RegExp][] = [
  ['alert', /alert protocol_version/],
  ['close', /connection closed/],
  ['reset', /connection reset/],
  ['ssl2-error', /SSLv2 NO-CIPHER-ERROR/],
  ['silent', /did not answer the ClientHello within/],
];
for (const [how, refusal] of refusals) {
  test(`a server answering the SSLv2 hello with "${how}": SSLv2 refused, TLS scanned as before`, async () => {
    fake = await startFakeTls({ versions: [0x0303], suites: [0x002f, 0x009c], ssl2Refusal: how });
    const r = await scanEndpoint(target(fake.port), { timeoutMs: 3000 });
    assert.equal(version(r, 'SSLv2').accepted, false);
    assert.match(version(r, 'SSLv2').refusal ?? '', refusal);
    assert.deepEqual([...version(r, 'TLSv1.2').suites].sort((a, b) => a - b), [0x002f, 0x009c]);
  });
}

test('a server answering the SSLv2 hello with text: SSLv2 refused, the TLS scan still stands', async () => {
  fake = await startFakeTls({ versions: [0x0303], suites: [0x002f], ssl2Refusal: 'text' });
  const r = await scanEndpoint(target(fake.port), { timeoutMs: 3000 });
  assert.equal(version(r, 'SSLv2').accepted, false);
  assert.match(version(r, 'SSLv2').refusal ?? '', /not an SSLv2/);
  assert.equal(version(r, 'TLSv1.2').accepted, true);
});

test('SSLv2 accepted is a weak-protocol error and caps the grade at F', async () => {
  fake = await startFakeTls({ versions: [0x0303], suites: [0xc02f, 0x009c], ssl2: { kinds: KINDS } });
  const scan = await scanEndpoint(target(fake.port), { timeoutMs: 3000 });
  const result: ProbeResult = { target: target(fake.port), startedAt: new Date().toISOString(), durationMs: 1, scan, errors: [] };
  const now = new Date();
  const grade = gradeProbe(result, now);
  assert.ok(grade.caps.some((c) => c.letter === 'F' && /SSL 2\.0/.test(c.reason)), JSON.stringify(grade.caps));
  const report = buildProbeReport(result, resolvePolicy(), now);
  const weak = report.findings.find((f) => f.ruleId === 'probe/weak-protocol' && /SSLv2/.test(f.message));
  assert.ok(weak, JSON.stringify(report.findings));
  assert.equal(weak.severity, 'error');
  assert.match(weak.message, /RFC 6176/);
  const row = report.protocols.find((p) => p.version === 'SSLv2');
  assert.deepEqual(row?.suites, ['SSL_CK_DES_192_EDE3_CBC_WITH_MD5', 'SSL_CK_RC4_128_WITH_MD5', 'SSL_CK_RC4_128_EXPORT40_WITH_MD5']);
  assert.ok(report.findings.some((f) => f.ruleId === 'probe/weak-cipher' && /SSL_CK_RC4_128_WITH_MD5/.test(f.message)), 'the SSLv2 kinds are judged as suites');
  assert.match(probeReportText(report), /SSLv2 +accepted\n +SSL_CK_DES_192_EDE3_CBC_WITH_MD5/);
});

function sslscanSsl2(path: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, ['--no-colour', '--ssl2', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

test('sslscan (its own SSLv2 hello) agrees on the same fakes: enabled, then disabled', { skip: findTool('sslscan').skip }, async () => {
  const sslscan = findTool('sslscan').path!;
  fake = await startFakeTls({ versions: [0x0301], suites: [0x002f], ssl2: { kinds: KINDS } });
  const ours = await scanEndpoint(target(fake.port), { timeoutMs: 3000 });
  assert.equal(version(ours, 'SSLv2').accepted, true);
  assert.match(await sslscanSsl2(sslscan, fake.port), /^SSLv2\s+enabled/m);
  await fake.close();
  fake = await startFakeTls({ versions: [0x0301], suites: [0x002f] });
  const theirs = await sslscanSsl2(sslscan, fake.port);
  assert.match(theirs, /^SSLv2\s+disabled/m);
  assert.equal(version(await scanEndpoint(target(fake.port), { timeoutMs: 3000 }), 'SSLv2').accepted, false);
});

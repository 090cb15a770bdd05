/**
 * Servers that refuse large ClientHellos: one that resets any hello offering more than 128
 * suites (old servers and middleboxes), and one that never answers a hello whose record body
 * is 256–511 bytes long (the F5 terminator bug RFC 7685's padding exists for). The scan must
 * still find exactly the suites they accept, and say when it used short hellos.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { resolvePolicy } from '../../server/src/core';
import { buildProbeReport, probeReportText } from '../../server/src/core/probe/report';
import { scanEndpoint, SHORT_HELLO_SUITES } from '../../server/src/core/probe/scan/scanner';
import type { ScanResult } from '../../server/src/core/probe/types';
import { startFakeTls, type FakeTlsServer } from '../support/fakeTls';

let fake: FakeTlsServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const target = (port: number) => ({ host: '127.0.0.1', port });
const version = (r: ScanResult, v: string) => r.versions.find((x) => x.version === v)!;
const accepted = (r: ScanResult) => r.versions.filter((v) => v.accepted).map((v) => v.version);
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

// Spread over the cipher table, so they land in different short hellos; CAMELLIA and CCM are
// not among the common suites of the first short hello.
// ECDHE-RSA-AES256-GCM, RSA-AES256-GCM, RSA-CAMELLIA128-SHA, RSA-AES128-CCM, ECDHE-RSA-AES128-SHA, RSA-AES256-SHA, RSA-3DES
const SUITES_12 = [0xc030, 0x009d, 0x0041, 0xc09c, 0xc013, 0x0035, 0x000a];
const SUITES_10 = [0x0041, 0xc013, 0x0035, 0x000a];

test('a server that resets hellos with more than 128 suites: short hellos find exactly its suites, in its order', async () => {
  fake = await startFakeTls({ versions: [0x0301, 0x0303], suites: SUITES_12, serverOrder: true, maxSuites: 128 });
  const r = await scanEndpoint(target(fake.port), { timeoutMs: 3000 });
  assert.deepEqual(accepted(r), ['TLSv1.2', 'TLSv1']);
  assert.deepEqual(version(r, 'TLSv1.2').suites, SUITES_12, 'every suite, in the server order');
  assert.deepEqual(version(r, 'TLSv1').suites, SUITES_10);
  assert.equal(version(r, 'TLSv1.2').serverOrder, true);
  assert.match(version(r, 'TLSv1.1').refusal ?? '', /protocol_version/, 'a version the server does not speak stays refused');
  assert.deepEqual(r.shortHellos?.versions, ['TLSv1.2', 'TLSv1']);
  assert.equal(r.shortHellos?.maxSuites, SHORT_HELLO_SUITES);
  assert.match(r.shortHellos?.reason ?? '', /TLSv1\.2: connection reset on a ClientHello of \d+ suites/);
  assert.ok(r.groups.includes('x25519'), 'groups through short hellos');
  assert.equal(r.fallbackScsv, true, 'fallback SCSV through a short hello');
  assert.equal(r.secureRenegotiation, true);
  const answered = fake.hellos.filter((h) => h.suites.length <= 128);
  assert.ok(answered.length > 10);
  assert.ok(fake.hellos.some((h) => h.suites.length > SHORT_HELLO_SUITES + 2), 'the full offer was tried first');

  const report = buildProbeReport({ target: target(fake.port), startedAt: new Date().toISOString(), durationMs: 1, scan: r, errors: [] }, resolvePolicy(), new Date());
  assert.deepEqual(report.shortHellos, r.shortHellos);
  assert.match(probeReportText(report), /Short ClientHellos: the full offer was refused \(TLSv1\.2: connection reset .*\); TLSv1\.2, TLSv1 scanned with at most 32 suites per hello/);
});

test('the same server in client order: every suite, client order reported', async () => {
  fake = await startFakeTls({ versions: [0x0303], suites: SUITES_12, serverOrder: false, maxSuites: 128 });
  const r = await scanEndpoint(target(fake.port), { timeoutMs: 3000 });
  assert.deepEqual(sorted(version(r, 'TLSv1.2').suites), sorted(SUITES_12));
  assert.equal(version(r, 'TLSv1.2').serverOrder, false);
  assert.deepEqual(r.shortHellos?.versions, ['TLSv1.2']);
});

test('a server that takes the full offer: no short hellos, no extra connections', async () => {
  fake = await startFakeTls({ versions: [0x0303], suites: SUITES_12, serverOrder: true });
  const r = await scanEndpoint(target(fake.port), { timeoutMs: 3000 });
  assert.deepEqual(version(r, 'TLSv1.2').suites, SUITES_12);
  assert.equal(r.shortHellos, undefined);
  // Short hellos carry the short group list (x25519, P-256, P-384, P-521).
  assert.ok(!fake.hellos.some((h) => h.groups.join() === '29,23,24,25'), 'no short hello was sent');
});

test('a server that never answers hellos of 256–511 bytes (F5): padded hellos (RFC 7685) avoid the range and the scan is complete', async () => {
  fake = await startFakeTls({ versions: [0x0303, 0x0304], suites: [0xc02f, 0x009c], suites13: [0x1301, 0x1302, 0x1303], serverOrder: true, groups13: [0x001d, 0x0017], hangOnHelloLength: [256, 511] });
  const r = await scanEndpoint({ host: 'a-name-of-some-length.example.test', connectTo: '127.0.0.1', port: fake.port }, { timeoutMs: 1500 });
  assert.deepEqual(accepted(r), ['TLSv1.3', 'TLSv1.2']);
  assert.deepEqual(version(r, 'TLSv1.3').suites, [0x1301, 0x1302, 0x1303]);
  assert.deepEqual(version(r, 'TLSv1.2').suites, [0xc02f, 0x009c]);
  assert.deepEqual(r.groups, ['x25519', 'secp256r1']);
  // An SSLv3 hello has no extensions to pad (RFC 6101): the only one in the range.
  const inRange = fake.hellos.filter((_h, i) => fake!.helloLengths[i]! >= 256 && fake!.helloLengths[i]! <= 511);
  assert.deepEqual(
    inRange.map((h) => h.clientVersion),
    [0x0300],
    'no TLS hello of 256–511 bytes was sent',
  );
  assert.ok(fake.helloLengths.includes(512), 'some hellos were padded to 512 bytes');
});

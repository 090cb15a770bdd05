/**
 * The raw scanner against small fake TLS servers: what OpenSSL 3 cannot serve (SSLv3, 3DES,
 * RC4, export, X25519MLKEM768) and faults. Every fault ends in a ProbeError within the
 * timeout, with every socket closed and no unhandled rejection.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { after, afterEach, test } from 'node:test';
import { scanEndpoint, SCAN_VERSIONS } from '../../server/src/core/probe/scan';
import { ProbeError, type ProbeErrorCode, type ScanResult } from '../../server/src/core/probe/types';
import { freePort } from '../support/nginxServer';
import { startFakeTls, type FakeTlsServer, type FakeTlsSpec } from '../support/fakeTls';

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => {
  unhandled.push(e);
};
process.on('unhandledRejection', onUnhandled);
after(() => {
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, [], 'no unhandled rejection during the scans');
});

let fake: FakeTlsServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const target = (port: number) => ({ host: '127.0.0.1', port });
const accepted = (r: ScanResult) => r.versions.filter((v) => v.accepted).map((v) => v.version);
const suitesOf = (r: ScanResult, v: string) => r.versions.find((x) => x.version === v)?.suites ?? [];

/** Waits (bounded) until the fake sees every connection closed. */
async function allClosed(f: FakeTlsServer): Promise<number> {
  for (let i = 0; i < 100 && f.openSockets() > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return f.openSockets();
}

const CHAIN = [randomBytes(400), randomBytes(350)];
// TLS_RSA_WITH_3DES_EDE_CBC_SHA, TLS_RSA_WITH_RC4_128_SHA, TLS_RSA_EXPORT_WITH_RC4_40_MD5, TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA
const WEAK_SUITES = [0x000a, 0x0005, 0x0003, 0x0016];

test('SSLv3 and TLS 1.0 with 3DES, RC4, export and DHE-1024, in the server order', async () => {
  const spec: FakeTlsSpec = { versions: [0x0300, 0x0301], suites: WEAK_SUITES, serverOrder: true, chainDer: CHAIN, dhBits: 1024 };
  fake = await startFakeTls(spec);
  const r = await scanEndpoint(target(fake.port), { timeoutMs: 3000 });
  assert.deepEqual(accepted(r), ['TLSv1', 'SSLv3']);
  assert.deepEqual(suitesOf(r, 'SSLv3'), WEAK_SUITES, 'every weak suite, in the order the server chose them');
  assert.deepEqual(suitesOf(r, 'TLSv1'), WEAK_SUITES);
  assert.equal(r.versions.find((v) => v.version === 'TLSv1')?.serverOrder, true);
  assert.equal(r.dhBits, 1024);
  assert.deepEqual(r.chainDer.map((c) => Buffer.from(c).toString('hex')), CHAIN.map((c) => c.toString('hex')));
  assert.equal(r.secureRenegotiation, true);
  assert.equal(r.fallbackScsv, true, 'SSLv3 with TLS_FALLBACK_SCSV drew inappropriate_fallback');
  assert.match(r.versions.find((v) => v.version === 'TLSv1.2')?.refusal ?? '', /TLSv1/);
  assert.equal(await allClosed(fake), 0);
});

test('client order: the elimination follows our offer and serverOrder is false; no renegotiation_info, no fallback alert', async () => {
  fake = await startFakeTls({ versions: [0x0301, 0x0302], suites: WEAK_SUITES, serverOrder: false, renegotiationInfo: false, fallbackScsv: false });
  const r = await scanEndpoint(target(fake.port), { timeoutMs: 3000 });
  assert.deepEqual(accepted(r), ['TLSv1.1', 'TLSv1']);
  assert.deepEqual([...suitesOf(r, 'TLSv1.1')].sort(), [...WEAK_SUITES].sort());
  assert.equal(r.versions.find((v) => v.version === 'TLSv1.1')?.serverOrder, false);
  assert.equal(r.secureRenegotiation, false);
  assert.equal(r.fallbackScsv, false);
});

test('TLS 1.3 groups through HelloRetryRequest, X25519MLKEM768 included', async () => {
  fake = await startFakeTls({ versions: [0x0303, 0x0304], suites: [0xc02f], suites13: [0x1302, 0x1301], serverOrder: true, groups13: [0x11ec, 0x001d, 0x0017] });
  const r = await scanEndpoint(target(fake.port), { timeoutMs: 3000 });
  assert.deepEqual(accepted(r), ['TLSv1.3', 'TLSv1.2']);
  assert.deepEqual(suitesOf(r, 'TLSv1.3'), [0x1302, 0x1301]);
  assert.equal(r.versions[0]?.serverOrder, true);
  assert.deepEqual(r.groups, ['x25519', 'secp256r1', 'X25519MLKEM768']);
  assert.equal(r.fallbackScsv, true);
  // The scanner sent a real X25519 public key with the TLS 1.3 hellos.
  assert.ok(fake.hellos.some((h) => h.supportedVersions.includes(0x0304) && h.keyShareGroups.includes(0x001d)));
});

test('the ClientHellos carry SNI, supported_groups and one suite list per version', async () => {
  fake = await startFakeTls({ versions: [0x0303], suites: [0x002f] });
  await scanEndpoint({ host: 'a.example.test', connectTo: '127.0.0.1', port: fake.port }, { timeoutMs: 3000 });
  const tls12 = fake.hellos.filter((h) => h.clientVersion === 0x0303 && h.supportedVersions.length === 0);
  assert.ok(tls12.length > 0);
  for (const h of tls12) assert.equal(h.serverName, 'a.example.test');
  const first = fake.hellos.find((h) => h.clientVersion === 0x0300);
  assert.ok(first, 'an SSLv3 hello was sent');
  assert.ok(first.suites.includes(0x00ff), 'SSLv3 hello signals renegotiation with the SCSV');
  assert.ok(!first.suites.some((s) => s >= 0x1301 && s <= 0x1305), 'no TLS 1.3 suite in an SSLv3 hello');
});

test('bounded concurrency: never more connections open than asked', async () => {
  fake = await startFakeTls({ versions: [0x0303], suites: [0x002f], fault: 'silent' });
  const ac = new AbortController();
  const p = scanEndpoint(target(fake.port), { timeoutMs: 60_000, concurrency: 2, signal: ac.signal });
  while (fake.connections < 2) await new Promise((r) => setTimeout(r, 10));
  // The server never answers: the scanner must not open a third connection while two wait.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(fake.connections, 2);
  ac.abort();
  await assert.rejects(p, ProbeError);
});

test('progress: phases with fractions that never go back, ending at 1', async () => {
  fake = await startFakeTls({ versions: [0x0303], suites: WEAK_SUITES });
  const seen: [string, number][] = [];
  await scanEndpoint(target(fake.port), { timeoutMs: 3000, onProgress: (p, f) => seen.push([p, f]) });
  assert.ok(seen.length > 3);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]![1] >= seen[i - 1]![1], `monotonic at ${i}`);
  assert.deepEqual(seen.at(-1), ['done', 1]);
});

async function expectProbeError(p: Promise<unknown>, code: ProbeErrorCode, message?: RegExp): Promise<ProbeError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProbeError, `a ProbeError, not ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected ProbeError('${code}')`);
}

const faults: [FakeTlsSpec['fault'], ProbeErrorCode, RegExp][] = [
  ['silent', 'timeout', /did not answer/],
  ['http', 'not-tls', /HTTP\/1\.1 400 Bad Request/],
  ['garbage', 'not-tls', /not a TLS record/],
  ['reset', 'reset', /reset/],
  ['reset-mid-flight', 'reset', /reset/],
  ['drip', 'timeout', /answered only/],
  ['close-after-server-hello', 'protocol', /after its ServerHello/],
];
for (const [fault, code, message] of faults) {
  test(`fault "${fault}" ends in ProbeError('${code}') and closes every socket`, async () => {
    fake = await startFakeTls({ versions: [0x0303], suites: [0x002f], fault });
    await expectProbeError(scanEndpoint(target(fake.port), { timeoutMs: 1200 }), code, message);
    assert.equal(await allClosed(fake), 0, 'no socket left open');
  });
}

test('connection refused ends in ProbeError("refused")', async () => {
  const port = await freePort();
  await expectProbeError(scanEndpoint(target(port), { timeoutMs: 1000 }), 'refused', /refused/);
});

test('an unresolvable name ends in ProbeError("dns")', async () => {
  await expectProbeError(scanEndpoint({ host: 'no-such-host.invalid', port: 443 }, { timeoutMs: 1000 }), 'dns');
});

test('cancel: aborting destroys every socket and rejects with "cancelled"', async () => {
  fake = await startFakeTls({ versions: [0x0303], suites: [0x002f], fault: 'silent' });
  const ac = new AbortController();
  const p = scanEndpoint(target(fake.port), { timeoutMs: 60_000, signal: ac.signal });
  while (fake.connections < 3) await new Promise((r) => setTimeout(r, 10));
  ac.abort();
  await expectProbeError(p, 'cancelled');
  assert.equal(await allClosed(fake), 0);
  await expectProbeError(scanEndpoint(target(fake.port), { signal: AbortSignal.abort() }), 'cancelled');
});

test('IPv6: an IPv6 literal, and a name resolved with family 6', async (t) => {
  try {
    fake = await startFakeTls({ versions: [0x0303], suites: [0x002f, 0x009c] }, '::1');
  } catch (e) {
    t.skip(`no IPv6 loopback here (${(e as Error).message})`);
    return;
  }
  const r = await scanEndpoint({ host: '::1', port: fake.port }, { timeoutMs: 3000 });
  assert.deepEqual(suitesOf(r, 'TLSv1.2').sort((a, b) => a - b), [0x002f, 0x009c]);
  assert.equal(fake.hellos[0]?.serverName, undefined, 'no SNI for an IP literal');
  const v6name = await lookup('localhost', { family: 6 }).then(
    () => 'localhost',
    () => undefined,
  );
  if (!v6name) return t.diagnostic('localhost has no IPv6 address here: the by-name part is not run');
  const byName = await scanEndpoint({ host: v6name, family: 6, port: fake.port }, { timeoutMs: 3000 });
  assert.deepEqual(accepted(byName), ['TLSv1.2']);
});

test('SCAN_VERSIONS lists every version once, highest first', () => {
  assert.deepEqual(SCAN_VERSIONS, ['TLSv1.3', 'TLSv1.2', 'TLSv1.1', 'TLSv1', 'SSLv3', 'SSLv2']);
});

test('a suite the server breaks on (closes when it picks it) is named, and the suites after it are still found', async () => {
  for (const serverOrder of [false, true]) {
    // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 breaks, as dovecot's DHE suites do without ssl_dh.
    fake = await startFakeTls({ versions: [0x0303], suites: [0xc02f, 0x009e, 0xc030, 0x009c], serverOrder, breakOnSuites: [0x009e] });
    const r = await scanEndpoint(target(fake.port), { timeoutMs: 3000 });
    const v12 = r.versions.find((v) => v.version === 'TLSv1.2')!;
    assert.deepEqual([...v12.suites].sort((a, b) => a - b), [0x009c, 0xc02f, 0xc030], `serverOrder ${serverOrder}`);
    assert.deepEqual(v12.breaksOn, [0x009e], `serverOrder ${serverOrder}`);
    await fake.close();
    fake = undefined;
  }
});

test('a server that closes instead of an alert when nothing is acceptable: no suite is called broken, and few hellos are spent', async () => {
  fake = await startFakeTls({ versions: [0x0303], suites: [0xc02f, 0xc030], serverOrder: true, closeWhenNothingAcceptable: true });
  const r = await scanEndpoint(target(fake.port), { timeoutMs: 3000 });
  const v12 = r.versions.find((v) => v.version === 'TLSv1.2')!;
  assert.deepEqual(v12.suites, [0xc02f, 0xc030]);
  assert.equal(v12.breaksOn, undefined);
  assert.ok(fake.hellos.length < 60, `${fake.hellos.length} hellos`);
});
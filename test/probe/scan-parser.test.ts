/**
 * The scanner's wire code on its own: ClientHellos as an independent parser reads them, and
 * the server-flight reader on valid, split, truncated, mutated and random input — it either
 * reads the flight or raises a FlightError ('not-tls' / 'protocol'), never anything else.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildClientHello, FlightReader, makeKeyShareKeys, suitesFor } from '../../server/src/core/probe/scan';
import { FlightError } from '../../server/src/core/probe/scan/serverFlight';
import { answer, parseClientHello } from '../support/fakeTls';
import { prng } from '../support/random';

/** A small deterministic PRNG (mulberry32) so a failure can be replayed. */
test('ClientHellos for every version parse back with an independent reader', () => {
  const keys = makeKeyShareKeys();
  assert.equal(keys.x25519.length, 32);
  for (const version of ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const) {
    const suites = suitesFor(version);
    const rec = buildClientHello({ version, suites, serverName: 'a.example.test', groups: [0x001d, 0x11ec], keyShares: [{ group: 0x001d, key: keys.x25519 }], fallbackScsv: true });
    const h = parseClientHello(Buffer.from(rec));
    assert.ok(h, version);
    assert.equal(h.recordVersion, version === 'SSLv3' ? 0x0300 : 0x0301);
    assert.equal(h.clientVersion, { SSLv3: 0x0300, TLSv1: 0x0301, 'TLSv1.1': 0x0302, 'TLSv1.2': 0x0303, 'TLSv1.3': 0x0303 }[version]);
    assert.deepEqual(h.suites.slice(0, suites.length), suites);
    assert.ok(h.suites.includes(0x5600), 'fallback SCSV');
    if (version === 'SSLv3') {
      assert.equal(h.serverName, undefined, 'no extensions in SSLv3');
      assert.ok(h.suites.includes(0x00ff));
    } else {
      assert.equal(h.serverName, 'a.example.test');
      assert.deepEqual(h.groups, [0x001d, 0x11ec]);
      assert.equal(h.renegotiationInfo, version !== 'TLSv1.3');
    }
    if (version === 'TLSv1.3') {
      assert.deepEqual(h.supportedVersions, [0x0304]);
      assert.deepEqual(h.keyShareGroups, [0x001d]);
      assert.ok(suites.every((s) => s >> 8 === 0x13));
    }
  }
  // No SNI for IP literals (RFC 6066 §3).
  const ip = parseClientHello(Buffer.from(buildClientHello({ version: 'TLSv1.2', suites: [0x002f], serverName: '127.0.0.1', groups: [] })));
  assert.equal(ip?.serverName, undefined);
});

function validFlight(): Buffer {
  const hello = parseClientHello(Buffer.from(buildClientHello({ version: 'TLSv1.2', suites: [0x009e, 0x002f], groups: [0x001d], serverName: 'x.test' })))!;
  return answer({ versions: [0x0303], suites: [0x009e], chainDer: [Buffer.alloc(500, 1), Buffer.alloc(300, 2)], dhBits: 1024 }, hello);
}

test('a TLS 1.2 flight read whole, byte by byte, and split across records gives the same reading', () => {
  const flight = validFlight();
  const whole = new FlightReader();
  assert.equal(whole.push(flight), true);
  assert.equal(whole.flight.hello?.suite, 0x009e);
  assert.equal(whole.flight.hello?.version, 0x0303);
  assert.equal(whole.flight.hello?.renegotiationInfo, true);
  assert.deepEqual(whole.flight.certificates?.map((c) => c.length), [500, 300]);
  assert.equal(whole.flight.keyExchange?.dhBits, 1024);

  const bytewise = new FlightReader();
  let done = false;
  for (let i = 0; i < flight.length; i++) {
    assert.equal(done, false, 'not done before the last byte');
    done = bytewise.push(flight.subarray(i, i + 1));
  }
  assert.equal(done, true);
  assert.deepEqual(bytewise.flight, whole.flight);

  // The same handshake messages in 100-byte records.
  const hs = flight.subarray(5);
  const parts: Buffer[] = [];
  for (let i = 0; i < hs.length; i += 100) {
    const frag = hs.subarray(i, i + 100);
    parts.push(Buffer.concat([Buffer.from([22, 3, 3, frag.length >> 8, frag.length & 0xff]), frag]));
  }
  const split = new FlightReader();
  assert.equal(split.push(Buffer.concat(parts)), true);
  assert.deepEqual(split.flight, whole.flight);
});

test('every prefix of a valid flight is incomplete, never an error', () => {
  const flight = validFlight();
  for (let n = 0; n < flight.length; n++) {
    const r = new FlightReader();
    assert.equal(r.push(flight.subarray(0, n)), false, `prefix ${n}`);
  }
});

test('mutated and random input: a FlightError or a reading, never another exception', () => {
  const flight = validFlight();
  const rnd = prng(20261201);
  let errors = 0;
  for (let i = 0; i < 4000; i++) {
    const buf = i % 4 === 0 ? Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256))) : Buffer.from(flight);
    if (i % 4 !== 0) {
      const flips = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < flips; k++) buf[Math.floor(rnd() * (k % 2 ? buf.length : Math.min(buf.length, 80)))] = Math.floor(rnd() * 256);
    }
    const r = new FlightReader();
    try {
      r.push(buf);
    } catch (e) {
      assert.ok(e instanceof FlightError, `iteration ${i}: ${String(e)}`);
      assert.ok(e.kind === 'not-tls' || e.kind === 'protocol');
      errors++;
    }
  }
  assert.ok(errors > 1000, `most mutations are caught (${errors})`);
});

test('alerts, HTTP, oversized records and messages get their own reading', () => {
  const alert = new FlightReader();
  assert.equal(alert.push(Buffer.from([21, 3, 3, 0, 2, 2, 40])), true);
  assert.equal(alert.flight.alert?.name, 'handshake_failure');

  assert.throws(() => new FlightReader().push(Buffer.from([21, 3, 3, 0, 1, 2])), (e: FlightError) => e.kind === 'protocol' && /Alert/.test(e.message));
  assert.throws(() => new FlightReader().push(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')), (e: FlightError) => e.kind === 'not-tls' && /HTTP\/1\.1 400/.test(e.message));
  assert.throws(() => new FlightReader().push(Buffer.from([22, 3, 3, 0xff, 0xff])), (e: FlightError) => e.kind === 'protocol' && /record of 65535 bytes/.test(e.message));
  assert.throws(() => new FlightReader().push(Buffer.from([22, 3, 3, 0, 4, 2, 0x7f, 0xff, 0xff])), (e: FlightError) => e.kind === 'protocol' && /handshake message/.test(e.message));
  assert.throws(() => new FlightReader().push(Buffer.from([22, 3, 3, 0, 4, 11, 0, 0, 0])), (e: FlightError) => e.kind === 'protocol' && /ServerHello was expected/.test(e.message));
  // A ServerHello whose extensions overrun its length.
  const sh = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32), Buffer.from([0, 0, 0x2f, 0, 0, 10, 0, 43, 0, 2])]);
  const msg = Buffer.concat([Buffer.from([2, 0, 0, sh.length]), sh]);
  assert.throws(() => new FlightReader().push(Buffer.concat([Buffer.from([22, 3, 3, 0, msg.length]), msg])), (e: FlightError) => e.kind === 'protocol' && /ServerHello/.test(e.message));
});

test('RFC 7685 padding: no TLS ClientHello has a record body of 256–511 bytes; padded ones are 512', () => {
  const keys = makeKeyShareKeys();
  const all = suitesFor('TLSv1.2');
  let padded = 0;
  for (const version of ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const) {
    for (let n = 1; n <= 160; n++) {
      const suites = version === 'TLSv1.3' ? suitesFor('TLSv1.3').slice(0, 1 + (n % 5)) : all.slice(0, n);
      const groups = [0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x11ec].slice(0, 1 + (n % 6));
      const rec = Buffer.from(buildClientHello({ version, suites, serverName: 'n'.repeat(n % 40) + '.example.test', groups, keyShares: [{ group: 0x001d, key: keys.x25519 }] }));
      const body = rec.readUInt16BE(3);
      assert.equal(rec.length, 5 + body);
      assert.ok(body < 256 || body >= 512, `${version} with ${n} suites: ${body} bytes`);
      const h = parseClientHello(rec);
      assert.ok(h, 'still parses');
      assert.deepEqual(h.suites.slice(0, suites.length), suites);
      if (body === 512) padded++;
    }
  }
  assert.ok(padded > 50, `${padded} hellos were padded`);
});

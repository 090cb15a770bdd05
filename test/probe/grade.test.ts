import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { gradeProbe } from '../../server/src/core/probe/grade';
import { ECDHE_GCM, NOW, TLS13, handshake, leafDer, result, scan } from './results';

let chain: Uint8Array[];
before(async () => {
  chain = await leafDer();
});

const caps = (g: ReturnType<typeof gradeProbe>): string[] => g.caps.map((c) => `${c.letter}: ${c.reason}`);

describe('SSL Labs grade', () => {
  test('TLS 1.2+1.3, ECDHE AEAD, RSA 2048, HSTS two years: A+ with score 93', () => {
    const g = gradeProbe(result({ scan: scan({ 'TLSv1.2': ECDHE_GCM, 'TLSv1.3': TLS13 }), handshake: handshake(chain) }), NOW);
    // protocol (100+100)/2, key exchange RSA 2048 → 90, cipher (128 → 80 + 256 → 100)/2 = 90.
    assert.deepEqual(g.scores, { protocol: 100, keyExchange: 90, cipher: 90 });
    assert.equal(g.score, 93);
    assert.equal(g.letter, 'A+');
    assert.deepEqual(g.caps, []);
  });

  test('A without HSTS or with a short max-age', () => {
    const base = { scan: scan({ 'TLSv1.2': ECDHE_GCM, 'TLSv1.3': TLS13 }) };
    assert.equal(gradeProbe(result({ ...base, handshake: handshake(chain, { hsts: { present: false } }) }), NOW).letter, 'A');
    assert.equal(gradeProbe(result({ ...base, handshake: handshake(chain, { hsts: { present: true, maxAge: 86400 } }) }), NOW).letter, 'A');
  });

  test('TLS 1.0 caps at B and says why', () => {
    const g = gradeProbe(result({ scan: scan({ TLSv1: [0xc013], 'TLSv1.2': ECDHE_GCM }), handshake: handshake(chain) }), NOW);
    assert.equal(g.letter, 'B');
    assert.deepEqual(caps(g), ['B: TLS 1.0 or 1.1 is accepted']);
  });

  test('no forward secrecy and no AEAD: B', () => {
    const g = gradeProbe(result({ scan: scan({ 'TLSv1.2': [0x002f] }), handshake: handshake(chain) }), NOW);
    assert.equal(g.letter, 'B');
    assert.deepEqual(caps(g), ['B: no accepted suite has forward secrecy', 'B: no accepted suite is AEAD']);
  });

  test('3DES and RC4 with TLS 1.2: C', () => {
    const g = gradeProbe(result({ scan: scan({ 'TLSv1.2': [...ECDHE_GCM, 0x000a, 0x0005] }), handshake: handshake(chain) }), NOW);
    assert.equal(g.letter, 'C');
    assert.ok(caps(g).includes('C: RC4 is accepted with TLS 1.1 or later'));
    assert.ok(caps(g).includes('C: 64-bit block ciphers (3DES, SWEET32) are accepted with TLS 1.1 or later'));
  });

  test('export suites and SSL 3.0: F, worst cap first', () => {
    const g = gradeProbe(result({ scan: scan({ SSLv3: [0x0003], 'TLSv1.2': ECDHE_GCM }), handshake: handshake(chain) }), NOW);
    assert.equal(g.letter, 'F');
    assert.equal(g.caps[0]!.letter, 'F');
    assert.ok(caps(g).includes('B: SSL 3.0 is accepted'));
  });

  test('RSA 1024: B', async () => {
    const g = gradeProbe(result({ scan: scan({ 'TLSv1.2': ECDHE_GCM, 'TLSv1.3': TLS13 }), handshake: handshake(await leafDer({ key: 'rsa1024' })) }), NOW);
    assert.equal(g.letter, 'B');
    assert.deepEqual(caps(g), ['B: the certificate key is 1024 bits (< 2048)']);
  });

  test('untrusted: T, keeping the hidden grade; name mismatch: M', async () => {
    const t = gradeProbe(result({ scan: scan({ 'TLSv1.2': ECDHE_GCM, 'TLSv1.3': TLS13 }), handshake: handshake(chain, { trusted: false, trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) }), NOW);
    assert.equal(t.letter, 'T');
    assert.equal(t.ignoringTrust, 'A');
    assert.match(caps(t)[0]!, /^T: the chain is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    const m = gradeProbe(result({ scan: scan({ 'TLSv1.2': ECDHE_GCM }), handshake: handshake(await leafDer({ dns: ['other.test'] })) }), NOW);
    assert.equal(m.letter, 'M');
    assert.equal(m.ignoringTrust, 'A', 'A+ needs nothing that caps');
  });

  test('without a scan the grade says it judged only the negotiated pair', () => {
    const g = gradeProbe(result({ handshake: handshake(chain) }), NOW);
    assert.match(g.notes.join(), /not enumerated/);
  });
});

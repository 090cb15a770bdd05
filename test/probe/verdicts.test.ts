import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { resolvePolicy, type Finding } from '../../server/src/core';
import { probeFindings } from '../../server/src/core/probe/verdicts';
import { DAY } from '../support/certs';
import { ECDHE_GCM, NOW, TLS13, handshake, leafDer, result, scan } from './results';

let chain: Uint8Array[];
before(async () => {
  chain = await leafDer();
});

function ids(findings: Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.severity}`).sort();
}

const intermediate = resolvePolicy();

describe('probe verdicts', () => {
  test('a clean endpoint has no findings under the intermediate profile', () => {
    const r = result({ scan: scan({ 'TLSv1.2': ECDHE_GCM, 'TLSv1.3': TLS13 }), handshake: handshake(chain) });
    assert.deepEqual(probeFindings(r, intermediate, NOW), []);
  });

  test('old versions: SSLv3 is an error, TLS 1.0/1.1 warnings; TLS 1.2 under modern', () => {
    const r = result({ scan: scan({ SSLv3: [0xc013], TLSv1: [0xc013], 'TLSv1.1': [0xc013], 'TLSv1.2': ECDHE_GCM, 'TLSv1.3': TLS13 }), handshake: handshake(chain) });
    const f = probeFindings(r, resolvePolicy({ rules: { 'probe/weak-cipher': 'off' } }), NOW);
    assert.deepEqual(ids(f), ['probe/weak-protocol error', 'probe/weak-protocol warning', 'probe/weak-protocol warning']);
    assert.match(f.find((x) => x.severity === 'error')!.message, /accepts SSLv3, deprecated by RFC 7568/);
    assert.equal(f[0]!.file, 'example.test:443');
    const modern = probeFindings(result({ scan: scan({ 'TLSv1.2': ECDHE_GCM, 'TLSv1.3': TLS13 }), handshake: handshake(chain) }), resolvePolicy({ profile: 'modern' }), NOW);
    assert.ok(modern.some((x) => x.ruleId === 'probe/weak-protocol' && /TLSv1\.2/.test(x.message)));
  });

  test('suites: static RSA, 3DES, RC4 and CBC each in their class, judged with the cipher table', () => {
    const r = result({ scan: scan({ 'TLSv1.2': [...ECDHE_GCM, 0x009c, 0x000a, 0x0005, 0xc013] }), handshake: handshake(chain) });
    const f = probeFindings(r, intermediate, NOW);
    assert.deepEqual(ids(f), ['probe/no-forward-secrecy warning', 'probe/weak-cipher error', 'probe/weak-cipher warning', 'probe/weak-cipher warning']);
    assert.match(f.find((x) => x.ruleId === 'probe/weak-cipher' && x.severity === 'error')!.message, /RC4.*TLS_RSA_WITH_RC4_128_SHA/);
    assert.match(f.find((x) => /64-bit/.test(x.message))!.message, /TLS_RSA_WITH_3DES_EDE_CBC_SHA/);
    assert.match(f.find((x) => x.ruleId === 'probe/no-forward-secrecy')!.message, /TLS_RSA_WITH_AES_128_GCM_SHA256/);
    // legacy lists 3DES and static RSA, so only RC4 remains.
    assert.deepEqual(ids(probeFindings(r, resolvePolicy({ profile: 'legacy' }), NOW)), ['probe/weak-cipher error']);
  });

  test('no forward secrecy at all is an error', () => {
    const r = result({ scan: scan({ 'TLSv1.2': [0x009c] }), handshake: handshake(chain) });
    assert.deepEqual(ids(probeFindings(r, intermediate, NOW)), ['probe/no-forward-secrecy error']);
  });

  test('certificate validity against the thresholds', async () => {
    const expired = await leafDer({ notAfter: new Date(NOW.getTime() - 3 * DAY), notBefore: new Date(NOW.getTime() - 90 * DAY) });
    // Long-lived (a year), so the day thresholds apply rather than a share of a short lifetime.
    const soon = await leafDer({ notBefore: new Date(NOW.getTime() - 355 * DAY), notAfter: new Date(NOW.getTime() + 10 * DAY) });
    const verySoon = await leafDer({ notBefore: new Date(NOW.getTime() - 363 * DAY), notAfter: new Date(NOW.getTime() + 2 * DAY) });
    const f = (c: Uint8Array[]): Finding[] => probeFindings(result({ handshake: handshake(c) }), resolvePolicy({ rules: { 'probe/incomplete': 'off' } }), NOW);
    assert.deepEqual(ids(f(expired)), ['probe/certificate-expiry error']);
    assert.match(f(expired)[0]!.message, /the leaf certificate \(CN=example.test\) expired 3 days ago/);
    assert.deepEqual(ids(f(soon)), ['probe/certificate-expiry warning']);
    assert.deepEqual(ids(f(verySoon)), ['probe/certificate-expiry error']);
    // A 24-hour certificate with 20 hours left is not expiring: it is judged by its lifetime, as cert/expiring does.
    const shortLived = await leafDer({ notBefore: new Date(NOW.getTime() - 4 * 3_600_000), notAfter: new Date(NOW.getTime() + 20 * 3_600_000) });
    assert.deepEqual(ids(f(shortLived)), []);
  });

  test('small RSA key', async () => {
    const weak = await leafDer({ key: 'rsa1024' });
    const f = probeFindings(result({ handshake: handshake(weak) }), resolvePolicy({ rules: { 'probe/incomplete': 'off' } }), NOW);
    assert.deepEqual(ids(f), ['probe/weak-certificate warning']);
    assert.match(f[0]!.message, /RSA 1024 bits/);
  });

  test('hostname mismatch by the SANs (RFC 6125), also for an SNI override', async () => {
    const other = await leafDer({ dns: ['*.other.test'] });
    const f = probeFindings(result({ handshake: handshake(other, { hostnameMatches: false }) }), resolvePolicy({ rules: { 'probe/incomplete': 'off' } }), NOW);
    assert.deepEqual(ids(f), ['probe/hostname-mismatch error']);
    assert.match(f[0]!.message, /does not cover example\.test \(SANs: DNS:\*\.other\.test\)/);
    const viaSni = probeFindings(result({ handshake: handshake(other), sni: 'a.other.test' }), resolvePolicy({ rules: { 'probe/incomplete': 'off' } }), NOW);
    assert.deepEqual(viaSni, []);
  });

  test('untrusted chain names the reason', () => {
    const f = probeFindings(result({ handshake: handshake(chain, { trusted: false, trustError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }) }), resolvePolicy({ rules: { 'probe/incomplete': 'off' } }), NOW);
    assert.deepEqual(ids(f), ['probe/untrusted-chain error']);
    assert.match(f[0]!.message, /missing intermediate/);
  });

  test('HSTS: missing, invalid, zero, short', () => {
    const p = resolvePolicy({ rules: { 'probe/incomplete': 'off' } });
    const f = (hsts: NonNullable<Parameters<typeof handshake>[1]>['hsts']): string[] => probeFindings(result({ handshake: handshake(chain, { hsts }) }), p, NOW).map((x) => x.message);
    assert.match(f({ present: false }).join(), /no Strict-Transport-Security header/);
    assert.match(f({ present: true, raw: 'includeSubDomains', invalid: 'max-age is missing' }).join(), /invalid and ignored by browsers: max-age is missing/);
    assert.match(f({ present: true, maxAge: 0, raw: 'max-age=0' }).join(), /forget HSTS/);
    assert.match(f({ present: true, maxAge: 86400, raw: 'max-age=86400' }).join(), /max-age=86400 is shorter than 63072000/);
    assert.deepEqual(f(undefined), [], 'no HTTP answer: nothing to judge');
    assert.deepEqual(probeFindings(result({ handshake: handshake(chain, { hsts: { present: false } }) }), resolvePolicy({ thresholds: { hstsMinAgeSeconds: 0 }, rules: { 'probe/missing-hsts': 'off', 'probe/incomplete': 'off' } }), NOW), []);
  });

  test('OCSP: none stapled (info), revoked (error), stale (warning), another certificate (warning)', () => {
    const p = resolvePolicy({ rules: { 'probe/incomplete': 'off' } });
    const f = (ocsp: NonNullable<Parameters<typeof handshake>[1]>['ocsp']): string[] => ids(probeFindings(result({ handshake: handshake(chain, { ocsp }) }), p, NOW));
    assert.deepEqual(f({ stapled: false }), ['probe/ocsp-staple info']);
    assert.deepEqual(f({ stapled: true, status: 'revoked' }), ['probe/ocsp-staple error']);
    assert.deepEqual(f({ stapled: true, status: 'good', nextUpdate: new Date(NOW.getTime() - DAY).toISOString() }), ['probe/ocsp-staple warning']);
    assert.deepEqual(f({ stapled: true, problem: 'the stapled response is for another certificate' }), ['probe/ocsp-staple warning']);
  });

  test('without a scan: the negotiated pair is judged, and the report says the scan did not run', () => {
    const r = result({ handshake: handshake(chain, { protocol: 'TLSv1.1', cipher: { name: 'ECDHE-RSA-AES128-SHA', standardName: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA' } }), errors: [{ phase: 'scan', message: 'the raw scanner did not run' }] });
    const f = probeFindings(r, intermediate, NOW);
    assert.deepEqual(ids(f), ['probe/incomplete info', 'probe/weak-cipher warning', 'probe/weak-protocol warning']);
    assert.match(f.find((x) => x.ruleId === 'probe/weak-protocol')!.message, /only the negotiated version and suite are known/);
  });

  test('policy levels apply as to files: off drops, a level overrides', () => {
    const r = result({ scan: scan({ TLSv1: [0xc013], 'TLSv1.2': ECDHE_GCM }), handshake: handshake(chain, { hsts: { present: false } }) });
    const f = probeFindings(r, resolvePolicy({ rules: { 'probe/weak-protocol': 'error', 'probe/weak-cipher': 'off', 'probe/missing-hsts': 'info' } }), NOW);
    assert.deepEqual(ids(f), ['probe/missing-hsts info', 'probe/weak-protocol error']);
  });
});

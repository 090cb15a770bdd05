/**
 * The whole probe (raw scan + full handshake + verdicts + grade) against real nginx servers
 * this test starts, and the orchestrator's error paths.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { resolvePolicy } from '../../server/src/core';
import { buildProbeReport, probeEndpoint, probeReportText, ProbeError, type ProbeOptions } from '../../server/src/core/probe';
import { freePort, startProbeServers, type ProbeFixtures } from '../support/nginxServer';
import { findTool } from '../support/tools';

const nginx = findTool('nginx');
const openssl = findTool('openssl');
const skip = nginx.skip ?? openssl.skip ?? false;
let fx: ProbeFixtures;

before(async () => {
  if (!skip) fx = await startProbeServers(nginx.path!, openssl.path!);
});
after(() => fx?.stop());

const opts = (extra: Partial<ProbeOptions> = {}): ProbeOptions => ({ timeoutMs: 5000, concurrency: 8, extraCaPem: fx.rootPem, ...extra });

describe('probeEndpoint against nginx', { skip }, () => {
  test('valid server: versions and suites enumerated, chain trusted, A+, findings from the policy', async () => {
    const phases: string[] = [];
    const r = await probeEndpoint({ host: fx.host, port: fx.ports.valid, connectTo: '127.0.0.1' }, opts({ onProgress: (p) => phases.push(p) }));
    assert.deepEqual(r.errors, []);
    assert.ok(r.scan, 'the raw scan ran');
    assert.deepEqual(r.scan.versions.filter((v) => v.accepted).map((v) => v.version).sort(), ['TLSv1.2', 'TLSv1.3']);
    assert.equal(r.handshake?.trusted, true);
    assert.ok(phases.length > 1);
    const rep = buildProbeReport(r, resolvePolicy(), new Date());
    assert.equal(rep.grade.letter, 'A+', JSON.stringify(rep.grade));
    const ids = [...new Set(rep.findings.map((f) => f.ruleId))].sort();
    // nginx's default ciphers (HIGH:!aNULL:!MD5) accept CBC and static-RSA suites; HSTS is one year, the profile asks two.
    assert.deepEqual(ids, ['probe/missing-hsts', 'probe/no-forward-secrecy', 'probe/weak-cipher']);
    assert.equal(rep.certificates.length, 2, 'leaf and intermediate as sent; not the root Node adds from the trust store');
    assert.match(rep.certificates[0]!.pem, /^-----BEGIN CERTIFICATE-----\n/);
    assert.doesNotMatch(JSON.stringify(rep), /PRIVATE KEY/);
  });

  const certs = (rep: ReturnType<typeof buildProbeReport>) => rep.certificates.map((c) => new X509Certificate(c.pem).subject.replace(/\n/g, ', '));

  test('chain as sent: leaf only, the finding counts one certificate', async () => {
    const r = await probeEndpoint({ host: fx.host, port: fx.ports.missingIntermediate, connectTo: '127.0.0.1' }, opts());
    const rep = buildProbeReport(r, resolvePolicy(), new Date());
    assert.deepEqual(certs(rep), ['CN=probe.test']);
    assert.deepEqual(rep.chain, { source: 'scan', sent: 1, rootIncluded: false });
    const f = rep.findings.find((x) => x.ruleId === 'probe/untrusted-chain');
    assert.match(f?.message ?? '', /the server sends 1 certificate[,;]?( |$)/);
  });

  test('chain as sent: a root the server includes is shown (from the TLS 1.2 Certificate message read by the scan)', async () => {
    const r = await probeEndpoint({ host: fx.host, port: fx.ports.withRoot, connectTo: '127.0.0.1' }, opts());
    const rep = buildProbeReport(r, resolvePolicy(), new Date());
    assert.deepEqual(certs(rep), ['CN=probe.test', 'CN=TLS Lens Test Intermediate', 'CN=TLS Lens Test Root']);
    assert.equal(r.scan?.chainDer.length, 3);
    assert.deepEqual(rep.chain, { source: 'scan', sent: 3, rootIncluded: true });
    assert.match(probeReportText(rep), /Chain as sent: 3 certificates, from the TLS 1\.2 Certificate message; the root is included/);
    // Node's chain cannot tell a sent root from its own trust store's: the scan's is the one shown.
    assert.equal(r.handshake?.chainDer.length, 2);
  });

  test('chain as sent without the scan: the root Node appends from the trust store is left out', async () => {
    const r = await probeEndpoint({ host: fx.host, port: fx.ports.valid, connectTo: '127.0.0.1' }, opts(), { scan: false });
    const rep = buildProbeReport(r, resolvePolicy(), new Date());
    assert.deepEqual(certs(rep), ['CN=probe.test', 'CN=TLS Lens Test Intermediate']);
    assert.deepEqual(rep.chain, { source: 'handshake', sent: 2, rootIncluded: false });
    assert.deepEqual(r.handshake?.storeIssuersDer?.map((d) => new X509Certificate(d).subject), ['CN=TLS Lens Test Root']);
  });

  test('self-signed: T, with the hidden grade', async () => {
    const r = await probeEndpoint({ host: fx.host, port: fx.ports.selfSigned, connectTo: '127.0.0.1' }, opts());
    const rep = buildProbeReport(r, resolvePolicy(), new Date());
    assert.equal(rep.grade.letter, 'T');
    assert.ok(rep.findings.some((f) => f.ruleId === 'probe/untrusted-chain'));
  });

  test('handshake only (scan: false) says the versions were not enumerated', async () => {
    const r = await probeEndpoint({ host: fx.host, port: fx.ports.valid, connectTo: '127.0.0.1' }, opts(), { scan: false });
    assert.equal(r.scan, undefined);
    assert.match(r.errors.map((e) => e.message).join(), /not enumerated/);
  });

  test('nothing listening: one ProbeError, refused', async () => {
    const port = await freePort();
    await assert.rejects(probeEndpoint({ host: '127.0.0.1', port }, opts()), (e: unknown) => e instanceof ProbeError && e.code === 'refused');
  });

  test('cancelled before the start', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(probeEndpoint({ host: '127.0.0.1', port: fx.ports.valid }, opts({ signal: ac.signal })), (e: unknown) => e instanceof ProbeError && e.code === 'cancelled');
  });
});

/**
 * A real nginx with an RSA and an ECDSA certificate on one server (two `ssl_certificate`
 * lines): the probe finds each by offering one key type's signature algorithms at a time, in
 * TLS 1.3 and 1.2 (openssl s_client with the same `-sigalgs` is the oracle for which leaf each
 * offer gets), judges each, and compares each with the configuration that names it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolvePolicy } from '../../server/src/core';
import { buildProbeReport, probeEndpoint, probeReportText } from '../../server/src/core/probe';
import { collectConfigSources, compareWithConfig } from '../../server/src/core/probe/config/compare';
import type { ProbeResult } from '../../server/src/core/probe/types';
import { NodeHost } from '../../server/src/host/nodeHost';
import { makeTestPki, startNginx, type NginxServer, type PemCert, type TestPki } from '../support/nginxServer';
import { findTool } from '../support/tools';

const nginx = findTool('nginx');
const openssl = findTool('openssl');
const skip = nginx.skip ?? false;
const NAME = 'dual.probe.test';

let pki: TestPki;
let rsa: PemCert;
let ec: PemCert;
let srv: NginxServer | undefined;
let r: ProbeResult;
let ws: string;

before(async () => {
  if (skip) return;
  pki = await makeTestPki();
  rsa = await pki.leaf({ cn: NAME, dns: [NAME] });
  // The ECDSA certificate expired yesterday: judged on its own, though most clients get the RSA one… or the other way round.
  ec = await pki.leaf({ cn: NAME, dns: [NAME], key: 'p256', notBeforeDays: -30, notAfterDays: -1 });
  srv = await startNginx(nginx.path!, { certChainPem: rsa.chainPem, keyPem: rsa.keyPem, serverName: NAME, tls: 'ssl_protocols TLSv1.2 TLSv1.3;', moreCertificates: [{ certChainPem: ec.chainPem, keyPem: ec.keyPem }] });
  r = await probeEndpoint({ host: NAME, connectTo: '127.0.0.1', port: srv.port }, { timeoutMs: 5000, concurrency: 8, extraCaPem: pki.root.certPem });
  ws = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-dual-'));
  mkdirSync(path.join(ws, 'nginx'));
  writeFileSync(path.join(ws, 'nginx', 'nginx.conf'), srv.config);
  for (const f of ['site0.crt', 'site0-1.crt']) writeFileSync(path.join(ws, 'nginx', f), readFileSync(path.join(srv.prefix, 'conf', f)));
});
after(async () => {
  await srv?.stop();
  if (ws) rmSync(ws, { recursive: true, force: true });
});

const der = (pem: string): Buffer => new X509Certificate(pem).raw;

/** The leaf openssl s_client gets when it offers only these signature algorithms with this version. */
function opensslLeaf(version: '-tls1_3' | '-tls1_2', sigalgs: string): Buffer | undefined {
  const r = spawnSync(openssl.path!, ['s_client', '-connect', `127.0.0.1:${srv!.port}`, '-servername', NAME, version, '-sigalgs', sigalgs], { input: '', encoding: 'utf8', timeout: 10_000 });
  const m = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(r.stdout);
  return m ? der(m[0]) : undefined;
}

describe('one nginx server with an RSA and an ECDSA certificate', { skip }, () => {
  test('each certificate found by key type, in TLS 1.3 and 1.2, as openssl s_client gets it', () => {
    const served = r.handshake?.servedCertificates ?? [];
    assert.deepEqual(served.map((c) => [c.keyType, c.versions]), [['RSA', ['TLSv1.3', 'TLSv1.2']], ['ECDSA', ['TLSv1.3', 'TLSv1.2']]]);
    assert.deepEqual(Buffer.from(served[0]!.chainDer[0]!), der(rsa.certPem));
    assert.deepEqual(Buffer.from(served[1]!.chainDer[0]!), der(ec.certPem));
    assert.equal(served[0]!.chainDer.length, 2, 'each sent with the intermediate');
    assert.equal(served[1]!.trusted, false, 'the expired ECDSA chain does not verify');
    assert.match(served[1]!.trustError ?? '', /CERT_HAS_EXPIRED/);
    if (!openssl.skip) {
      assert.deepEqual(opensslLeaf('-tls1_3', 'ecdsa_secp256r1_sha256'), der(ec.certPem));
      assert.deepEqual(opensslLeaf('-tls1_3', 'rsa_pss_rsae_sha256'), der(rsa.certPem));
      assert.deepEqual(opensslLeaf('-tls1_2', 'ECDSA+SHA256'), der(ec.certPem));
      assert.deepEqual(opensslLeaf('-tls1_2', 'RSA+SHA256'), der(rsa.certPem));
    }
  });

  test('each is judged: the ECDSA one expired and untrusted, said of the ECDSA certificate; both in the report', () => {
    const rep = buildProbeReport(r, resolvePolicy(), new Date());
    const ecdsa = rep.findings.filter((f) => /ECDSA/.test(f.message));
    const expiry = ecdsa.find((f) => f.ruleId === 'probe/certificate-expiry');
    const untrusted = ecdsa.find((f) => f.ruleId === 'probe/untrusted-chain');
    assert.equal(expiry?.severity, 'error', rep.findings.map((f) => f.message).join('\n'));
    assert.match(expiry.message, /^the ECDSA leaf certificate \(CN=dual\.probe\.test\) expired/);
    assert.match(untrusted?.message ?? '', /^the ECDSA (chain|certificate \(sent to clients offering ECDSA signatures, TLSv1\.3 and TLSv1\.2\)) does not verify: a certificate in the chain has expired/);
    assert.ok(!rep.findings.some((f) => /RSA leaf|RSA chain|the RSA certificate/.test(f.message) && /expired|does not verify/.test(f.message)), 'the RSA certificate is fine');
    assert.equal(rep.grade.letter, 'T', 'whichever certificate is shown first, the expired ECDSA one caps the grade');
    const byType = new Map(rep.servedCertificates?.map((c) => [c.keyType, c]));
    assert.equal(byType.get('RSA')?.trusted, true);
    assert.equal(byType.get('ECDSA')?.trusted, false);
    assert.equal(rep.servedCertificates?.filter((c) => c.primary).length, 1, 'one of them is the chain shown first');
    const other = rep.servedCertificates.find((c) => !c.primary)!;
    assert.equal(other.chain.length, 2, 'the other one with its own chain and facts');
    const text = probeReportText(rep);
    assert.match(text, /^Certificates by key type \(one key type's signature algorithms offered at a time\):$/m);
    assert.match(text, /^  ECDSA \(TLSv1\.3, TLSv1\.2\): (the certificate shown above|CN=dual\.probe\.test, SHA-256 [0-9A-F:]+…); NOT trusted — a certificate in the chain has expired/m);
    assert.match(text, new RegExp(`^${other.keyType} certificate:\\n  Subject: CN=dual\\.probe\\.test`, 'm'));
  });

  test('compared with the configuration: each ssl_certificate line is the certificate of one key type', async () => {
    const policy = resolvePolicy();
    const rep = buildProbeReport(r, policy, new Date());
    const cmp = await compareWithConfig(rep, r, await collectConfigSources(new NodeHost(), [ws], { maxFileBytes: 1 << 20 }), policy);
    const certs = cmp.config!.definitions[0]!.certificate!;
    assert.deepEqual(certs.map((c) => [c.at.label, c.matchesLive, c.servedAs]), [
      ['ssl_certificate site0.crt', true, 'RSA, TLSv1.3 and TLSv1.2'],
      ['ssl_certificate site0-1.crt', true, 'ECDSA, TLSv1.3 and TLSv1.2'],
    ]);
    assert.deepEqual(cmp.config!.live?.map((l) => l.keyType).sort(), ['ECDSA', 'RSA']);
    assert.ok(!cmp.findings.some((f) => f.ruleId === 'probe/certificate-differs'));
    assert.match(probeReportText(cmp), /ssl_certificate site0-1\.crt \(.*\) CN=dual\.probe\.test: the certificate the server sends as its ECDSA, TLSv1\.3 and TLSv1\.2/);
  });

  test('a workspace whose ECDSA file is another certificate: certificate-differs names the ECDSA one', async () => {
    const other = await pki.leaf({ cn: NAME, dns: [NAME], key: 'p256' });
    writeFileSync(path.join(ws, 'nginx', 'site0-1.crt'), other.chainPem);
    const policy = resolvePolicy();
    const cmp = await compareWithConfig(buildProbeReport(r, policy, new Date()), r, await collectConfigSources(new NodeHost(), [ws], { maxFileBytes: 1 << 20 }), policy);
    const differs = cmp.findings.filter((f) => f.ruleId === 'probe/certificate-differs');
    assert.equal(differs.length, 1);
    assert.match(differs[0]!.message, /^the ECDSA certificate the server sends \(TLSv1\.3 and TLSv1\.2: CN=dual\.probe\.test, SHA-256 /);
    assert.deepEqual(cmp.config!.definitions[0]!.certificate!.map((c) => c.matchesLive), [true, false]);
  });
});

/**
 * The raw scanner against real nginx servers (OpenSSL 3) started by the test, and agreement
 * with sslscan on every fixture: the accepted version/suite pairs are equal.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { scanEndpoint } from '../../server/src/core/probe/scan';
import { signatureSchemeName } from '../../server/src/core/probe/scan/signatureAlgorithms';
import type { ScanResult } from '../../server/src/core/probe/types';
import { makeTestPki, nginxFixture, startNginx, NGINX_FIXTURES, type NginxFixture, type NginxServer, type TestPki } from '../support/nginxServer';
import { pair, runSslscan } from '../support/nginxServerSslscan';
import { findTool } from '../support/tools';

const nginx = findTool('nginx');
const sslscan = findTool('sslscan');
const openssl = findTool('openssl');
const skip = nginx.skip ?? false;

let pki: TestPki;
const running = new Map<string, { fixture: NginxFixture; server: NginxServer; scan: ScanResult }>();

before(async () => {
  if (skip) return;
  pki = await makeTestPki();
});
after(async () => {
  await Promise.all([...running.values()].map((r) => r.server.stop()));
});

/** OpenSSL's -sigalgs names of the schemes it can offer in TLS 1.2 (MD5 and "nohash" it cannot). */
const OPENSSL_SIGALGS: readonly [string, string][] = [
  ['rsa_pkcs1_sha1', 'RSA+SHA1'], ['dsa_sha1', 'DSA+SHA1'], ['ecdsa_sha1', 'ECDSA+SHA1'],
  ['rsa_pkcs1_sha224', 'RSA+SHA224'], ['dsa_sha224', 'DSA+SHA224'], ['ecdsa_sha224', 'ECDSA+SHA224'],
  ['rsa_pkcs1_sha256', 'RSA+SHA256'], ['dsa_sha256', 'DSA+SHA256'], ['ecdsa_secp256r1_sha256', 'ECDSA+SHA256'],
  ['rsa_pkcs1_sha384', 'RSA+SHA384'], ['dsa_sha384', 'DSA+SHA384'], ['ecdsa_secp384r1_sha384', 'ECDSA+SHA384'],
  ['rsa_pkcs1_sha512', 'RSA+SHA512'], ['dsa_sha512', 'DSA+SHA512'], ['ecdsa_secp521r1_sha512', 'ECDSA+SHA512'],
  ['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha256'], ['rsa_pss_rsae_sha384', 'rsa_pss_rsae_sha384'], ['rsa_pss_rsae_sha512', 'rsa_pss_rsae_sha512'],
  ['ed25519', 'ed25519'], ['ed448', 'ed448'],
  ['rsa_pss_pss_sha256', 'rsa_pss_pss_sha256'], ['rsa_pss_pss_sha384', 'rsa_pss_pss_sha384'], ['rsa_pss_pss_sha512', 'rsa_pss_pss_sha512'],
];

/** The TLS 1.2 schemes `openssl s_client` completes a handshake with, offering one at a time. */
function opensslSigalgs(port: number, sni: string): string[] {
  return OPENSSL_SIGALGS.filter(([, o]) => {
    const r = spawnSync(openssl.path!, ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', sni, '-tls1_2', '-sigalgs', o, '-cipher', 'ALL:@SECLEVEL=0'], { input: '', encoding: 'utf8', timeout: 10_000 });
    return /^New, TLSv1\.2, Cipher is (?!\(NONE\))/m.test(r.stdout);
  }).map(([n]) => n);
}

const pairsOf = (r: ScanResult): string[] => r.versions.flatMap((v) => v.suites.map((s) => pair(v.version, s))).sort();
const version = (r: ScanResult, v: string) => r.versions.find((x) => x.version === v)!;

for (const name of NGINX_FIXTURES) {
  describe(`nginx fixture "${name}"`, { skip }, () => {
    before(async () => {
      const fixture = await nginxFixture(pki, name);
      const server = await startNginx(nginx.path!, fixture.spec);
      const scan = await scanEndpoint({ host: fixture.serverName, connectTo: '127.0.0.1', port: server.port }, { timeoutMs: 5000 });
      running.set(name, { fixture, server, scan });
    });

    test('the scan finds what the fixture serves', () => {
      const { scan, fixture } = running.get(name)!;
      const accepted = scan.versions.filter((v) => v.accepted).map((v) => v.version);
      const leafDer = new X509Certificate(fixture.leaf.certPem).raw;
      assert.ok(scan.chainDer.length === 2, 'leaf and intermediate sent in clear');
      assert.deepEqual(Buffer.from(scan.chainDer[0]!), leafDer, 'the leaf first');
      assert.equal(scan.secureRenegotiation, true);
      assert.equal(version(scan, 'SSLv2').accepted, false, 'OpenSSL 3 has no SSLv2');
      assert.match(version(scan, 'SSLv2').refusal ?? '', /alert protocol_version/, 'OpenSSL 3 answers an SSLv2 hello with a TLS alert');
      assert.equal(scan.shortHellos, undefined, 'nginx takes the full offer');
      switch (name) {
        case 'modern':
          assert.deepEqual(accepted, ['TLSv1.3', 'TLSv1.2']);
          assert.deepEqual([...version(scan, 'TLSv1.3').suites].sort((a, b) => a - b), [0x1301, 0x1302, 0x1303]);
          assert.ok(scan.groups.includes('x25519') && scan.groups.includes('secp256r1'));
          assert.ok(!scan.groups.includes('X25519MLKEM768'), 'OpenSSL 3.0 has no ML-KEM');
          assert.equal(scan.fallbackScsv, true);
          assert.equal(version(scan, 'TLSv1.2').serverOrder, false, 'nginx default: ssl_prefer_server_ciphers off');
          assert.match(version(scan, 'TLSv1.1').refusal ?? '', /protocol_version/);
          break;
        case 'legacy':
          assert.deepEqual(accepted, ['TLSv1.2', 'TLSv1.1', 'TLSv1']);
          assert.ok(scan.groups.includes('x25519') && scan.groups.includes('secp384r1'), 'groups from the TLS 1.2 ServerKeyExchange');
          assert.equal(version(scan, 'TLSv1').serverOrder, true);
          assert.equal(scan.fallbackScsv, true);
          break;
        case 'dhe1024':
          assert.deepEqual(accepted, ['TLSv1.2']);
          assert.deepEqual([...version(scan, 'TLSv1.2').suites].sort((a, b) => a - b), [0x0039, 0x009e, 0xc02f]);
          assert.equal(scan.dhBits, 1024);
          assert.deepEqual(scan.groups, ['x25519', 'secp256r1', 'secp384r1', 'secp521r1', 'x448'], 'ECDHE groups from the TLS 1.2 ServerKeyExchange');
          assert.equal(scan.fallbackScsv, undefined, 'one version: nothing to fall back to');
          break;
        case 'static-rsa':
          assert.deepEqual(version(scan, 'TLSv1.2').suites, [0x002f, 0x009d, 0x009c], 'in the configured (server) order');
          assert.equal(version(scan, 'TLSv1.2').serverOrder, true);
          assert.equal(scan.dhBits, undefined);
          break;
        case 'ecdsa':
          assert.ok(version(scan, 'TLSv1.2').suites.every((s) => s >> 8 === 0xc0 || s >> 8 === 0xcc), 'only ECDSA-capable suites');
          assert.deepEqual(scan.groups, ['x25519', 'secp256r1', 'secp384r1']);
          break;
      }
    });

    test('agrees with sslscan on every accepted version/suite pair', { skip: sslscan.skip }, async () => {
      const { scan, server, fixture } = running.get(name)!;
      const ref = await runSslscan(sslscan.path!, '127.0.0.1', server.port, fixture.serverName, ['--show-sigs']);
      assert.deepEqual(ref.unknown, [], 'every suite sslscan printed is in the cipher table');
      assert.ok(ref.pairs.length > 0, `sslscan found suites:\n${ref.output}`);
      assert.deepEqual(pairsOf(scan), ref.pairs);
      assert.match(ref.output, /^SSLv2\s+disabled/m, 'sslscan tests SSLv2 with its own hello');
      assert.deepEqual(scan.versions.filter((v) => v.accepted).map((v) => v.version).sort(), [...ref.enabled].sort(), 'the same versions, SSLv2 included');
      // sslscan 2.0.7 lists no groups for the DHE fixture although `openssl s_client -tls1_2
      // -groups X448|P-256|X25519 -cipher ECDHE-RSA-AES128-GCM-SHA256` negotiates each there.
      if (name !== 'dhe1024') assert.deepEqual([...scan.groups].sort(), ref.groups, 'the same key exchange groups');
    });

    test('signature algorithms per version and the server\'s suite order, as sslscan --show-sigs shows them', { skip: sslscan.skip }, async () => {
      const { scan, server, fixture } = running.get(name)!;
      const ref = await runSslscan(sslscan.path!, '127.0.0.1', server.port, fixture.serverName, ['--show-sigs']);
      for (const v of scan.versions.filter((x) => x.accepted && (x.version === 'TLSv1.2' || x.version === 'TLSv1.3'))) {
        const ours = v.anySignatureAlgorithm ? 'any' : (v.signatureAlgorithms ?? []).map(signatureSchemeName);
        if (name === 'ecdsa' && v.version === 'TLSv1.2') {
          // sslscan 2.0.7 sends no supported_groups in its TLS 1.2 signature hellos, so an
          // ECDSA-only server can use no ECDHE suite and it lists nothing; openssl s_client,
          // offering one scheme at a time, is the reference there.
          assert.equal(ref.sigalgs['TLSv1.2'], undefined, 'sslscan lists no TLS 1.2 scheme for an ECDSA-only server');
          assert.deepEqual(ours, opensslSigalgs(server.port, fixture.serverName), 'TLS 1.2 signature algorithms, by openssl s_client');
          continue;
        }
        assert.deepEqual(ours, ref.sigalgs[v.version], `${v.version} signature algorithms`);
      }
      for (const v of scan.versions.filter((x) => x.accepted && x.serverOrder)) {
        // A server that picks by its own preference: both eliminations meet its choices in the same order.
        assert.deepEqual(v.suites, ref.order[v.version], `${v.version}: the server's order, most preferred first`);
      }
      if (name === 'legacy' || name === 'static-rsa') assert.ok(scan.versions.some((v) => v.serverOrder), 'the fixture orders by the server');
    });
  });
}

test('SNI picks the server block: two certificates on one port', { skip }, async () => {
  const rsa = await pki.leaf({ cn: 'rsa.sni.test', dns: ['rsa.sni.test'] });
  const ec = await pki.leaf({ cn: 'ec.sni.test', dns: ['ec.sni.test'], key: 'p256' });
  const server = await startNginx(nginx.path!, {
    servers: [
      { certChainPem: rsa.chainPem, keyPem: rsa.keyPem, serverName: 'rsa.sni.test', tls: 'ssl_protocols TLSv1.2 TLSv1.3;' },
      { certChainPem: ec.chainPem, keyPem: ec.keyPem, serverName: 'ec.sni.test', tls: 'ssl_protocols TLSv1.2 TLSv1.3;' },
    ],
  });
  try {
    const leafOf = async (sni: string) => Buffer.from((await scanEndpoint({ host: '127.0.0.1', sni, port: server.port }, { timeoutMs: 5000 })).chainDer[0]!);
    assert.deepEqual(await leafOf('ec.sni.test'), new X509Certificate(ec.certPem).raw);
    assert.deepEqual(await leafOf('rsa.sni.test'), new X509Certificate(rsa.certPem).raw);
  } finally {
    await server.stop();
  }
});

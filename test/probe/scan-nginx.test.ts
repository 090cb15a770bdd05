/**
 * The raw scanner against real nginx servers (OpenSSL 3) started by the test, and agreement
 * with sslscan on every fixture: the accepted version/suite pairs are equal.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { scanEndpoint } from '../../server/src/core/probe/scan';
import type { ScanResult } from '../../server/src/core/probe/types';
import { makeTestPki, nginxFixture, startNginx, NGINX_FIXTURES, type NginxFixture, type NginxServer, type TestPki } from '../support/nginxServer';
import { pair, runSslscan } from '../support/nginxServerSslscan';
import { findTool } from '../support/tools';

const nginx = findTool('nginx');
const sslscan = findTool('sslscan');
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
      const ref = await runSslscan(sslscan.path!, '127.0.0.1', server.port, fixture.serverName);
      assert.deepEqual(ref.unknown, [], 'every suite sslscan printed is in the cipher table');
      assert.ok(ref.pairs.length > 0, `sslscan found suites:\n${ref.output}`);
      assert.deepEqual(pairsOf(scan), ref.pairs);
      assert.match(ref.output, /^SSLv2\s+disabled/m, 'sslscan tests SSLv2 with its own hello');
      assert.deepEqual(scan.versions.filter((v) => v.accepted).map((v) => v.version).sort(), [...ref.enabled].sort(), 'the same versions, SSLv2 included');
      // sslscan 2.0.7 lists no groups for the DHE fixture although `openssl s_client -tls1_2
      // -groups X448|P-256|X25519 -cipher ECDHE-RSA-AES128-GCM-SHA256` negotiates each there.
      if (name !== 'dhe1024') assert.deepEqual([...scan.groups].sort(), ref.groups, 'the same key exchange groups');
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

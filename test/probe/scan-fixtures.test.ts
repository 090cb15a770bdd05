/**
 * The nginx fixtures the probe tests share (test/support/nginxServer.ts) really serve what
 * they claim: checked with node:tls against the test PKI's root.
 */
import assert from 'node:assert/strict';
import * as tls from 'node:tls';
import { after, before, test } from 'node:test';
import { dhParams1024Pem, makeTestPki, startNginx, type NginxServer, type TestPki } from '../support/nginxServer';
import { findTool } from '../support/tools';

const nginx = findTool('nginx');
const skip = nginx.skip ?? false;
let pki: TestPki;
const servers: NginxServer[] = [];

before(async () => {
  if (skip) return;
  pki = await makeTestPki();
});
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

function handshake(port: number, opts: tls.ConnectionOptions): Promise<{ protocol: string | null; cipher: string; authorized: boolean; chain: number }> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca: pki.root.certPem, ...opts }, () => {
      let chain = 0;
      for (let c: tls.DetailedPeerCertificate | undefined = s.getPeerCertificate(true); c && c.raw; c = c.issuerCertificate === c ? undefined : c.issuerCertificate) chain++;
      const r = { protocol: s.getProtocol(), cipher: s.getCipher().standardName, authorized: s.authorized, chain };
      s.destroy();
      resolve(r);
    });
    s.setTimeout(5000, () => s.destroy(new Error('timeout')));
    s.once('error', reject);
  });
}

test('a modern nginx fixture serves TLS 1.3 with a chain the test root trusts', { skip }, async () => {
  const leaf = await pki.leaf({ cn: 'modern.test', dns: ['modern.test'] });
  const srv = await startNginx(nginx.path!, { certChainPem: leaf.chainPem, keyPem: leaf.keyPem, tls: 'ssl_protocols TLSv1.2 TLSv1.3;' });
  servers.push(srv);
  const r = await handshake(srv.port, { servername: 'modern.test' });
  assert.equal(r.protocol, 'TLSv1.3');
  assert.equal(r.authorized, true);
  assert.ok(r.chain >= 2, `leaf + intermediate sent (${r.chain})`);
  await srv.stop();
});

test('a DHE-1024 nginx fixture negotiates DHE with @SECLEVEL=0', { skip }, async () => {
  const leaf = await pki.leaf({ cn: 'dhe.test', dns: ['dhe.test'] });
  const srv = await startNginx(nginx.path!, {
    certChainPem: leaf.chainPem,
    keyPem: leaf.keyPem,
    files: { 'dh1024.pem': dhParams1024Pem() },
    tls: 'ssl_protocols TLSv1.2; ssl_ciphers DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0; ssl_dhparam dh1024.pem;',
  });
  servers.push(srv);
  const r = await handshake(srv.port, { servername: 'dhe.test', ciphers: 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0', maxVersion: 'TLSv1.2' });
  assert.equal(r.cipher, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256');
  await srv.stop();
});

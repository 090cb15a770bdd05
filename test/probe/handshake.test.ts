/**
 * The full handshake against real nginx servers this test starts on 127.0.0.1 (a PKI made
 * in memory, an OCSP response made by openssl): chain, trust, hostname, ALPN, staple,
 * resumption, HSTS, and clear errors for refused, non-TLS and timed-out endpoints.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { fullHandshake } from '../../server/src/core/probe/handshake';
import { parseTarget } from '../../server/src/core/probe/probe';
import { chooseProtocol, parseStarttlsName } from '../../server/src/core/probe/starttls/ports';
import { ProbeError, type ProbeOptions, type ProbeTarget } from '../../server/src/core/probe/types';
import { decodeCertificate } from '../../server/src/core/x509/certificate';
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

function opts(extra: Partial<ProbeOptions> = {}): ProbeOptions {
  return { timeoutMs: 5000, concurrency: 8, extraCaPem: fx.rootPem, ...extra };
}
function target(port: number, extra: Partial<ProbeTarget> = {}): ProbeTarget {
  return { host: fx.host, port, connectTo: '127.0.0.1', ...extra };
}

describe('full handshake against nginx', { skip }, () => {
  test('valid: trusted chain of two, name matches, h2, staple good, HSTS parsed, resumption', async () => {
    const { handshake: h, address, errors } = await fullHandshake(target(fx.ports.valid), opts());
    assert.deepEqual(errors, []);
    assert.equal(address, '127.0.0.1');
    assert.equal(h.protocol, 'TLSv1.3');
    assert.equal(h.trusted, true, h.trustError);
    assert.equal(h.hostnameMatches, true);
    assert.equal(h.alpn, 'h2');
    assert.equal(h.chainDer.length, 2, 'leaf and intermediate, as sent');
    assert.equal(h.storeIssuersDer?.length, 1, 'the root Node appended from the trust store');
    assert.deepEqual(Buffer.from(h.storeIssuersDer[0]!), new X509Certificate(fx.rootPem).raw);
    const leaf = decodeCertificate(h.chainDer[0]!);
    assert.ok(leaf.ok && leaf.cert.subject.includes('probe.test'));
    assert.equal(h.ocsp?.stapled, true);
    assert.equal(h.ocsp?.status, 'good', h.ocsp?.problem);
    assert.ok(h.ocsp?.nextUpdate && Date.parse(h.ocsp.nextUpdate) > Date.now());
    assert.deepEqual(h.hsts && { ...h.hsts, raw: undefined }, { present: true, maxAge: 31536000, includeSubDomains: true, preload: true, raw: undefined });
    assert.deepEqual(h.resumption, { ticket: true, resumed: true });
    assert.ok(h.timing.connectMs >= 0 && h.timing.tlsMs > 0);
  });

  test('an intermediate in the extra CA file that the server also sends still counts as sent', async () => {
    const intermediatePem = fx.validChainPem.slice(fx.validChainPem.indexOf('-----BEGIN', 10));
    assert.match(intermediatePem, /^-----BEGIN CERTIFICATE-----/);
    const { handshake: h } = await fullHandshake(target(fx.ports.valid), opts({ extraCaPem: `${fx.rootPem}\n${intermediatePem}` }));
    assert.equal(h.protocol, 'TLSv1.3', 'no raw TLS 1.2 chain to fall back on');
    assert.equal(h.trusted, true, h.trustError);
    assert.equal(h.chainDer.length, 2, 'leaf and intermediate, as sent');
    assert.deepEqual(h.storeIssuersDer?.map((d) => new X509Certificate(d).subject), [new X509Certificate(fx.rootPem).subject]);
  });

  test('without the test root: untrusted, with the reason', async () => {
    const { handshake: h } = await fullHandshake(target(fx.ports.valid), opts({ extraCaPem: undefined }));
    assert.equal(h.trusted, false);
    assert.match(h.trustError ?? '', /UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED/);
  });

  test('expired leaf', async () => {
    const { handshake: h } = await fullHandshake(target(fx.ports.expired), opts());
    assert.equal(h.trusted, false);
    assert.equal(h.trustError, 'CERT_HAS_EXPIRED');
    assert.equal(h.hostnameMatches, true);
  });

  test('wrong host: trusted chain, name mismatch with the reason', async () => {
    const { handshake: h } = await fullHandshake(target(fx.ports.wrongHost), opts());
    assert.equal(h.trusted, true, h.trustError);
    assert.equal(h.hostnameMatches, false);
    assert.match(h.hostnameError ?? '', /probe\.test/);
  });

  test('SNI override and connect-to-IP: the name checked is the SNI', async () => {
    const { handshake: h } = await fullHandshake({ host: '127.0.0.1', port: fx.ports.wrongHost, sni: 'other.test' }, opts());
    assert.equal(h.hostnameMatches, true);
  });

  test('an IP literal as host: no SNI, matched against IP SANs', async () => {
    const { handshake: h } = await fullHandshake({ host: '127.0.0.1', port: fx.ports.valid }, opts());
    assert.equal(h.hostnameMatches, true, h.hostnameError);
  });

  test('missing intermediate: only the leaf is sent and the chain does not verify', async () => {
    const { handshake: h } = await fullHandshake(target(fx.ports.missingIntermediate), opts());
    assert.equal(h.trusted, false);
    assert.match(h.trustError ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
    assert.equal(h.chainDer.length, 1, 'the leaf alone');
    assert.equal(h.storeIssuersDer, undefined);
    assert.equal(h.alpn, 'http/1.1');
    assert.equal(h.ocsp?.stapled, false);
  });

  test('self-signed', async () => {
    const { handshake: h } = await fullHandshake(target(fx.ports.selfSigned), opts());
    assert.equal(h.trusted, false);
    assert.equal(h.trustError, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  test('IPv6: [::1]:port as typed, to a node:tls server on ::1 with the fixture certificate', async (t) => {
    const server = tls.createServer({ cert: fx.validChainPem, key: fx.validKeyPem }, (c) => {
      c.on('error', () => undefined);
      c.end('HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=600\r\nContent-Length: 0\r\n\r\n');
    });
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(0, '::1', () => resolve(true));
    });
    if (!listening) return t.skip('no IPv6 loopback here');
    try {
      const target = { ...parseTarget(`[::1]:${(server.address() as net.AddressInfo).port}`), sni: fx.host, family: 6 as const };
      const { handshake: h, address } = await fullHandshake(target, opts());
      assert.equal(address, '::1');
      assert.equal(h.trusted, true, h.trustError);
      assert.equal(h.hostnameMatches, true);
      assert.equal(h.hsts?.maxAge, 600);
    } finally {
      server.close();
    }
  });

  test('mTLS: without a client certificate the failure says one is required; with it, HTTP answers', async () => {
    const without = await fullHandshake(target(fx.ports.mtls), opts());
    assert.match(without.errors.map((e) => e.message).join(), /400 Bad Request: if the server requires a client certificate/);
    const { handshake: h, errors } = await fullHandshake(target(fx.ports.mtls), opts({ clientCertPem: fx.clientCertPem, clientKeyPem: fx.clientKeyPem }));
    assert.deepEqual(errors, []);
    assert.equal(h.httpStatus, 200);
    assert.equal(h.hsts?.present, true);
  });

  test('a client key that does not match the certificate: a clear error, without the key', async () => {
    await assert.rejects(fullHandshake(target(fx.ports.mtls), opts({ clientCertPem: fx.rootPem, clientKeyPem: fx.clientKeyPem })), (e: unknown) => {
      assert.ok(e instanceof ProbeError);
      assert.match(e.message, /client certificate, key or CA cannot be used/);
      assert.doesNotMatch(e.message, /PRIVATE KEY|MII/);
      return true;
    });
  });

  test('HSTS off: present false', async () => {
    const { handshake: h } = await fullHandshake(target(fx.ports.noHsts), opts());
    assert.deepEqual(h.hsts, { present: false });
  });
});

describe('failures end in a clear ProbeError', { skip }, () => {
  test('connection refused', async () => {
    const port = await freePort();
    await assert.rejects(fullHandshake({ host: '127.0.0.1', port }, opts()), (e: unknown) => e instanceof ProbeError && e.code === 'refused' && /refused/.test(e.message));
  });

  test('a server that accepts and never answers: timeout', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await assert.rejects(fullHandshake({ host: '127.0.0.1', port }, opts({ timeoutMs: 300 })), (e: unknown) => e instanceof ProbeError && e.code === 'timeout');
    } finally {
      sockets.forEach((s) => s.destroy());
      server.close();
    }
  });

  test('a server that answers plain HTTP: not-tls', async () => {
    const server = net.createServer((s) => {
      s.on('error', () => undefined);
      s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await assert.rejects(fullHandshake({ host: '127.0.0.1', port }, opts()), (e: unknown) => e instanceof ProbeError && e.code === 'not-tls');
    } finally {
      server.close();
    }
  });

  test('a server that answers garbage: not-tls or protocol, never a hang', async () => {
    const server = net.createServer((s) => {
      s.on('error', () => undefined);
      s.end(Buffer.from('\x00\xff garbage that is not a TLS record \x01\x02'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await assert.rejects(fullHandshake({ host: '127.0.0.1', port }, opts()), (e: unknown) => e instanceof ProbeError && ['not-tls', 'protocol', 'reset'].includes(e.code));
    } finally {
      server.close();
    }
  });

  test('a server that resets after the ClientHello: reset', async () => {
    const server = net.createServer((s) => {
      s.on('error', () => undefined);
      s.once('data', () => s.resetAndDestroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await assert.rejects(fullHandshake({ host: '127.0.0.1', port }, opts()), (e: unknown) => e instanceof ProbeError && e.code === 'reset');
    } finally {
      server.close();
    }
  });

  test('cancel: rejects with cancelled', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    try {
      await assert.rejects(fullHandshake({ host: '127.0.0.1', port }, opts({ signal: ac.signal, timeoutMs: 10_000 })), (e: unknown) => e instanceof ProbeError && e.code === 'cancelled');
    } finally {
      sockets.forEach((s) => s.destroy());
      server.close();
    }
  });
});

describe('parseTarget', () => {
  test('host, host:port, [v6]:port, bare v6, URLs; nonsense is refused', () => {
    assert.deepEqual(parseTarget('example.com'), { host: 'example.com', port: 443 });
    assert.deepEqual(parseTarget('example.com:8443'), { host: 'example.com', port: 8443 });
    assert.deepEqual(parseTarget('[2001:db8::1]:444'), { host: '2001:db8::1', port: 444 });
    assert.deepEqual(parseTarget('2001:db8::1'), { host: '2001:db8::1', port: 443 });
    assert.deepEqual(parseTarget('https://example.com:9443/path?q'), { host: 'example.com', port: 9443 });
    for (const bad of ['', 'a b', 'x:0', 'x:70000', 'x:abc']) assert.throws(() => parseTarget(bad), ProbeError, bad);
  });
});

describe('protocols by scheme and port', () => {
  test('smtp://, imaps://, ldap:// … give the default port and the upgrade or implicit TLS', () => {
    assert.deepEqual(parseTarget('smtp://mail.example.com'), { host: 'mail.example.com', port: 25, starttls: 'smtp', application: 'smtp', protocolChosenBy: 'option' });
    assert.deepEqual(parseTarget('imaps://mail.example.com:1993'), { host: 'mail.example.com', port: 1993, application: 'imap', protocolChosenBy: 'option' });
    assert.deepEqual(parseTarget('postgresql://user@db.example.com/app'), { host: 'db.example.com', port: 5432, starttls: 'postgres', application: 'postgres', protocolChosenBy: 'option' });
    assert.deepEqual(parseTarget('http://example.com'), { host: 'example.com', port: 443 });
    assert.throws(() => parseTarget('gopher://example.com'), /does not know the scheme gopher:\/\//);
  });

  test('the well-known port decides when nothing is said; an option wins', () => {
    assert.deepEqual(chooseProtocol(25), { starttls: 'smtp', application: 'smtp', protocolChosenBy: 'port' });
    assert.deepEqual(chooseProtocol(587), { starttls: 'smtp', application: 'smtp', protocolChosenBy: 'port' });
    for (const [port, p] of [[143, 'imap'], [110, 'pop3'], [21, 'ftp'], [389, 'ldap'], [5222, 'xmpp'], [5269, 'xmpp-server'], [5432, 'postgres'], [3306, 'mysql']] as const) {
      assert.equal(chooseProtocol(port).starttls, p, String(port));
    }
    for (const [port, app] of [[465, 'smtp'], [993, 'imap'], [995, 'pop3'], [636, 'ldap'], [990, 'ftp'], [5223, 'xmpp'], [853, 'dns']] as const) {
      assert.deepEqual(chooseProtocol(port), { application: app, protocolChosenBy: 'port' }, String(port));
    }
    assert.deepEqual(chooseProtocol(443), {});
    assert.deepEqual(chooseProtocol(8443), {});
    assert.deepEqual(chooseProtocol(25, 'none'), { protocolChosenBy: 'option' });
    assert.deepEqual(chooseProtocol(993, 'none'), { application: 'imap', protocolChosenBy: 'port' });
    assert.deepEqual(chooseProtocol(2525, parseStarttlsName('SMTP')), { starttls: 'smtp', application: 'smtp', protocolChosenBy: 'option' });
    assert.deepEqual(parseStarttlsName('psql'), { starttls: 'postgres' });
    assert.deepEqual(parseStarttlsName('mariadb'), { starttls: 'mysql' });
    assert.deepEqual(parseStarttlsName('ldaps'), { implicit: 'ldap' });
    assert.equal(parseStarttlsName('gopher'), undefined);
  });
});

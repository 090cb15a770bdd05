/**
 * The probe through each protocol's own upgrade to TLS, against real Debian servers started
 * here on loopback ports with the test PKI and a private configuration: postfix (SMTP
 * STARTTLS and implicit TLS), dovecot (IMAP, POP3, and their implicit-TLS ports), PostgreSQL
 * (SSLRequest), slapd (LDAP StartTLS and ldaps), MariaDB (the SSL request packet), vsftpd
 * (AUTH TLS) and prosody (XMPP STARTTLS and direct TLS). `sslscan --starttls-<proto>` is the
 * oracle for the accepted version/suite pairs. Every server here can be started this way, so no
 * fake speaks an upgrade in this file.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { resolvePolicy } from '../../server/src/core';
import { buildProbeReport, probeEndpoint, probeReportText } from '../../server/src/core/probe';
import type { ProbeResult, ScanResult, StarttlsProtocol } from '../../server/src/core/probe/types';
import { ProbeError } from '../../server/src/core/probe/types';
import { makeTestPki, type PemCert, type TestPki } from '../support/nginxServer';
import { pair, runSslscan } from '../support/nginxServerSslscan';
import { serverSkip, startStarttlsServer, type Listener, type StarttlsServer, type StarttlsServerName } from '../support/starttlsServers';
import { findTool } from '../support/tools';

const sslscan = findTool('sslscan');
const DOMAIN = 'mail.probe.test';

/** sslscan's option for each upgrade. */
const SSLSCAN_STARTTLS: Readonly<Record<StarttlsProtocol, string>> = {
  smtp: '--starttls-smtp',
  imap: '--starttls-imap',
  pop3: '--starttls-pop3',
  ftp: '--starttls-ftp',
  ldap: '--starttls-ldap',
  xmpp: '--starttls-xmpp',
  'xmpp-server': '--xmpp-server',
  postgres: '--starttls-psql',
  mysql: '--starttls-mysql',
};

const SERVERS: StarttlsServerName[] = ['postfix', 'dovecot', 'postgresql', 'slapd', 'mariadb', 'vsftpd', 'prosody'];

/** What the probe says about each server when it serves its protocol without TLS. */
const NO_TLS: Readonly<Record<StarttlsProtocol, RegExp>> = {
  smtp: /^SMTP: the server does not offer STARTTLS \(its EHLO keywords: PIPELINING, /,
  imap: /^IMAP: STARTTLS was answered "BAD .*" \(does the server offer STARTTLS\?\)/,
  pop3: /^POP3: STLS was answered "-ERR .*"/,
  postgres: /^PostgreSQL: the server does not accept TLS \(it answered SSLRequest with "N"/,
  ldap: /^LDAP: StartTLS was refused with resultCode \d+ \(\w+\)/,
  mysql: /^MySQL: the server \(.*MariaDB.*\) does not offer TLS \(no CLIENT_SSL capability/,
  ftp: /^FTP: AUTH TLS was answered 5\d\d /,
  // prosody without mod_tls, requiring encryption (its default), ends the stream instead of listing no STARTTLS.
  xmpp: /^XMPP: the server ended the stream with the error "undefined-condition: No stream features to proceed with"/,
  'xmpp-server': /^XMPP/,
};

let pki: TestPki;
let leaf: PemCert;
before(async () => {
  pki = await makeTestPki();
  leaf = await pki.leaf({ cn: DOMAIN, dns: [DOMAIN], ips: ['127.0.0.1'] });
});

const pairsOf = (r: ScanResult): string[] => r.versions.flatMap((v) => v.suites.map((s) => pair(v.version, s))).sort();
const label = (l: Listener): string => `${l.protocol} ${l.implicit ? 'over TLS' : 'upgrade'} (port ${l.port})`;

for (const name of SERVERS) {
  const skip = serverSkip(name) ?? false;
  describe(`${name}`, { skip }, () => {
    let srv: StarttlsServer;
    let plain: StarttlsServer;
    /** Each listener's probe, or why it failed (with the server's log). */
    const results = new Map<number, ProbeResult | string>();
    before(async () => {
      // The server with TLS and the same server without it start at once; every listener is probed at once.
      [srv, plain] = await Promise.all([
        startStarttlsServer(name, { chainPem: leaf.chainPem, keyPem: leaf.keyPem, domain: DOMAIN }),
        startStarttlsServer(name, { chainPem: leaf.chainPem, keyPem: leaf.keyPem, domain: DOMAIN }, { noTls: true }),
      ]);
      await Promise.all(
        srv.listeners.map(async (l) => {
          const target = { host: DOMAIN, connectTo: '127.0.0.1', port: l.port, application: l.protocol, ...(l.implicit ? {} : { starttls: l.protocol }) };
          try {
            results.set(l.port, await probeEndpoint(target, { timeoutMs: 8000, concurrency: 8, extraCaPem: pki.root.certPem }));
          } catch (e) {
            results.set(l.port, `${label(l)}: ${(e as Error).message}\n${srv.log().slice(-3000)}`);
          }
        }),
      );
    });
    after(() => Promise.all([srv?.stop(), plain?.stop()]));
    const resultOf = (l: Listener): ProbeResult => {
      const r = results.get(l.port);
      if (typeof r === 'string' || !r) assert.fail(r ?? `${label(l)} was not probed`);
      return r;
    };

    test('the whole probe through every listener: the chain it serves, trusted, no HTTP asked', () => {
      for (const l of srv.listeners) {
        const r = resultOf(l);
        assert.deepEqual(r.errors, [], `${label(l)}: nothing left out (no HEAD / to a ${l.protocol} server)`);
        assert.ok(r.scan, label(l));
        assert.deepEqual(Buffer.from(r.scan.chainDer[0]!), new X509Certificate(leaf.certPem).raw, `${label(l)}: the leaf read in clear after the upgrade`);
        assert.equal(r.handshake?.trusted, true, `${label(l)}: node:tls after the upgrade: ${r.handshake?.trustError}`);
        assert.equal(r.handshake?.alpn, undefined, `${label(l)}: no ALPN offered to ${l.protocol}`);
        assert.equal(r.handshake?.hsts, undefined);
        const rep = buildProbeReport(r, resolvePolicy(), new Date());
        assert.ok(rep.protocols.some((p) => p.accepted), label(l));
        assert.equal(rep.service.starttls, l.implicit ? undefined : l.protocol);
        assert.match(probeReportText(rep), l.implicit ? /^Protocol: .* over TLS/m : /^Protocol: .*(STARTTLS|STLS|AUTH TLS|StartTLS|SSLRequest|SSL request)/m, label(l));
      }
    });

    test('agrees with sslscan --starttls-* on every accepted version/suite pair', { skip: sslscan.skip }, async () => {
      // One sslscan run per upgrade; a server's implicit-TLS ports share its TLS configuration,
      // so their pairs must equal its upgrade port's.
      const upgrades = srv.listeners.filter((l) => !l.implicit);
      await Promise.all(
        upgrades.map(async (l) => {
          const r = resultOf(l);
          assert.ok(r.scan, label(l));
          // sslscan 2.0.7 takes an LDAP StartTLS answer only when it names the StartTLS OID, which
          // slapd 2.5 leaves out (RFC 4511 §4.12 makes responseName optional): the ldaps port of the
          // same slapd, with the same TLS configuration, is its reference for the StartTLS port.
          const ref =
            l.protocol === 'ldap'
              ? await runSslscan(sslscan.path!, '127.0.0.1', srv.port('ldap', true), DOMAIN)
              : await runSslscan(sslscan.path!, '127.0.0.1', l.port, DOMAIN, [SSLSCAN_STARTTLS[l.protocol]]);
          assert.ok(ref.pairs.length > 0, `${label(l)}: sslscan found suites:\n${ref.output}`);
          assert.deepEqual(pairsOf(r.scan), ref.pairs, label(l));
          assert.deepEqual(r.scan.versions.filter((v) => v.accepted).map((v) => v.version).sort(), [...ref.enabled].sort(), label(l));
        }),
      );
      for (const l of srv.listeners.filter((x) => x.implicit)) {
        const same = upgrades.find((u) => u.protocol === l.protocol)!;
        assert.deepEqual(pairsOf(resultOf(l).scan!), pairsOf(resultOf(same).scan!), `${label(l)} as ${label(same)}`);
      }
    });

    test('without TLS: the probe fails at once with code starttls, saying what the server answered', async () => {
      for (const l of plain.listeners) {
        await assert.rejects(
          probeEndpoint({ host: DOMAIN, connectTo: '127.0.0.1', port: l.port, starttls: l.protocol, application: l.protocol }, { timeoutMs: 8000, concurrency: 4 }),
          (e: unknown) => {
            assert.ok(e instanceof ProbeError, String(e));
            assert.equal(e.code, 'starttls', `${label(l)}: ${e.message}`);
            assert.match(e.message, NO_TLS[l.protocol], label(l));
            return true;
          },
        );
      }
    });
  });
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PolicyInput } from '../../server/src/core';
import { applyFix, expectAnnotated, lint } from '../support/lint';

const FILE = 'haproxy.cfg';
const only = (text: string, id: string, policy?: PolicyInput) => lint(text, FILE, policy).filter((f) => f.ruleId === id);
const HEAD = 'global\n    log stdout local0\ndefaults\n    mode http\n';

describe('haproxy/weak-protocol', () => {
  test('explicit minimums, force-…, low maximums; global options once, naming the lines that use them', () => {
    expectAnnotated(`global
    ssl-default-bind-options ssl-min-ver TLSv1.0
#                                        ^^^^^^^ warning haproxy/weak-protocol: for bind :443, bind :8443 and 1 more
    ssl-default-server-options ssl-min-ver TLSv1.2
frontend f
    mode http
    bind :443 ssl crt a.pem
    bind :8443 ssl crt a.pem no-tlsv10
    bind :9443 ssl crt a.pem ssl-min-ver TLSv1.2
    bind :9444 ssl crt a.pem force-tlsv11
#                            ^^^^^^^^^^^^ warning haproxy/weak-protocol: force-tlsv11 enables TLSv1.1
    bind :9445 ssl crt a.pem ssl-max-ver TLSv1.1
    bind :9446 ssl crt a.pem ssl-min-ver SSLv3
#                                        ^^^^^ error haproxy/weak-protocol: SSLv3 (deprecated by RFC 7568 (POODLE))
backend b
    server s1 10.0.0.1:443 ssl verify none ssl-min-ver TLSv1.1
#                                                      ^^^^^^^ warning haproxy/weak-protocol: TLSv1.1
    server s2 10.0.0.2:443 ssl verify none force-tlsv12
`, FILE, undefined, ['haproxy/weak-protocol']);
  });

  test('no-tlsv1x next to ssl-min-ver does not help (mozilla/ssl-config-generator#152)', () => {
    const [f] = only(`${HEAD}frontend f\n    bind :443 ssl crt a.pem ssl-min-ver TLSv1.0 no-tlsv10 no-tlsv11\n`, 'haproxy/weak-protocol');
    assert.ok(f?.message.includes('TLSv1.0 (deprecated by RFC 8996), TLSv1.1'), f?.message);
    assert.ok(f!.message.includes('no-tlsv10 no-tlsv11 are ignored'), f!.message);
  });

  test('the legacy profile accepts TLSv1.0; a bind line that sets its own minimum ignores the global one', () => {
    const text = 'global\n    ssl-default-bind-options ssl-min-ver TLSv1.0\nfrontend f\n    bind :443 ssl crt a.pem ssl-min-ver TLSv1.2\n';
    assert.deepEqual(only(text, 'haproxy/weak-protocol', { profile: 'legacy' }), []);
    const [g] = only(text, 'haproxy/weak-protocol');
    assert.ok(g?.message.includes('for every bind line with ssl that sets none'), g?.message);
  });

  test('fixes: the profile minimum; force-tlsv10 becomes ssl-min-ver; a low maximum is raised', () => {
    const fix = (line: string): string => {
      const text = `${HEAD}frontend f\n    bind :443 ssl crt a.pem ${line}\n`;
      const [f] = only(text, 'haproxy/weak-protocol');
      assert.ok(f, line);
      const fixed = applyFix(text, f);
      assert.deepEqual(only(fixed, 'haproxy/weak-protocol'), [], fixed);
      return fixed.split('\n')[5]!.replace('    bind :443 ssl crt a.pem ', '');
    };
    assert.equal(fix('ssl-min-ver TLSv1.0'), 'ssl-min-ver TLSv1.2');
    assert.equal(fix('force-tlsv10'), 'ssl-min-ver TLSv1.2');
    assert.equal(fix('ssl-min-ver TLSv1.0 ssl-max-ver TLSv1.1'), 'ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.3');
    assert.equal(fix('ssl-max-ver TLSv1.1'), 'ssl-max-ver TLSv1.3');
  });
});

describe('haproxy/ignored-version-options', () => {
  test('reported once per line; removed only where they work nowhere', () => {
    expectAnnotated(`global
    ssl-default-bind-options no-sslv3 no-tlsv10 ssl-min-ver TLSv1.2
#                            ^^^^^^^^^^^^^^^^^^ warning haproxy/ignored-version-options: no-sslv3 no-tlsv10 are ignored
frontend f
    bind :443 ssl crt a.pem
    bind :8443 ssl crt a.pem no-tlsv11
#                            ^^^^^^^^^ warning haproxy/ignored-version-options: (here ssl-min-ver TLSv1.2 (ssl-default-bind-options))
`, FILE, undefined, ['haproxy/ignored-version-options']);
    // Global no-tlsv10 is ignored for the bind with its own minimum only: no fix removes it.
    const text = 'global\n    ssl-default-bind-options no-tlsv10\nfrontend f\n    bind :443 ssl crt a.pem\n    bind :8443 ssl crt a.pem ssl-min-ver TLSv1.2\n';
    const [f] = only(text, 'haproxy/ignored-version-options');
    assert.ok(f?.message.includes('for bind :8443'), f?.message);
    assert.deepEqual(f!.fixes, []);
    const own = `${HEAD}frontend f\n    bind :443 ssl crt a.pem ssl-min-ver TLSv1.2 no-tlsv10 no-tlsv11\n`;
    const [g] = only(own, 'haproxy/ignored-version-options');
    assert.equal(applyFix(own, g!).split('\n')[5], '    bind :443 ssl crt a.pem ssl-min-ver TLSv1.2');
  });

  test('no-tlsv1x alone is honoured (no minimum set): nothing to report', () => {
    assert.deepEqual(only('frontend f\n    bind :443 ssl crt a.pem no-sslv3 no-tlsv10 no-tlsv11\n', 'haproxy/ignored-version-options'), []);
  });
});

describe('haproxy/default-protocols (version-aware)', () => {
  const text = `${HEAD}frontend f\n    bind :443 ssl crt a.pem\n    bind :8443 ssl crt a.pem no-sslv3 no-tlsv10 no-tlsv11\n`;
  test('before 2.2 a bind line without a minimum accepts TLSv1.0 and TLSv1.1; 2.2 and later default to TLSv1.2', () => {
    const old = only(text, 'haproxy/default-protocols', { haproxyVersion: '2.0' });
    assert.equal(old.length, 1);
    assert.ok(old[0]!.message.includes('TLSv1.0, TLSv1.1 are enabled'), old[0]!.message);
    assert.deepEqual(old[0]!.range.start, { line: 5, character: 14 });
    assert.deepEqual(only(text, 'haproxy/default-protocols', { haproxyVersion: '2.2' }), []);
    assert.deepEqual(only(text, 'haproxy/default-protocols'), [], 'unknown version: current HAProxy');
    const fixed = applyFix(text, old[0]!);
    assert.deepEqual(only(fixed, 'haproxy/default-protocols', { haproxyVersion: '2.0' }), []);
    assert.ok(fixed.includes('bind :443 ssl crt a.pem ssl-min-ver TLSv1.2\n'));
  });
});

describe('haproxy/weak-ciphers', () => {
  test('cipher strings expanded as OpenSSL does; TLS 1.3 lists; global settings', () => {
    expectAnnotated(`global
    ssl-default-bind-ciphers HIGH:!aNULL:!MD5
#                            ^^^^^^^^^^^^^^^^ warning haproxy/weak-ciphers: no forward secrecy
#                            ^^^^^^^^^^^^^^^^ warning haproxy/weak-ciphers: no AEAD
    ssl-default-server-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_8_SHA256
#                                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning haproxy/weak-ciphers: TLS_AES_128_CCM_8_SHA256
frontend f
    bind :443 ssl crt a.pem ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384
    bind :8443 ssl crt a.pem ciphersuites TLS_FOO:TLS_AES_256_GCM_SHA384
#                                         ^^^^^^^ info haproxy/weak-ciphers: ignores it
    bind :9443 ssl crt a.pem ciphersuites TLS_FOO
#                                         ^^^^^^^ error haproxy/weak-ciphers: HAProxy will not start
    bind :9444 ssl crt a.pem ciphers "NULL-SHA:RC4-SHA"
#                                              ^^^^^^^ info haproxy/weak-ciphers
#                                    ^^^^^^^^^^^^^^^^^^ error haproxy/weak-ciphers: no encryption (NULL)
`, FILE, undefined, ['haproxy/weak-ciphers']);
  });

  test('a TLS bind with no cipher string anywhere: one note with a shared fix in global', () => {
    const text = `${HEAD}frontend f\n    bind :443 ssl crt a.pem\n    bind :8443 ssl crt a.pem\n`;
    const found = only(text, 'haproxy/weak-ciphers');
    assert.deepEqual(found.map((f) => [f.severity, f.range.start.line]), [['info', 5], ['info', 6]]);
    assert.ok(found[0]!.assumptions?.[0]?.includes('OpenSSL 3.0'));
    assert.deepEqual(found[0]!.fixes[0]!.edits, found[1]!.fixes[0]!.edits, 'the same fix: Fix all applies it once');
    const fixed = applyFix(text, found[0]!);
    assert.ok(fixed.startsWith('global\n    log stdout local0\n    ssl-default-bind-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:'), fixed);
    assert.deepEqual(only(fixed, 'haproxy/weak-ciphers'), []);
  });
});

describe('haproxy/missing-certificate', () => {
  test('ssl without crt; strict-sni from 2.8', () => {
    expectAnnotated(`frontend f
    bind :443 ssl
#             ^^^ error haproxy/missing-certificate: no SSL certificate specified
    bind :8443 ssl crt-list list.txt
    bind :9443 ssl strict-sni
`, FILE, undefined, ['haproxy/missing-certificate']);
    assert.equal(only('frontend f\n    bind :9443 ssl strict-sni\n', 'haproxy/missing-certificate', { haproxyVersion: '2.6' }).length, 1);
    assert.deepEqual(only('frontend f\n    bind :443 ssl\n    ssl-f-use crt site.pem\n', 'haproxy/missing-certificate'), [], 'HAProxy 3.2 ssl-f-use');
  });
});

describe('haproxy/server-unverified', () => {
  test('verify none here or on default-server; ssl-server-verify none; no ca-file is fatal', () => {
    expectAnnotated(`global
    ssl-server-verify none
#                     ^^^^ warning haproxy/server-unverified: server g1 in backend g
backend b
    default-server ssl verify none
#                             ^^^^ warning haproxy/server-unverified: every server after this default-server
    server s1 10.0.0.1:443
    server s2 10.0.0.2:443
    server s3 10.0.0.3:443 verify required ca-file ca.pem
backend g
    server g1 10.0.0.4:443 ssl
    server g2 10.0.0.5:443 ssl verify required
#   ^^^^^^ error haproxy/server-unverified: names no ca-file
    server g3 10.0.0.6:443 ssl verify required ca-file @system-ca
    server plain 10.0.0.7:80 verify none
`, FILE, undefined, ['haproxy/server-unverified']);
  });

  test('fixes: verify required with the system store (a path before 2.6)', () => {
    const text = `${HEAD}backend b\n    server s 10.0.0.1:443 ssl verify none\n    server t 10.0.0.2:443 ssl\n`;
    const [none, noCa] = only(text, 'haproxy/server-unverified');
    assert.equal(applyFix(text, none!).split('\n')[5], '    server s 10.0.0.1:443 ssl verify required ca-file @system-ca');
    assert.equal(applyFix(text, noCa!).split('\n')[6], '    server t 10.0.0.2:443 ssl ca-file @system-ca');
    const old = only(text, 'haproxy/server-unverified', { haproxyVersion: '2.4' });
    assert.ok(applyFix(text, old[0]!).includes('ca-file /etc/ssl/certs/ca-certificates.crt'));
  });
});

describe('haproxy/server-no-sni', () => {
  test('a verified server without sni or verifyhost; HTTP mode on 3.3+ sends the Host as SNI', () => {
    const text = `${HEAD}backend b\n    server s 10.0.0.1:443 ssl verify required ca-file ca.pem\n    server t api.internal:443 ssl ca-file ca.pem\n    server u 10.0.0.3:443 ssl ca-file ca.pem sni req.hdr(host)\n    server v 10.0.0.4:443 ssl ca-file ca.pem verifyhost api.internal\n`;
    const found = only(text, 'haproxy/server-no-sni');
    assert.deepEqual(found.map((f) => f.range.start.line), [5, 6]);
    assert.ok(found[0]!.assumptions?.[0]?.includes('older than 3.3'));
    assert.deepEqual(found[0]!.fixes.map((f) => f.title), ["Send the request's Host as SNI and verify it"]);
    assert.deepEqual(found[1]!.fixes.map((f) => [f.title, f.preferred]), [['Verify the name api.internal', true], ["Send the request's Host as SNI and verify it", false]]);
    assert.equal(applyFix(text, found[1]!).split('\n')[6], '    server t api.internal:443 ssl ca-file ca.pem verifyhost api.internal');
    assert.deepEqual(only(text, 'haproxy/server-no-sni', { haproxyVersion: '3.3' }), []);
    const tcp = text.replace('mode http', 'mode tcp');
    assert.equal(only(tcp, 'haproxy/server-no-sni', { haproxyVersion: '3.3' }).length, 2, 'TCP mode has no Host to send');
    assert.equal(only(text.replace('ca-file ca.pem\n', 'ca-file ca.pem no-sni-auto\n'), 'haproxy/server-no-sni', { haproxyVersion: '3.3' }).length, 1);
  });
});

describe('haproxy/missing-hsts', () => {
  test('TLS HTTP frontends; inherited from named defaults or set by every backend; max-age against the policy', () => {
    expectAnnotated(`defaults web
    mode http
    http-response set-header Strict-Transport-Security "max-age=300"
#                                                      ^^^^^^^^^^^^^ warning haproxy/missing-hsts: max-age=300 is below
defaults plain
    mode http
frontend a from web
    bind :443 ssl crt a.pem
frontend b from plain
#        ^ warning haproxy/missing-hsts: (nor do all the backends it uses)
    bind :443 ssl crt a.pem
    use_backend withhsts if { path_beg /a }
    default_backend nohsts
frontend c from plain
    bind :443 ssl crt a.pem
    use_backend withhsts if { path_beg /a }
    default_backend withhsts
frontend d from plain
    bind :443 ssl crt a.pem
    http-request redirect location https://example.test/
frontend e
    mode tcp
    bind :443 ssl crt a.pem
backend withhsts from plain
    http-response set-header Strict-Transport-Security max-age=63072000
backend nohsts from plain
`, FILE, undefined, ['haproxy/missing-hsts']);
  });

  test('the fix adds the header after the binds (only over TLS when the frontend also listens in plain)', () => {
    const text = `${HEAD}frontend f\n    bind :80\n    bind :443 ssl crt a.pem\n    default_backend b\nbackend b\n    server s 10.0.0.1:80\n`;
    const [f] = only(text, 'haproxy/missing-hsts');
    const fixed = applyFix(text, f!);
    assert.equal(fixed.split('\n')[7], '    http-response set-header Strict-Transport-Security "max-age=63072000" if { ssl_fc }');
    assert.deepEqual(only(fixed, 'haproxy/missing-hsts'), []);
  });
});

describe('haproxy/http-without-redirect', () => {
  test('port 80 in HTTP mode, where the configuration serves HTTPS', () => {
    expectAnnotated(`defaults
    mode http
frontend plain
    bind :80
#        ^^^ warning haproxy/http-without-redirect: answers plain HTTP on port 80
    default_backend b
frontend redirecting
    bind :80
    redirect scheme https code 301 if !{ ssl_fc }
frontend forwarded
    bind :80
    http-request redirect scheme https unless { req.hdr(x-forwarded-proto) https }
frontend behind-lb
    bind :80
    acl tls hdr(X-Forwarded-Proto) https
    default_backend b
frontend sets-it
    bind :80
#        ^^^ warning haproxy/http-without-redirect: frontend sets-it
    http-request set-header X-Forwarded-Proto http
    default_backend b
frontend tls
    bind :443 ssl crt a.pem
    http-response set-header Strict-Transport-Security max-age=63072000
    default_backend b
backend b
    server s 10.0.0.1:80
`, FILE, undefined, ['haproxy/http-without-redirect']);
    assert.deepEqual(only('defaults\n    mode http\nfrontend plain\n    bind :80\n', 'haproxy/http-without-redirect'), [], 'no HTTPS in the file');
    assert.deepEqual(only('defaults\n    mode http\nfrontend plain\n    bind :80\nfrontend t\n    bind :443 ssl crt a.pem\n', 'haproxy/http-without-redirect', { require: { httpsRedirect: false } }), []);
  });
});

describe('haproxy/weak-dh', () => {
  test('tune.ssl.default-dh-param below 2048; the 1024-bit default before 2.2 where DHE is enabled', () => {
    expectAnnotated(`global
    tune.ssl.default-dh-param 1024
#                             ^^^^ error haproxy/weak-dh: at most 1024 bits
frontend f
    bind :443 ssl crt a.pem
`, FILE, undefined, ['haproxy/weak-dh']);
    const text = `global\n    log stdout local0\nfrontend f\n    bind :443 ssl crt a.pem\n`;
    const old = only(text, 'haproxy/weak-dh', { haproxyVersion: '2.0' });
    assert.equal(old.length, 1);
    assert.ok(old[0]!.message.includes('1024-bit groups'));
    assert.ok(applyFix(text, old[0]!).includes('    log stdout local0\n    tune.ssl.default-dh-param 2048\n'));
    assert.deepEqual(only(text, 'haproxy/weak-dh', { haproxyVersion: '2.2' }), []);
    assert.deepEqual(only(text.replace('a.pem', 'a.pem ciphers ECDHE-RSA-AES128-GCM-SHA256'), 'haproxy/weak-dh', { haproxyVersion: '2.0' }), [], 'no DHE suite enabled');
  });
});

describe('haproxy/syntax', () => {
  test('located problems; the missing final LF is fatal from 2.3 and has a fix', () => {
    expectAnnotated(`global
    log "stdout local0
#       ^ error haproxy/syntax: unmatched quote
`, FILE, undefined, ['haproxy/syntax']);
    const text = 'global\n    maxconn 10';
    const [f] = only(text, 'haproxy/syntax');
    assert.equal(f?.severity, 'error');
    assert.equal(applyFix(text, f), 'global\n    maxconn 10\n');
    assert.equal(only(text, 'haproxy/syntax', { haproxyVersion: '2.2' })[0]?.severity, 'warning');
  });
});

describe('suppressions and the engine', () => {
  test('# tls-lens-disable-next-line works in HAProxy files; cert rules run on them; nginx rules do not', () => {
    const text = `frontend f\n    # tls-lens-disable-next-line haproxy/weak-protocol -- old terminals\n    bind :443 ssl crt a.pem ssl-min-ver TLSv1.0\n`;
    const all = lint(text, FILE);
    assert.deepEqual(all.filter((f) => f.ruleId === 'haproxy/weak-protocol'), []);
    assert.ok(!all.some((f) => f.ruleId.startsWith('nginx/')));
    const unused = lint('frontend f\n    # tls-lens-disable-next-line haproxy/weak-protocol\n    bind :443 ssl crt a.pem\n', FILE);
    assert.deepEqual(unused.map((f) => f.ruleId).filter((id) => id.startsWith('core/')), ['core/unused-suppression']);
  });
});

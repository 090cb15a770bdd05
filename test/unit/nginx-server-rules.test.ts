import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PolicyInput } from '../../server/src/core';
import { applyFix, expectAnnotated, lint } from '../support/lint';

const CERT = '    ssl_certificate a.crt;\n    ssl_certificate_key a.key;\n';
const ids = (text: string, rule: string, file = 'sites-enabled/x') => lint(text, file).filter((f) => f.ruleId === rule);

describe('nginx/missing-hsts', () => {
  test('missing header, short max-age, missing always; reject-handshake servers and plain HTTP are fine', () => {
    expectAnnotated(
      `
http {
server {
^^^^^^ warning nginx/missing-hsts: sends no Strict-Transport-Security
    listen 443 ssl;
}
server {
    listen 8443 ssl;
    add_header Strict-Transport-Security "max-age=3600";
#   ^^^^^^^^^^ info nginx/missing-hsts: without "always"
#                                        ^^^^^^^^^^^^^^ warning nginx/missing-hsts: max-age=3600 is below
}
server {
    listen 443 ssl default_server;
    ssl_reject_handshake on;
}
server {
    listen 80;
}
}
`,
      'sites-enabled/x',
      undefined,
      ['nginx/missing-hsts'],
    );
  });

  test('inherited from http counts, and is judged once; an include named for headers hides it', () => {
    const http = `http {\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    server { listen 443 ssl; }\n    server { listen 8443 ssl; }\n}\n`;
    assert.deepEqual(ids(http, 'nginx/missing-hsts', 'nginx.conf'), []);
    assert.deepEqual(ids('http {\nserver {\n    listen 443 ssl;\n    include snippets/headers.conf;\n}\n}\n', 'nginx/missing-hsts'), []);
    const site = ids('server {\n    listen 443 ssl;\n}\n', 'nginx/missing-hsts');
    assert.equal(site.length, 1, 'a sites-enabled snippet: judged as included by the stock nginx.conf, which sets no header');
    assert.match(site[0]!.message, /assumed: no nginx.conf in the workspace includes this file; judged as included by Debian/);
  });

  test('the fixes add the header after the listen lines, raise max-age, add always', () => {
    const text = `http {\nserver {\n    listen 443 ssl;\n    listen [::]:443 ssl;\n${CERT}}\n}\n`;
    const fixed = applyFix(text, ids(text, 'nginx/missing-hsts')[0]!);
    assert.equal(fixed, `http {\nserver {\n    listen 443 ssl;\n    listen [::]:443 ssl;\n    add_header Strict-Transport-Security "max-age=63072000" always;\n${CERT}}\n}\n`);
    assert.deepEqual(ids(fixed, 'nginx/missing-hsts'), []);
    const short = 'http {\nserver {\n    listen 443 ssl;\n    add_header Strict-Transport-Security "max-age=60; includeSubDomains" always;\n}\n}\n';
    assert.equal(applyFix(short, ids(short, 'nginx/missing-hsts')[0]!), short.replace('max-age=60; includeSubDomains', 'max-age=63072000; includeSubDomains'));
  });
});

describe('nginx/hsts-dropped', () => {
  test('a location with its own add_header loses the server\'s HSTS; the fix repeats it', () => {
    expectAnnotated(
      `
http {
server {
    listen 443 ssl;
    add_header Strict-Transport-Security "max-age=63072000" always;
    location /api/ {
#   ^^^^^^^^ warning nginx/hsts-dropped: lack Strict-Transport-Security
        add_header Access-Control-Allow-Origin *;
    }
    location / {
        proxy_pass http://app;
    }
}
}
`,
      'sites-enabled/x',
      undefined,
      ['nginx/hsts-dropped'],
    );
    const text = 'http {\nserver {\n    listen 443 ssl;\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    location /api/ {\n        add_header X-A b;\n    }\n}\n}\n';
    const fixed = applyFix(text, ids(text, 'nginx/hsts-dropped')[0]!);
    assert.equal(fixed, text.replace('location /api/ {\n', 'location /api/ {\n        add_header Strict-Transport-Security "max-age=63072000" always;\n'));
    assert.deepEqual(ids(fixed, 'nginx/hsts-dropped'), []);
  });
});

describe('nginx/missing-certificate', () => {
  test('an ssl listener without certificate or key; inherited ones and reject-handshake are fine', () => {
    expectAnnotated(
      `
http {
server {
    listen 443 ssl;
#   ^^^^^^^^^^^^^^^ error nginx/missing-certificate: no ssl_certificate
}
server {
    listen 8443 ssl;
#   ^^^^^^^^^^^^^^^^ error nginx/missing-certificate: no ssl_certificate_key
    ssl_certificate a.crt;
}
server {
    listen 443 ssl default_server;
    ssl_reject_handshake on;
}
server {
    listen 80;
}
}
`,
      'sites-enabled/x',
      undefined,
      ['nginx/missing-certificate'],
    );
    assert.deepEqual(ids(`http {\n${CERT}    server { listen 443 ssl; }\n}\n`, 'nginx/missing-certificate', 'nginx.conf'), []);
    assert.deepEqual(ids(`stream {\n    server { listen 5000 ssl; proxy_pass db:5432; }\n}\n`, 'nginx/missing-certificate', 'nginx.conf').length, 1);
  });
});

describe('nginx/upstream-unverified', () => {
  test('TLS upstreams without verification, without trusted certificates, without SNI', () => {
    expectAnnotated(
      `
http {
server {
    listen 443 ssl;
    location /a { proxy_pass https://up; }
#                 ^^^^^^^^^^^^^^^^^^^^^^ warning nginx/upstream-unverified: proxy_ssl_verify is off
    location /b { grpc_pass grpcs://up; grpc_ssl_verify on; }
#                 ^^^^^^^^^^^^^^^^^^^^^ error nginx/upstream-unverified: grpc_ssl_trusted_certificate is not set
    location /c { proxy_pass https://up; proxy_ssl_verify on; proxy_ssl_trusted_certificate ca.pem; }
#                 ^^^^^^^^^^^^^^^^^^^^^^ info nginx/upstream-unverified: sends no SNI
    location /d { proxy_pass http://up; }
}
}
`,
      'sites-enabled/x',
      undefined,
      ['nginx/upstream-unverified'],
    );
  });

  test('settings inherited from the server count; the fix adds what is missing', () => {
    const ok = 'http {\nserver {\n    proxy_ssl_verify on;\n    proxy_ssl_trusted_certificate ca.pem;\n    proxy_ssl_server_name on;\n    location / { proxy_pass https://up; }\n}\n}\n';
    assert.deepEqual(ids(ok, 'nginx/upstream-unverified'), []);
    const text = 'http {\nserver {\n    location / {\n        proxy_pass https://up;\n    }\n}\n}\n';
    const fixed = applyFix(text, ids(text, 'nginx/upstream-unverified')[0]!);
    assert.equal(fixed, 'http {\nserver {\n    location / {\n        proxy_pass https://up;\n        proxy_ssl_verify on;\n        proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;\n        proxy_ssl_server_name on;\n    }\n}\n}\n');
    assert.deepEqual(ids(fixed, 'nginx/upstream-unverified'), []);
  });
});

describe('nginx/default-protocols', () => {
  const text = `http {\nserver {\n    listen 443 ssl;\n${CERT}}\n}\n`;
  const find = (v?: string) => lint(text, 'sites-enabled/x', v ? { nginxVersion: v } : undefined).filter((f) => f.ruleId === 'nginx/default-protocols');

  test('depends on the target version: weak before 1.27.3, fine after, a note when unknown', () => {
    assert.deepEqual(find('1.24.0').map((f) => [f.severity, f.message]), [
      ['warning', 'no ssl_protocols here or above: nginx 1.24.0 then enables TLSv1 TLSv1.1 TLSv1.2 TLSv1.3, including TLSv1 and TLSv1.1'],
    ]);
    assert.deepEqual(find('1.27.3'), []);
    assert.deepEqual(find().map((f) => f.severity), ['info']);
    assert.deepEqual(lint(`http {\n    ssl_protocols TLSv1.2 TLSv1.3;\n    server {\n        listen 443 ssl;\n    }\n}\n`, 'nginx.conf', { nginxVersion: '1.22.0' }).filter((f) => f.ruleId === 'nginx/default-protocols'), []);
  });

  test('the fix sets the profile\'s versions after the listen line', () => {
    const fixed = applyFix(text, find('1.24.0')[0]!);
    assert.equal(fixed, text.replace('listen 443 ssl;\n', 'listen 443 ssl;\n    ssl_protocols TLSv1.2 TLSv1.3;\n'));
  });
});

describe('nginx/session-tickets and nginx/stapling-without-resolver', () => {
  const text = 'http {\n    ssl_stapling on;\n    server {\n        listen 443 ssl;\n    }\n    server {\n        listen 8443 ssl;\n        ssl_session_tickets on;\n    }\n    server {\n        listen 9443 ssl;\n        ssl_session_tickets off;\n    }\n}\n';
  const find = (rule: string, v?: string) => lint(text, 'nginx.conf', v ? { nginxVersion: v } : undefined).filter((f) => f.ruleId === rule).map((f) => `${f.range.start.line}: ${f.message.split(':')[0]}`);

  test('tickets: only for nginx 1.5.9 up to 1.23.1, by default or explicitly on', () => {
    assert.deepEqual(find('nginx/session-tickets', '1.22.1'), [
      '3: session tickets are on by default, and nginx 1.22.1 never rotates the session ticket key (1.23.2 does, with a shared session cache)',
      '7: nginx 1.22.1 never rotates the session ticket key (1.23.2 does, with a shared session cache)',
    ]);
    assert.deepEqual(find('nginx/session-tickets', '1.23.2'), [
      '3: session tickets are on by default, and nginx 1.23.2 rotates the session ticket key only with a shared session cache, and this server has none',
      '7: nginx 1.23.2 rotates the session ticket key only with a shared session cache, and this server has none',
    ]);
    const shared = text.replace('ssl_stapling on;', 'ssl_stapling on;\n    ssl_session_cache shared:SSL:10m;');
    assert.deepEqual(lint(shared, 'nginx.conf', { nginxVersion: '1.23.2' }).filter((f) => f.ruleId === 'nginx/session-tickets'), []);
    const keyed = text.replace('ssl_stapling on;', 'ssl_stapling on;\n    ssl_session_ticket_key tickets.key;');
    assert.deepEqual(lint(keyed, 'nginx.conf', { nginxVersion: '1.22.1' }).filter((f) => f.ruleId === 'nginx/session-tickets'), [], 'externally rotated keys');
    assert.deepEqual(find('nginx/session-tickets'), [], 'unknown version: not judged');
    const fixed = applyFix(text, lint(text, 'nginx.conf', { nginxVersion: '1.22.1' }).find((f) => f.ruleId === 'nginx/session-tickets')!);
    assert.match(fixed, /listen 443 ssl;\n        ssl_session_tickets off;\n/);
  });

  test('stapling needs a resolver, reported once where stapling is set', () => {
    assert.deepEqual(find('nginx/stapling-without-resolver'), ['1: ssl_stapling is on but no resolver is set (here or above)']);
    const withResolver = text.replace('ssl_stapling on;', 'ssl_stapling on;\n    resolver 127.0.0.53;');
    assert.deepEqual(lint(withResolver, 'nginx.conf').filter((f) => f.ruleId === 'nginx/stapling-without-resolver'), []);
  });
});

describe('nginx/http-without-redirect and nginx/prefer-server-ciphers', () => {
  test('an HTTP server for a TLS name must redirect; the fix adds a 308', () => {
    expectAnnotated(
      `
http {
server {
    listen 80;
    server_name a.test b.test;
#               ^^^^^^ warning nginx/http-without-redirect: a.test is also served over HTTPS
    root /var/www;
}
server {
    listen 80;
    server_name c.test;
    location / { return 301 https://c.test$request_uri; }
}
server {
    listen 80;
    server_name _;
}
server {
    listen 443 ssl;
    server_name a.test c.test _;
}
}
`,
      'sites-enabled/x',
      undefined,
      ['nginx/http-without-redirect'],
    );
    const text = 'http {\nserver {\n    listen 80;\n    server_name a.test;\n}\nserver {\n    listen 443 ssl;\n    server_name a.test;\n}\n}\n';
    const fixed = applyFix(text, ids(text, 'nginx/http-without-redirect')[0]!);
    assert.equal(fixed, text.replace('server_name a.test;\n}\nserver', 'server_name a.test;\n    return 308 https://$host$request_uri;\n}\nserver'));
    assert.deepEqual(ids(fixed, 'nginx/http-without-redirect'), []);
  });

  test('prefer_server_ciphers follows the profile', () => {
    const text = 'ssl_prefer_server_ciphers on;';
    const find = (profile?: string) => lint(text, 'nginx.conf', profile ? { profile } : undefined).filter((f) => f.ruleId === 'nginx/prefer-server-ciphers');
    assert.equal(find().length, 1);
    assert.equal(find('legacy').length, 0);
    assert.equal(applyFix(text, find()[0]!), 'ssl_prefer_server_ciphers off;');
    assert.equal(lint('ssl_prefer_server_ciphers off;', 'nginx.conf', { profile: 'legacy' }).filter((f) => f.ruleId === 'nginx/prefer-server-ciphers').length, 1);
  });
});

describe('no false positives on common real-world patterns', () => {
  const rule = (text: string, id: string, policy?: Record<string, string>) => lint(text, 'nginx.conf', policy).filter((f) => f.ruleId === id);

  test('Certbot\'s port-80 server and error-only servers redirect or serve nothing', () => {
    const certbot = 'http {\nserver {\n    if ($host = example.com) {\n        return 301 https://$host$request_uri;\n    }\n    listen 80;\n    server_name example.com;\n    return 404;\n}\nserver {\n    listen 443 ssl;\n    server_name example.com;\n}\n}\n';
    assert.deepEqual(rule(certbot, 'nginx/http-without-redirect'), []);
  });

  test('HSTS from a map variable, from headers-more, in location /, or on a return-only server', () => {
    const base = (inner: string) => `http {\nserver {\n    listen 443 ssl;\n${inner}\n}\n}\n`;
    assert.deepEqual(rule(base('    add_header Strict-Transport-Security $hsts always;'), 'nginx/missing-hsts'), []);
    assert.deepEqual(rule(base('    more_set_headers "Strict-Transport-Security: max-age=63072000";'), 'nginx/missing-hsts'), []);
    assert.deepEqual(rule(base('    location / {\n        add_header Strict-Transport-Security "max-age=63072000" always;\n    }'), 'nginx/missing-hsts'), []);
    assert.deepEqual(rule(base('    return 444;'), 'nginx/missing-hsts'), []);
  });

  test('adding HSTS to a server that inherits other headers goes to http, so nothing is dropped', () => {
    const text = 'http {\n    add_header X-Frame-Options DENY always;\n    server {\n        listen 443 ssl;\n    }\n}\n';
    const fixed = applyFix(text, rule(text, 'nginx/missing-hsts')[0]!);
    assert.equal(fixed, 'http {\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    add_header X-Frame-Options DENY always;\n    server {\n        listen 443 ssl;\n    }\n}\n');
    assert.deepEqual(rule(fixed, 'nginx/missing-hsts'), []);
    assert.deepEqual(rule(fixed, 'nginx/hsts-dropped'), []);
  });

  test('upstream verification: an explicit "off" is switched, not duplicated; if blocks get it in their location', () => {
    const text = 'http {\nserver {\n    location /a {\n        proxy_pass https://up;\n        proxy_ssl_verify off;\n    }\n    location /b {\n        if ($x) { proxy_pass https://up; }\n    }\n}\n}\n';
    const all = rule(text, 'nginx/upstream-unverified');
    assert.equal(all.length, 2);
    const a = applyFix(text, all[0]!);
    assert.equal((a.match(/proxy_ssl_verify/g) ?? []).length, 1, a);
    assert.match(a, /proxy_ssl_verify on;/);
    const b = applyFix(text, all[1]!);
    assert.match(b, /location \/b \{\n        proxy_ssl_verify on;\n        proxy_ssl_trusted_certificate [^\n]+\n        proxy_ssl_server_name on;\n        if/);
  });

  test('"ssl on" with nowhere to move gets no fix; PROFILE=SYSTEM is a note; PSK suites never count', () => {
    assert.deepEqual(rule('http {\n    ssl on;\n    server { listen 443; }\n}\n', 'nginx/obsolete-ssl-on').map((f) => f.fixes.length), [0]);
    assert.deepEqual(rule('ssl_ciphers PROFILE=SYSTEM;', 'nginx/weak-ciphers').map((f) => f.severity), ['info']);
    assert.deepEqual(rule('ssl_ciphers ECDHE+CHACHA20:CHACHA20;', 'nginx/weak-ciphers'), [], 'PSK-CHACHA20 suites need callbacks nginx never sets');
  });
});

describe('policy requirements and nginx\'s default ciphers', () => {
  const text = 'http {\nserver {\n    listen 80;\n    server_name a.test;\n}\nserver {\n    listen 443 ssl;\n    server_name a.test;\n    location / { proxy_pass http://app.internal:8080; }\n    location /local { proxy_pass http://127.0.0.1:9000; }\n}\n}\n';
  const ids = (policy?: PolicyInput) => lint(text, 'nginx.conf', policy).map((f) => f.ruleId);

  test('plaintext hops only when end-to-end encryption is required, never to loopback', () => {
    assert.ok(!ids().includes('nginx/plaintext-upstream'));
    const found = lint(text, 'nginx.conf', { require: { endToEndEncryption: true } }).filter((f) => f.ruleId === 'nginx/plaintext-upstream');
    assert.deepEqual(found.map((f) => f.range.start.line), [8]);
  });

  test('httpsRedirect: false turns off the redirect rule', () => {
    assert.ok(ids().includes('nginx/http-without-redirect'));
    assert.ok(!ids({ require: { httpsRedirect: false } }).includes('nginx/http-without-redirect'));
  });

  test('a TLS server on nginx\'s default cipher string gets a note with a fix; an explicit string does not', () => {
    const notes = lint(text, 'nginx.conf').filter((f) => f.ruleId === 'nginx/weak-ciphers');
    assert.equal(notes.length, 1);
    assert.equal(notes[0]!.severity, 'info');
    assert.match(notes[0]!.message, /nginx's default HIGH:!aNULL:!MD5 enables \d+ suites without forward secrecy or AEAD/);
    const fixed = applyFix(text, notes[0]!);
    assert.deepEqual(lint(fixed, 'nginx.conf').filter((f) => f.ruleId === 'nginx/weak-ciphers'), []);
  });
});

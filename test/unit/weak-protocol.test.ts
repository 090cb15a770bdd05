import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAnnotated } from '../support/annotations';
import { applyFix, expectAnnotated, lint } from '../support/lint';

describe('nginx/weak-protocol', () => {
  test('flags each weak protocol argument, SSL as errors and TLS 1.0/1.1 as warnings', () => {
    expectAnnotated(`
http {
    ssl_protocols SSLv2 SSLv3 TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
#                 ^^^^^ error nginx/weak-protocol: enables SSLv2, prohibited by RFC 6176
#                       ^^^^^ error nginx/weak-protocol: RFC 7568
#                             ^^^^^ warning nginx/weak-protocol: enables TLSv1, deprecated by RFC 8996
#                                   ^^^^^^^ warning nginx/weak-protocol: enables TLSv1.1
    server {
        listen 443 ssl;
        ssl_protocols TLSv1.2 TLSv1.3;
    }
}
`, 'nginx.conf', undefined, ['nginx/weak-protocol']);
  });

  test('finds the directive in server, mail and stream contexts and in upstream-facing variants', () => {
    expectAnnotated(`
stream {
    server { listen 5000 ssl; ssl_protocols TLSv1.1 TLSv1.2; }
#                                           ^^^^^^^ warning nginx/weak-protocol: ssl_protocols enables TLSv1.1
}
http {
    server {
        location / {
            proxy_ssl_protocols TLSv1 TLSv1.2;
#                               ^^^^^ warning nginx/weak-protocol: proxy_ssl_protocols enables TLSv1
            grpc_ssl_protocols "SSLv3";
#                              ^^^^^^^ error nginx/weak-protocol: grpc_ssl_protocols enables SSLv3
        }
    }
}
`, 'nginx.conf', undefined, ['nginx/weak-protocol']);
  });

  test('a good intermediate configuration has no findings', () => {
    expectAnnotated(`
server {
    listen 443 ssl;
    http2 on;
    ssl_certificate /etc/ssl/site.crt;
    ssl_certificate_key /etc/ssl/site.key;
    add_header Strict-Transport-Security "max-age=63072000" always;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256;
    # ssl_protocols TLSv1; (a comment is not configuration)
    add_header X-Note "ssl_protocols TLSv1";
}
`);
  });

  test('the profile decides: legacy allows TLS 1.0/1.1 but never SSL', () => {
    expectAnnotated(
      `
ssl_protocols SSLv3 TLSv1 TLSv1.1 TLSv1.2;
#             ^^^^^ error nginx/weak-protocol: the legacy profile allows TLSv1, TLSv1.1, TLSv1.2, TLSv1.3
`,
      'nginx.conf',
      { profile: 'legacy' },
    );
  });

  test('policy severity overrides win, and "off" silences the rule', () => {
    const src = 'ssl_protocols SSLv3 TLSv1;\n';
    assert.deepEqual(
      lint(src, 'nginx.conf', { rules: { 'nginx/weak-protocol': 'info' } }).map((f) => f.severity),
      ['info', 'info'],
    );
    assert.deepEqual(lint(src, 'nginx.conf', { rules: { 'nginx/weak-protocol': 'off' } }), []);
  });

  test('the quick fix removes the weak versions and keeps the rest', () => {
    const { text } = parseAnnotated('server {\n    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n}\n');
    const [first] = lint(text);
    assert.ok(first);
    assert.equal(first.fixes[0]?.title, 'Remove TLSv1, TLSv1.1 from ssl_protocols');
    const fixed = applyFix(text, first);
    assert.equal(fixed, 'server {\n    ssl_protocols TLSv1.2 TLSv1.3;\n}\n');
    assert.deepEqual(lint(fixed), []);
  });

  test('names are matched without regard to case, as nginx does', () => {
    expectAnnotated(`
ssl_protocols sslv3 tlsv1.1 TLSV1.2;
#             ^^^^^ error nginx/weak-protocol: enables sslv3
#                   ^^^^^^^ warning nginx/weak-protocol: enables tlsv1.1
`, 'nginx.conf', undefined, ['nginx/weak-protocol']);
    const text = 'ssl_protocols sslv3 tlsv1.1 TLSV1.2;';
    assert.equal(applyFix(text, lint(text)[0]!), 'ssl_protocols TLSV1.2 TLSv1.3;');
  });

  test('the fix removes only the weak words: comments, line breaks and order stay', () => {
    const cases: Array<[string, string]> = [
      ['ssl_protocols TLSv1.2 TLSv1.1;', 'ssl_protocols TLSv1.2 TLSv1.3;'],
      ['ssl_protocols TLSv1 TLSv1.2 TLSv1.1 TLSv1.3;', 'ssl_protocols TLSv1.2 TLSv1.3;'],
      ['ssl_protocols TLSv1 # legacy clients\n    TLSv1.2;', 'ssl_protocols # legacy clients\n    TLSv1.2 TLSv1.3;'],
      ['ssl_protocols TLSv1.2\n    TLSv1.1 # old\n    TLSv1.3;', 'ssl_protocols TLSv1.2\n     # old\n    TLSv1.3;'],
      ['ssl_protocols "TLSv1" \'TLSv1.3\';', "ssl_protocols 'TLSv1.3';"],
    ];
    for (const [before, after] of cases) {
      const found = lint(before);
      assert.ok(found.length > 0, before);
      assert.equal(applyFix(before, found[0]!), after, before);
      assert.deepEqual(lint(after), [], after);
      // Every finding of one directive carries the same fix.
      for (const f of found) assert.deepEqual(f.fixes, found[0]!.fixes);
    }
  });

  test('the fix keeps what the profile allows: TLSv1.3 is added unless the target nginx predates it', () => {
    const text = 'ssl_protocols TLSv1 TLSv1.1 TLSv1.2;';
    const [first] = lint(text);
    assert.equal(first?.fixes[0]?.title, 'Remove TLSv1, TLSv1.1 from ssl_protocols and add TLSv1.3');
    assert.equal(applyFix(text, first), 'ssl_protocols TLSv1.2 TLSv1.3;');
    const [old] = lint(text, 'site.nginx', { nginxVersion: '1.12.2' });
    assert.equal(applyFix(text, old!), 'ssl_protocols TLSv1.2;', 'nginx before 1.13.0 rejects TLSv1.3');
    const [legacy] = lint('ssl_protocols SSLv3 TLSv1 TLSv1.2;', 'site.nginx', { profile: 'legacy' });
    assert.equal(applyFix('ssl_protocols SSLv3 TLSv1 TLSv1.2;', legacy!), 'ssl_protocols TLSv1 TLSv1.2 TLSv1.3;', 'only versions above the newest kept are added');
    const [unknown] = lint('ssl_protocols TLSv1 $extra;');
    assert.equal(applyFix('ssl_protocols TLSv1 $extra;', unknown!), 'ssl_protocols $extra;', 'nothing is added next to a word that is no version');
  });

  test('when only weak versions are listed, the fix sets the profile\'s versions', () => {
    const text = 'ssl_protocols SSLv3 TLSv1;';
    const [first] = lint(text, 'site.nginx', { profile: 'modern' });
    assert.ok(first);
    assert.equal(applyFix(text, first), 'ssl_protocols TLSv1.3;');
  });

  test('runs only on nginx files: the same text in a YAML or text file is not nginx', () => {
    assert.deepEqual(lint('ssl_protocols TLSv1;\n', 'notes.txt'), []);
    assert.deepEqual(lint('ssl_protocols: TLSv1\n', 'values.yaml'), []);
    assert.equal(lint('ssl_protocols TLSv1;\n', 'sites-enabled/default').length, 1);
    assert.equal(lint('ssl_protocols TLSv1;\n', 'conf.d/tls.conf').length, 1);
    assert.equal(lint('ssl_protocols TLSv1;\n', 'untitled:Untitled-1', undefined, 'nginx').length, 1);
  });
});

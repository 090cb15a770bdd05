import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseGroupList } from '../../server/src/core/rules/nginx/ecdh-curve';
import { applyFix, expectAnnotated, lint } from '../support/lint';
import { findTool } from '../support/tools';

const ID = 'nginx/ecdh-curve';
const mine = (text: string, profile?: 'modern' | 'intermediate' | 'legacy') => lint(text, 'nginx.conf', profile ? { profile } : undefined).filter((f) => f.ruleId === ID);

describe('nginx/ecdh-curve', () => {
  test('post-quantum groups without "?", obsolete curves and groups outside the profile', () => {
    expectAnnotated(`
server {
    ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1:secp384r1;
#                  ^^^^^^^^^^^^^^ warning nginx/ecdh-curve: without "?"
}
server {
    ssl_ecdh_curve ?X25519MLKEM768:X25519:P-256:secp384r1;
}
server {
    ssl_ecdh_curve secp192r1:prime256v1:secp521r1;
#                  ^^^^^^^^^ warning nginx/ecdh-curve: deprecated for TLS (RFC 8422
#                                       ^^^^^^^^^ info nginx/ecdh-curve: not among the intermediate profile's groups
}
server {
    ssl_ecdh_curve "*X25519Kyber768Draft00/X25519:sect163k1";
#                   ^^^^^^^^^^^^^^^^^^^^^^ warning nginx/ecdh-curve: without "?"
#                   ^^^^^^^^^^^^^^^^^^^^^^ warning nginx/ecdh-curve: pre-standard draft
#                                                 ^^^^^^^^^ warning nginx/ecdh-curve: deprecated for TLS
}
server {
    ssl_ecdh_curve auto;
    ssl_ecdh_curve $curves;
}
location / {
    proxy_ssl_conf_command Groups SecP256r1MLKEM768:X448;
#                                 ^^^^^^^^^^^^^^^^^ warning nginx/ecdh-curve: SecP256r1MLKEM768 without "?"
}
ssl_conf_command Groups x25519:ffdhe2048;
#                              ^^^^^^^^^ info nginx/ecdh-curve: not among
ssl_conf_command Options PrioritizeChaCha;
`, 'nginx.conf', undefined, [ID]);
  });

  test('group names are matched without regard to case and through OpenSSL\'s aliases', () => {
    assert.deepEqual(mine('ssl_ecdh_curve x25519:P-256:secp256r1:P-384:PRIME256V1;'), []);
  });

  test('the accepted groups follow the profile', () => {
    // Every profile accepts the same four groups (Mozilla 6.0; 5.8 for legacy).
    for (const p of ['modern', 'intermediate', 'legacy'] as const) assert.deepEqual(mine('ssl_ecdh_curve X25519:prime256v1:secp384r1;', p), [], p);
    assert.equal(mine('ssl_ecdh_curve X448;', 'modern')[0]?.severity, 'info');
  });

  test('the fix adds "?" before every post-quantum group at once, and the result is clean', () => {
    const text = 'server {\n    ssl_ecdh_curve "*X25519MLKEM768/SecP384r1MLKEM1024:X25519:prime256v1";\n}\n';
    const found = mine(text).filter((f) => f.severity === 'warning');
    assert.equal(found.length, 2);
    const fixed = applyFix(text, found[0]!);
    assert.equal(fixed, 'server {\n    ssl_ecdh_curve "?*X25519MLKEM768/?SecP384r1MLKEM1024:X25519:prime256v1";\n}\n');
    assert.deepEqual(mine(fixed).filter((f) => f.severity !== 'info'), []);
  });

  test('no fix when the argument has escapes (offsets in the value are not offsets in the file)', () => {
    const found = mine('ssl_ecdh_curve "X25519MLKEM768:\\tx";').filter((f) => f.severity === 'warning');
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]!.fixes, []);
  });

  test('parseGroupList: prefixes, tuples, removals', () => {
    assert.deepEqual(parseGroupList('?*A/-B:C::'), [
      { name: 'A', optional: true, removal: false, at: 0 },
      { name: 'B', optional: false, removal: true, at: 4 },
      { name: 'C', optional: false, removal: false, at: 7 },
    ]);
  });
});

// The real nginx says what the rule claims: an unknown group in the list stops nginx from
// loading the configuration, with or without "?" on an OpenSSL older than 3.5.
const nginx = findTool('nginx');
const openssl = findTool('openssl');
test('nginx -t: a post-quantum group this OpenSSL lacks is fatal, and the rule reports it', { skip: nginx.skip ?? openssl.skip }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-ecdh-'));
  try {
    mkdirSync(path.join(dir, 'conf'));
    const key = path.join(dir, 'k.pem');
    const cert = path.join(dir, 'c.pem');
    const r = spawnSync(openssl.path!, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=t', '-keyout', key, '-out', cert], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const run = (list: string) => {
      const conf = `daemon off;\npid ${dir}/p;\nevents {}\nhttp {\n  access_log off;\n  client_body_temp_path ${dir};\n  proxy_temp_path ${dir};\n  fastcgi_temp_path ${dir};\n  uwsgi_temp_path ${dir};\n  scgi_temp_path ${dir};\n  server {\n    listen 127.0.0.1:18443 ssl;\n    ssl_certificate ${cert};\n    ssl_certificate_key ${key};\n    ssl_ecdh_curve ${list};\n  }\n}\n`;
      writeFileSync(path.join(dir, 'conf', 'nginx.conf'), conf);
      const x = spawnSync(nginx.path!, ['-t', '-p', dir + '/', '-c', 'conf/nginx.conf', '-e', path.join(dir, 'e.log')], { encoding: 'utf8' });
      return { ok: x.status === 0, stderr: x.stderr, findings: mine(conf) };
    };
    const plain = run('X25519MLKEM768:X25519');
    assert.equal(plain.findings.length, 1, 'reported whatever this OpenSSL is');
    const optional = run('?X25519MLKEM768:X25519');
    assert.deepEqual(optional.findings, []);
    if (!plain.ok) {
      // OpenSSL < 3.5: the group is unknown and nginx stops; "?" is not understood either.
      assert.match(plain.stderr, /SSL_CTX_set1_curves_list|group/);
      assert.equal(optional.ok, false, 'an OpenSSL without X25519MLKEM768 also lacks the "?" syntax (3.5)');
    } else {
      // OpenSSL ≥ 3.5 knows the group, and "?" is accepted as well.
      assert.equal(optional.ok, true, optional.stderr);
    }
    assert.equal(run('X25519:prime256v1').ok, true, 'the control list is accepted');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

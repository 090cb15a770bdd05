import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PolicyInput } from '../../server/src/core';
import { applyFix, expectAnnotated, lint } from '../support/lint';

const only = (text: string, id: string) => lint(text).filter((f) => f.ruleId === id);

describe('nginx/obsolete-ssl-on', () => {
  test('reports "ssl on" and "ssl off" anywhere', () => {
    expectAnnotated(`
server {
    listen 443;
    ssl on;
#   ^^^^^^^ warning nginx/obsolete-ssl-on: removed in 1.25.1
}
server {
    listen 80;
    ssl off;
#   ^^^^^^^^ warning nginx/obsolete-ssl-on: remove it
}
`, 'nginx.conf', undefined, ['nginx/obsolete-ssl-on', 'nginx/deprecated-listen-http2', 'nginx/early-data', 'nginx/verify-client-no-ca']);
  });

  test('the fix moves TLS to the listen directives and leaves no blank line', () => {
    const text = 'server {\n    listen 443 default_server;\n    listen [::]:443 ssl;\n    ssl on;\n    server_name a;\n}\n';
    const fixed = applyFix(text, only(text, 'nginx/obsolete-ssl-on')[0]!);
    assert.equal(fixed, 'server {\n    listen 443 ssl default_server;\n    listen [::]:443 ssl;\n    server_name a;\n}\n');
    assert.deepEqual(only(fixed, 'nginx/obsolete-ssl-on'), []);
  });
});

describe('nginx/deprecated-listen-http2', () => {
  const v = { nginxVersion: '1.25.1' };
  const mine = (text: string, policy?: PolicyInput) => lint(text, 'nginx.conf', policy).filter((f) => f.ruleId === 'nginx/deprecated-listen-http2');

  test('reports the parameter; fixes it to "http2 on" only when the target version is known', () => {
    expectAnnotated(`
server {
    listen 443 ssl http2;
#                  ^^^^^ info nginx/deprecated-listen-http2: use "http2 on;"
}
`, 'nginx.conf', v, ['nginx/deprecated-listen-http2']);
    const text = 'server {\n    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n}\n';
    assert.deepEqual(mine(text).map((f) => f.fixes.length), [0, 0], 'unknown version: no fix that older nginx would reject');
    const [first, second] = mine(text, v);
    assert.ok(first && second);
    // Applied together (fix all), the two fixes add one "http2 on;".
    const both = applyFix(applyFix(text, second), first);
    assert.equal(both, 'server {\n    listen 443 ssl;\n    http2 on;\n    listen [::]:443 ssl;\n}\n');
    const once = applyFix(text, first);
    assert.equal(once, 'server {\n    listen 443 ssl;\n    http2 on;\n    listen [::]:443 ssl http2;\n}\n');
    const twice = applyFix(once, mine(once, v)[0]!);
    assert.equal(twice, 'server {\n    listen 443 ssl;\n    http2 on;\n    listen [::]:443 ssl;\n}\n', 'no second "http2 on"');
    assert.deepEqual(mine(twice, v), []);
  });
});

describe('nginx/early-data and nginx/verify-client-no-ca', () => {
  test('report the risky values only', () => {
    expectAnnotated(`
server {
    ssl_early_data on;
#                  ^^ warning nginx/early-data: replayed
    ssl_verify_client optional_no_ca;
#                     ^^^^^^^^^^^^^^ warning nginx/verify-client-no-ca: any certificate is accepted
}
server {
    ssl_early_data off;
    ssl_verify_client optional;
}
`, 'nginx.conf', undefined, ['nginx/obsolete-ssl-on', 'nginx/deprecated-listen-http2', 'nginx/early-data', 'nginx/verify-client-no-ca']);
    const text = 'ssl_early_data on;';
    assert.equal(applyFix(text, lint(text)[0]!), 'ssl_early_data off;');
  });
});

test('version-dependent advice follows the policy\'s nginxVersion', () => {
  const text = 'server {\n    listen 443 ssl http2;\n    ssl on;\n}\n';
  const mine = new Set(['nginx/deprecated-listen-http2', 'nginx/obsolete-ssl-on']);
  const ids = (v?: string): string[] => lint(text, 'nginx.conf', v ? { nginxVersion: v } : undefined).map((f) => f.ruleId).filter((id) => mine.has(id)).sort();
  assert.deepEqual(ids(), ['nginx/deprecated-listen-http2', 'nginx/obsolete-ssl-on']);
  assert.deepEqual(ids('1.25.1'), ['nginx/deprecated-listen-http2', 'nginx/obsolete-ssl-on']);
  assert.deepEqual(ids('1.24.0'), ['nginx/obsolete-ssl-on']);
  assert.deepEqual(ids('1.14.2'), []);
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectAnnotated, lint } from '../support/lint';

describe('inline suppressions', () => {
  test('disable-next-line and disable-line silence the named rule on that line only', () => {
    expectAnnotated(`
server {
    # tls-lens-disable-next-line nginx/weak-protocol -- a payment terminal needs TLS 1.0 until March
    ssl_protocols TLSv1 TLSv1.2;
    ssl_protocols SSLv3 TLSv1.2;  # tls-lens-disable-line nginx/weak-protocol
    ssl_protocols TLSv1.1 TLSv1.2;
#                 ^^^^^^^ warning nginx/weak-protocol
}
`);
  });

  test('several ids, commas or spaces; an unused id and an unknown id are reported where they stand', () => {
    expectAnnotated(`
# tls-lens-disable-next-line nginx/syntax, nginx/weak-protocol nginx/nope -- testing
#                            ^^^^^^^^^^^^ warning core/unused-suppression: silences nothing on line 3
#                                                              ^^^^^^^^^^ warning core/unknown-suppression: unknown rule "nginx/nope"
ssl_protocols TLSv1;
# tls-lens-disable-line
^^^^^^^^^^^^^^^^^^^^^^^ warning core/unknown-suppression: names no rule
`);
  });

  test('a suppression for a rule the policy turns off is not reported as unused', () => {
    const text = '# tls-lens-disable-next-line nginx/weak-protocol\nssl_protocols TLSv1.2;\n';
    assert.deepEqual(lint(text).map((f) => f.ruleId), ['core/unused-suppression']);
    assert.deepEqual(lint(text, 'nginx.conf', { rules: { 'nginx/weak-protocol': 'off' } }), []);
  });

  test('works in YAML too, not in PEM or prose', () => {
    const yaml = '# tls-lens-disable-next-line pem/malformed\nca: |\n  -----BEGIN CERTIFICATE-----\n  !!\n  -----END CERTIFICATE-----\n';
    // The finding is on line 3 (the bad base64), not the next line: the suppression is unused.
    assert.deepEqual(lint(yaml, 'values.yaml').map((f) => f.ruleId).sort(), ['core/unused-suppression', 'pem/malformed']);
    assert.deepEqual(lint('# tls-lens-disable-next-line nginx/weak-protocol\n', 'notes.md'), []);
  });

  test('disable-file silences the named rules anywhere in the file, wherever the comment stands', () => {
    expectAnnotated(`
ssl_protocols TLSv1 TLSv1.2;
server {
    ssl_protocols TLSv1.1 TLSv1.2;
    ssl_early_data on;
#                  ^^ warning nginx/early-data
}
# tls-lens-disable-file nginx/weak-protocol -- legacy terminals, tracked in OPS-12
`, 'nginx.conf', undefined, ['nginx/weak-protocol', 'nginx/early-data', 'core/unused-suppression']);
  });

  test('an unused disable-file says so for the file; an unknown id gets a suggestion', () => {
    expectAnnotated(`
# tls-lens-disable-file nginx/early-data, nginx/weak-protocl
#                       ^^^^^^^^^^^^^^^^ warning core/unused-suppression: tls-lens-disable-file nginx/early-data silences nothing in this file
#                                         ^^^^^^^^^^^^^^^^^^ warning core/unknown-suppression: names an unknown rule "nginx/weak-protocl" (did you mean "nginx/weak-protocol"?)
ssl_protocols TLSv1.2;
`);
  });
});

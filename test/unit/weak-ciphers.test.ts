import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PROFILES } from '../../server/src/core';
import { applyFix, expectAnnotated, lint } from '../support/lint';

const only = (text: string, profile?: string) => lint(text, 'nginx.conf', profile ? { profile } : undefined).filter((f) => f.ruleId === 'nginx/weak-ciphers');

describe('nginx/weak-ciphers', () => {
  test('nginx\'s default string enables static-RSA and CBC suites; the profile\'s list is clean', () => {
    const msgs = only('ssl_ciphers HIGH:!aNULL:!MD5;').map((f) => `${f.severity}: ${f.message.split(':')[0]}`);
    assert.deepEqual(msgs, [
      'warning: ssl_ciphers enables suites with no forward secrecy (static key exchange)',
      'warning: ssl_ciphers enables suites with no AEAD (CBC mode with HMAC)',
    ]);
    assert.deepEqual(only(`ssl_ciphers ${PROFILES.intermediate.ciphers.openssl.join(':')};`), []);
  });

  test('broken classes are errors, each suite reported once in its worst class', () => {
    const f = only('ssl_ciphers ALL:eNULL;');
    assert.deepEqual(f.map((x) => [x.severity, /with ([^:]+):/.exec(x.message)?.[1]]), [
      ['error', 'no encryption (NULL)'],
      ['error', 'no authentication (anonymous)'],
      ['warning', 'no forward secrecy (static key exchange)'],
      ['warning', 'no AEAD (CBC mode with HMAC)'],
    ]);
    assert.match(f[1]!.message, /ADH-AES256-GCM-SHA384/);
    assert.doesNotMatch(f[1]!.message, /NULL-SHA/, 'NULL suites are only in the NULL finding');
  });

  test('words are located: legacy suites, unknown words, strings OpenSSL rejects', () => {
    expectAnnotated(`
ssl_ciphers "ECDHE-RSA-AES128-GCM-SHA256:DES-CBC3-SHA:!RC4:TLS_AES_128_GCM_SHA256";
#                                        ^^^^^^^^^^^^ warning nginx/weak-ciphers: asks for DES-CBC3-SHA
#                                                          ^^^^^^^^^^^^^^^^^^^^^^ info nginx/weak-ciphers
proxy_ssl_ciphers HIGH:@FOO;
#                      ^^^^ error nginx/weak-ciphers: nginx will not start
`);
  });

  test('the legacy profile accepts what Mozilla\'s "old" lists; the fix writes the profile\'s list', () => {
    const text = 'ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA;';
    assert.deepEqual(only(text).map((f) => /with ([^:]+):/.exec(f.message)?.[1]), ['no forward secrecy (static key exchange)'], 'intermediate: AES128-SHA, reported once');
    assert.deepEqual(only(text, 'legacy'), []);
    const fixed = applyFix(text, only(text)[0]!);
    assert.equal(fixed, `ssl_ciphers ${PROFILES.intermediate.ciphers.openssl.join(':')};`);
    assert.deepEqual(only(fixed), []);
    assert.deepEqual(only(text, 'modern')[0]?.fixes, [], 'modern has no TLS 1.2 list to offer');
  });
});

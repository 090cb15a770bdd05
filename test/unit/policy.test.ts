import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryHost, PolicyFileFinder, RULE_IDS, parsePolicyFile, resolvePolicy } from '../../server/src/core';
import { applyFix, expectAnnotated, lint } from '../support/lint';

describe('policy', () => {
  test('defaults: intermediate profile, no overrides, 2 MiB cap', () => {
    const p = resolvePolicy();
    assert.equal(p.profile.name, 'intermediate');
    assert.deepEqual(p.profile.protocols, ['TLSv1.2', 'TLSv1.3']);
    assert.deepEqual(p.rules, {});
    assert.equal(p.maxFileSizeBytes, 2048 * 1024);
  });

  test('later inputs win, invalid values are ignored', () => {
    const p = resolvePolicy(
      { profile: 'legacy', rules: { 'nginx/weak-protocol': 'error', 'x/y': 'bogus' }, maxFileSizeKb: 10 },
      { profile: 'modern', rules: { 'nginx/weak-protocol': 'off' } },
      { profile: 'nonsense', maxFileSizeKb: -1 },
    );
    assert.equal(p.profile.name, 'modern');
    assert.deepEqual(p.rules, { 'nginx/weak-protocol': 'off' });
    assert.equal(p.maxFileSizeBytes, 10 * 1024);
  });

  test('a policy file is parsed into an input', () => {
    const r = parsePolicyFile('extends: legacy\nrules:\n  nginx/weak-protocol: error\nignore:\n  - vendor/**\n', RULE_IDS);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.input, { profile: 'legacy', rules: { 'nginx/weak-protocol': 'error' }, ignore: ['vendor/**'] });
  });

  test('problems in a policy file are located diagnostics', () => {
    expectAnnotated(
      `extends: strict
#        ^^^^^^ error policy/invalid: unknown profile strict;
rules:
  nginx/weak-protocol: loud
#                      ^^^^ error policy/invalid: expected off, hint, info, warning or error
  nginx/no-such-rule: off
# ^^^^^^^^^^^^^^^^^^ error policy/invalid: unknown rule "nginx/no-such-rule"
colour: blue
^^^^^^ error policy/invalid: unknown key "colour"
`,
      'repo/.tls-lens.yaml',
    );
    expectAnnotated(
      `rules: [a, b
#          ^ error policy/invalid: Flow sequence in block collection must be sufficiently indented and end with a ]
`,
      '.tls-lens.yaml',
    );
  });

  test('typos get "did you mean" and a fix that writes the suggestion; "not used" is said once', () => {
    const text = 'extend: modren\nrules:\n  nginx/weak-protocl: warn\nthresholds:\n  hstsMinAge: 1\n';
    const found = lint(text, '.tls-lens.yaml');
    assert.deepEqual(
      found.map((f) => f.message),
      [
        'unknown key "extend"; did you mean "extends"? (while this file has errors, it is not used: files get the built-in defaults and editor settings)',
        'unknown rule "nginx/weak-protocl"; did you mean "nginx/weak-protocol"?',
        'unknown threshold "hstsMinAge"; did you mean "hstsMinAgeSeconds"?',
      ],
    );
    let fixed = text;
    for (const f of [...found].reverse()) fixed = applyFix(fixed, f);
    assert.equal(fixed, 'extends: modren\nrules:\n  nginx/weak-protocol: warn\nthresholds:\n  hstsMinAgeSeconds: 1\n');
    const second = lint(fixed, '.tls-lens.yaml');
    assert.deepEqual(second.map((f) => f.message.replace(/ \(while.*\)$/, '')), ['unknown profile modren; did you mean "modern"?', 'rule "nginx/weak-protocol": expected off, hint, info, warning or error; did you mean "warning"?']);
    for (const f of [...second].reverse()) fixed = applyFix(fixed, f);
    assert.deepEqual(lint(fixed, '.tls-lens.yaml'), []);
    assert.equal(parsePolicyFile('colour: blue\n', RULE_IDS).problems[0]!.message, 'unknown key "colour" (expected extends, nginxVersion, haproxyVersion, thresholds, require, rules, ignore, privateKeyAllowedPaths, pathMappings, nginx, keystorePasswords)', 'no guess when nothing is close');
  });

  test('an extends that is not a name says what it got', () => {
    const r = parsePolicyFile('extends: [1]\n', RULE_IDS);
    assert.deepEqual(r.problems.map((p) => p.message), ['unknown profile [1]; expected one of modern, intermediate, legacy']);
  });

  test('the nearest policy file above a file governs it, no higher than the stop folder', async () => {
    const host = new MemoryHost({
      '/repo/.tls-lens.yaml': 'extends: modern\n',
      '/repo/legacy/.tls-lens.yaml': 'extends: legacy\n',
      '/repo/legacy/sites-enabled/a': '',
      '/repo/app/nginx.conf': '',
      '/other/nginx.conf': '',
    });
    const finder = new PolicyFileFinder(host, RULE_IDS);
    assert.equal((await finder.forFile('/repo/legacy/sites-enabled/a'))?.input.profile, 'legacy');
    assert.equal((await finder.forFile('/repo/app/nginx.conf'))?.input.profile, 'modern');
    assert.equal(await finder.forFile('/repo/app/nginx.conf', '/repo/app'), undefined);
    assert.equal(await finder.forFile('/other/nginx.conf'), undefined);
    host.set('/other/.tls-lens.yaml', 'extends: legacy\n');
    assert.equal(await finder.forFile('/other/nginx.conf'), undefined, 'cached until cleared');
    finder.clear();
    assert.equal((await finder.forFile('/other/nginx.conf'))?.input.profile, 'legacy');
  });
});

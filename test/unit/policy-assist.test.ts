/** Completion and hover in .tls-lens.yaml from the policy schema (core/policy/assist.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALL_RULES, POLICY_KEYS } from '../../server/src/core';
import { policyCompletions, policyHover } from '../../server/src/core/policy/assist';
import { policySchema } from '../../server/src/core/policy/schema';

const schema = policySchema(ALL_RULES);

/** Completions where `|` stands in the text. */
function at(source: string): ReturnType<typeof policyCompletions> {
  const i = source.indexOf('|');
  const text = source.slice(0, i) + source.slice(i + 1);
  const lines = text.slice(0, i).split('\n');
  return policyCompletions(text, { line: lines.length - 1, character: lines[lines.length - 1]!.length }, schema);
}

describe('policy file completion', () => {
  test('top-level keys, leaving out those already written', () => {
    assert.deepEqual(at('|').map((c) => c.label).sort(), [...POLICY_KEYS].sort());
    const some = at('extends: modern\nru|\nignore:\n  - vendor/**\n');
    assert.ok(some.some((c) => c.label === 'rules' && c.insertText === 'rules:\n  $0' && c.snippet), JSON.stringify(some));
    assert.ok(!some.some((c) => c.label === 'extends' || c.label === 'ignore'));
    const ext = some.find((c) => c.label === 'rules')!;
    assert.deepEqual(ext.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 2 } }, 'replaces the word typed');
    assert.equal(at('thre|').find((c) => c.label === 'thresholds')?.documentation, 'Numeric limits the rules judge against.');
  });

  test('values: profiles, rule levels, booleans', () => {
    const profiles = at('extends: |');
    assert.deepEqual(profiles.map((c) => c.label), ['modern', 'intermediate', 'legacy']);
    assert.equal(profiles[1]!.detail, 'default');
    assert.match(profiles[0]!.documentation ?? '', /TLS 1\.3 only/);
    assert.deepEqual(at('rules:\n  nginx/weak-protocol: w|').map((c) => c.label), ['off', 'hint', 'info', 'warning', 'error']);
    assert.deepEqual(at('require:\n  meshStrict: |').map((c) => c.label), ['true', 'false']);
    assert.deepEqual(at('nginxVersion: |'), [], 'a version is typed, not picked');
  });

  test('rule ids under rules, each with its title; requirement and threshold keys in their sections', () => {
    const rules = at('extends: legacy\nrules:\n  nginx/weak-protocol: off\n  |');
    assert.equal(rules.length, ALL_RULES.length - 1, 'every rule but the one written');
    const hsts = rules.find((c) => c.label === 'nginx/missing-hsts');
    assert.equal(hsts?.insertText, 'nginx/missing-hsts: $0');
    assert.match(hsts?.detail ?? '', /\(default: warning\)\.$/);
    assert.deepEqual(at('require:\n  |').map((c) => c.label), ['endToEndEncryption', 'httpsRedirect', 'meshStrict', 'defaultCertificate']);
    assert.ok(at('thresholds:\n  hstsMinAgeSeconds: 1\n  cert|').every((c) => c.label.startsWith('certificate')));
  });

  test('nothing in comments, lists, flow or JSON policy files', () => {
    assert.deepEqual(at('# ext|'), []);
    assert.deepEqual(at('ignore:\n  - |'), []);
    assert.deepEqual(at('{"extends": |}'), []);
    assert.deepEqual(at('extends: modern\n  |'), [], 'nothing is nested under a scalar');
  });
});

describe('policy file hover', () => {
  const text = 'extends: modern  # strict\nrules:\n  nginx/weak-protocol: error\nrequire:\n  meshStrict: true\n';
  test('a key shows its description; a rule id its title and default', () => {
    const h = policyHover(text, { line: 0, character: 3 }, schema);
    assert.match(h?.markdown ?? '', /^\*\*extends\*\* \(modern \| intermediate \| legacy\)\n\nThe base profile/);
    assert.deepEqual(h?.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 7 } });
    const r = policyHover(text, { line: 2, character: 5 }, schema);
    assert.equal(r?.ruleId, 'nginx/weak-protocol');
    assert.match(r?.markdown ?? '', /ssl_protocols enables SSLv2, SSLv3, TLSv1 or TLSv1\.1 \(default: warning\)/);
    assert.match(policyHover(text, { line: 4, character: 4 }, schema)?.markdown ?? '', /mutual TLS only/);
  });

  test('an enum value shows what it means', () => {
    const v = policyHover(text, { line: 0, character: 11 }, schema);
    assert.match(v?.markdown ?? '', /^\*\*modern\*\*\n\nTLS 1\.3 only/);
    assert.equal(policyHover(text, { line: 0, character: 20 }, schema), undefined, 'not on the comment');
  });
});

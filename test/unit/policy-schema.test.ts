import Ajv from 'ajv';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { RULE_IDS, parsePolicyFile, resolvePolicy } from '../../server/src/core';
import { repoPath } from '../support/tools';

const schema = JSON.parse(readFileSync(repoPath('schemas', 'tls-lens-policy.schema.json'), 'utf8')) as object;
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

test('the published schema is generated from the rule registry and up to date', () => {
  const r = spawnSync(process.execPath, [repoPath('scripts', 'gen-policy-schema.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { contributes: Record<string, Array<{ fileMatch: string; url: string }>> };
  assert.deepEqual(pkg.contributes['yamlValidation'], [{ fileMatch: '.tls-lens.yaml', url: './schemas/tls-lens-policy.schema.json' }]);
  assert.deepEqual(pkg.contributes['jsonValidation'], [{ fileMatch: '.tls-lens.json', url: './schemas/tls-lens-policy.schema.json' }]);
});

const good = `extends: modern
nginxVersion: "1.24.0"
thresholds:
  hstsMinAgeSeconds: 31536000
  certificateExpiryWarningDays: 21
rules:
  nginx/weak-protocol: error
ignore:
  - vendor/**
`;

test('schema and parser agree on a valid policy', () => {
  assert.ok(validate(parse(good)), JSON.stringify(validate.errors));
  const r = parsePolicyFile(good, RULE_IDS);
  assert.deepEqual(r.problems, []);
  const p = resolvePolicy(r.input);
  assert.equal(p.profile.name, 'modern');
  assert.equal(p.nginxVersion, '1.24.0');
  assert.deepEqual(p.thresholds, {
    hstsMinAgeSeconds: 31536000,
    certificateExpiryWarningDays: 21,
    certificateExpiryErrorDays: 7,
    certificateExpiryWarningLifetimePercent: 33,
    certificateExpiryErrorLifetimePercent: 10,
    certificateMaxLifetimeDays: 90,
  });
});

test('schema and parser agree on what is invalid', () => {
  const bad = [
    'extends: strict\n',
    'nginxVersion: 1.20\n',
    'thresholds:\n  hstsMinAgeSeconds: -1\n',
    'thresholds:\n  colour: 1\n',
    'rules:\n  nginx/weak-protocol: loud\n',
    'rules:\n  nginx/nope: off\n',
    'ignore: vendor\n',
    'privateKeyAllowedPaths: keys\n',
    'pathMappings:\n  etc/nginx/: deploy\n',
    'colour: blue\n',
  ];
  for (const text of bad) {
    assert.equal(validate(parse(text)), false, `schema accepts ${JSON.stringify(text)}`);
    assert.ok(parsePolicyFile(text, RULE_IDS).problems.length > 0, `parser accepts ${JSON.stringify(text)}`);
  }
});

test('thresholds follow the profile unless set', () => {
  assert.equal(resolvePolicy().thresholds.hstsMinAgeSeconds, 63072000);
  assert.equal(resolvePolicy({ thresholds: { hstsMinAgeSeconds: 100 } }, { profile: 'legacy' }).thresholds.hstsMinAgeSeconds, 100);
});

test('requirements: defaults, parsing, and the rules they switch', () => {
  assert.deepEqual(resolvePolicy().require, { endToEndEncryption: false, httpsRedirect: true, meshStrict: false, defaultCertificate: false });
  const r = parsePolicyFile('require:\n  endToEndEncryption: true\n  httpsRedirect: false\n', RULE_IDS);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(resolvePolicy(r.input).require, { endToEndEncryption: true, httpsRedirect: false, meshStrict: false, defaultCertificate: false });
  assert.ok(validate(parse('require:\n  endToEndEncryption: true\n')));
  for (const bad of ['require:\n  endToEndEncryption: yes please\n', 'require:\n  colour: true\n', 'require: true\n']) {
    assert.equal(validate(parse(bad)), false, bad);
    assert.ok(parsePolicyFile(bad, RULE_IDS).problems.length > 0, bad);
  }
});

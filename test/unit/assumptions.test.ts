import assert from 'node:assert/strict';
import { test } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { withAssumptions, type Finding } from '../../server/src/core/findings';
import { toJsonReport } from '../../server/src/core/report/json';
import { toSarif } from '../../server/src/core/report/sarif';
import { loadSarifSchema } from '../support/sarifSchema';

const finding: Finding = {
  ruleId: 'nginx/default-protocols',
  severity: 'warning',
  message: withAssumptions('no ssl_protocols here or above', ['the stock Debian nginx.conf includes this file']),
  file: 'conf.d/site.conf',
  range: { start: { line: 1, character: 2 }, end: { line: 1, character: 8 } },
  fixes: [],
  related: [],
  assumptions: ['the stock Debian nginx.conf includes this file'],
};

test('assumptions are appended to the message, and a finding without any keeps its message', () => {
  assert.equal(finding.message, 'no ssl_protocols here or above (assumed: the stock Debian nginx.conf includes this file)');
  assert.equal(withAssumptions('plain', undefined), 'plain');
  assert.equal(withAssumptions('plain', []), 'plain');
  assert.equal(withAssumptions('two', ['a', 'b']), 'two (assumed: a; b)');
});

test('JSON and SARIF carry the assumptions as a list, and the SARIF log stays valid', () => {
  assert.deepEqual(toJsonReport([finding]).findings[0]!.assumptions, ['the stock Debian nginx.conf includes this file']);
  const log = toSarif([finding, { ...finding, assumptions: undefined }], { toolVersion: '0.0.0', rules: [] }) as { runs: Array<{ results: Array<{ properties?: { assumptions?: string[] } }> }> };
  assert.deepEqual(log.runs[0]!.results[0]!.properties, { assumptions: ['the stock Debian nginx.conf includes this file'] });
  assert.equal(log.runs[0]!.results[1]!.properties, undefined);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  assert.ok(ajv.compile(loadSarifSchema())(log));
});

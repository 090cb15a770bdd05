/**
 * Regular expressions from workspace files (nginx `server_name ~…`) are run against a probed
 * name only when they cannot backtrack for long: common nginx patterns pass, patterns with
 * nested or many quantifiers, repeated alternations, back-references or lookaround do not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverNameScore } from '../../server/src/core/probe/config/nginx';
import { regexIsSafe } from '../../server/src/core/probe/config/safeRegex';

const COMMON = [
  '^(?<user>.+)\\.example\\.net$', // the nginx docs' named capture
  '^(www\\.)?(.+)$', // the nginx docs' "www." stripping
  '^www\\.example\\.com$',
  '^(?:www|m)\\.example\\.org$',
  '^api\\d+\\.example\\.com$',
  '^[a-z0-9-]+\\.example\\.com$',
  '^(?:www\\.|m\\.)?example\\.com$',
  '^api-[0-9]{1,3}\\.test$',
  '^[a-z]+\\.(?:eu|us)\\.example\\.com$',
];

const DANGEROUS = [
  '^(a+)+$', // nested quantifiers
  '^((ab)*)*$',
  '^(a|aa)*b$', // repeated alternation
  '^(a|a){30}$',
  '^(a?){25}a{25}$',
  '^a*a*a*a*a*a*a*a*a*a*b$', // many quantifiers in a row
  '^a*a*a*b$',
  '^[a-z.-]*[a-z.-]*[a-z.-]*[a-z.-]*[a-z.-]*[a-z.-]*[a-z.-]*[a-z.-]*x$',
  '^(\\w)\\1\\.test$', // back-reference
  '^(?<c>a)\\k<c>$',
  '^(?=a)b', // lookaround
  '^(?!x).*$',
  'a'.repeat(301),
];

test('common nginx server_name expressions are run', () => {
  for (const p of COMMON) assert.ok(regexIsSafe(p), p);
  assert.equal(serverNameScore('~^(www\\.)?(.+)$', 'www.example.com')?.how, 'regex');
  assert.equal(serverNameScore('~^(?<user>.+)\\.example\\.net$', 'joe.example.net')?.how, 'regex');
});

test('expressions that could backtrack for long are refused, and never run', () => {
  for (const p of DANGEROUS) assert.equal(regexIsSafe(p), false, p);
  // Each of these, run, takes seconds to hours on such a name; refused, they return at once.
  const name = `${'a'.repeat(40)}!`;
  for (const p of DANGEROUS) assert.equal(serverNameScore(`~${p}`, name), undefined, p);
});

test('classes, escapes and inline flags are read as single atoms', () => {
  assert.ok(regexIsSafe('^[*+?{}()|]+\\.test$'), 'quantifier characters inside a class are literal');
  assert.ok(regexIsSafe('^\\*\\+\\?\\(a\\)\\.test$'), 'escaped quantifiers are literal');
  assert.ok(regexIsSafe('(?i)^[]a]+\\.test$'));
  assert.equal(regexIsSafe('^[a]*[b]*[c]*$'), false, 'three quantified classes');
});

test('names longer than DNS allows are not matched against expressions', () => {
  assert.equal(serverNameScore('~^a+$', 'a'.repeat(254)), undefined);
  assert.equal(serverNameScore('~^a+$', 'a'.repeat(253))?.how, 'regex');
});

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ALL_RULES, ruleDocPath } from '../../server/src/core';
import { repoPath } from '../support/tools';

test('every rule has a documentation page titled with its id, and every page documents a rule', () => {
  for (const r of ALL_RULES) {
    const text = readFileSync(repoPath(ruleDocPath(r.id)), 'utf8');
    assert.equal(text.split('\n')[0], `# ${r.id}`, r.id);
    assert.match(text, new RegExp(`\\*\\*Default severity:\\*\\* ${r.defaultSeverity}`), `${r.id}: default severity`);
  }
  const pages: string[] = [];
  for (const area of readdirSync(repoPath('docs', 'rules'))) {
    for (const f of readdirSync(repoPath('docs', 'rules', area))) pages.push(`${area}/${path.basename(f, '.md')}`);
  }
  assert.deepEqual(pages.sort(), ALL_RULES.map((r) => r.id).sort());
});

test('every rule id is area/name in lower-case kebab case', () => {
  for (const r of ALL_RULES) assert.match(r.id, /^[a-z]+\/[a-z0-9]+(-[a-z0-9]+)*$/);
});

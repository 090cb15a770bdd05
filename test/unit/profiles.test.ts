import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { PROFILES } from '../../server/src/core';
import { repoPath, toolsRequired } from '../support/tools';

const dataDir = repoPath('..', 'shared', 'data');
const haveData = existsSync(dataDir);
if (!haveData && toolsRequired) throw new Error(`${dataDir} is missing, and TLS_LENS_REQUIRE_TOOLS=1 requires the guidelines data`);

test('profiles carry Mozilla\'s values (6.0 modern/intermediate, 5.8 old as legacy)', () => {
  assert.deepEqual(PROFILES.modern.protocols, ['TLSv1.3']);
  assert.deepEqual(PROFILES.intermediate.protocols, ['TLSv1.2', 'TLSv1.3']);
  assert.deepEqual(PROFILES.legacy.protocols, ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
  assert.equal(PROFILES.intermediate.source, 'Mozilla Server Side TLS 6.0, intermediate');
  assert.equal(PROFILES.legacy.source, 'Mozilla Server Side TLS 5.8, old');
  assert.equal(PROFILES.intermediate.ciphers.openssl.length, 6);
  assert.ok(PROFILES.legacy.ciphers.openssl.includes('DES-CBC3-SHA'));
  assert.equal(PROFILES.intermediate.hstsMinAge, 63072000);
  assert.equal(PROFILES.modern.maximumCertificateLifespanDays, 90);
  assert.equal(PROFILES.legacy.serverPreferredOrder, true);
  assert.deepEqual(PROFILES.intermediate.groups, ['X25519MLKEM768', 'X25519', 'prime256v1', 'secp384r1']);
});

test('the generated profile table is up to date with the guidelines data', { skip: haveData ? false : `${dataDir} not present; skipped` }, () => {
  const r = spawnSync(process.execPath, [repoPath('scripts', 'gen-profiles.mjs'), dataDir, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
});

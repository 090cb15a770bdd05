/**
 * Why a client key file cannot be used (`--client-key`, `clientKeyFile`): bad base64, an
 * OpenSSH key (made by the real ssh-keygen), truncation, encryption, a certificate instead.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { clientKeyProblem } from '../../server/src/core/probe/clientKey';
import { findTool } from '../support/tools';

const sshKeygen = findTool('ssh-keygen', 'openssh-client');
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const sec1 = privateKey.export({ type: 'sec1', format: 'pem' }) as string;

test('PKCS#8 and SEC1 keys are fine', () => {
  assert.equal(clientKeyProblem(pkcs8), undefined);
  assert.equal(clientKeyProblem(sec1), undefined);
  assert.equal(clientKeyProblem(Buffer.from(pkcs8)), undefined);
});

test('an OpenSSH private key is named as such, with the conversion', { skip: sshKeygen.skip }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-sshkey-'));
  try {
    const file = path.join(dir, 'id_ed25519');
    const r = spawnSync(sshKeygen.path!, ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(clientKeyProblem(readFileSync(file)) ?? '', /^an OpenSSH private key \(BEGIN OPENSSH PRIVATE KEY at line 1\), which TLS cannot use; convert a copy to PKCS#8 with ssh-keygen -p -m PKCS8/);
    assert.match(clientKeyProblem(readFileSync(`${file}.pub`)) ?? '', /^an OpenSSH public key, not a private key/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad base64 says where', () => {
  const lines = pkcs8.split('\n');
  lines[2] = lines[2]!.slice(0, 10) + '*' + lines[2]!.slice(11);
  assert.match(clientKeyProblem(lines.join('\n')) ?? '', /^bad base64 in the "PRIVATE KEY" block at line 3 /);
});

test('truncated: no END line, a short base64 body, a DER shorter than it claims', () => {
  const noEnd = pkcs8.split('\n').filter((l) => !l.startsWith('-----END')).join('\n');
  assert.match(clientKeyProblem(noEnd) ?? '', /^truncated: the "PRIVATE KEY" block that begins at line 1 has no END line/);
  const lines = pkcs8.trimEnd().split('\n');
  const cut = [lines[0], lines[1]!.slice(0, 62), lines.at(-1)].join('\n');
  assert.match(clientKeyProblem(cut) ?? '', /^truncated: the base64 of the "PRIVATE KEY" block at line 1 stops mid-way/);
  const shorter = [lines[0], lines[1], lines.at(-1)].join('\n');
  assert.match(clientKeyProblem(shorter) ?? '', /^truncated: the key in the "PRIVATE KEY" block at line 1 is cut short \(its DER claims \d+ bytes but only \d+ remain\)/);
});

test('encrypted, a certificate instead, two keys, DER, PuTTY, nothing at all', () => {
  const enc = createPrivateKey(pkcs8).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;
  assert.match(clientKeyProblem(enc) ?? '', /^encrypted with a passphrase/);
  assert.match(clientKeyProblem('-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n') ?? '', /^no private key in it, only CERTIFICATE \(were --client-cert and --client-key swapped\?\)/);
  assert.match(clientKeyProblem(pkcs8 + sec1) ?? '', /^2 private keys in one file/);
  assert.match(clientKeyProblem(createPrivateKey(pkcs8).export({ type: 'pkcs8', format: 'der' })) ?? '', /^a binary \(DER\) key/);
  assert.match(clientKeyProblem('PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n') ?? '', /^a PuTTY key/);
  assert.match(clientKeyProblem('hello\n') ?? '', /^no PEM block found/);
  assert.doesNotMatch(JSON.stringify([clientKeyProblem(pkcs8.replace('A', '*'))]), /MI[GIJ]/, 'never quotes the key');
});

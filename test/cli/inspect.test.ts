import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DAY, makeCert } from '../support/certs';
import { repoPath } from '../support/tools';

const CLI = repoPath('dist', 'cli.js');
let dir: string;
let keyPem: string;

function run(args: string[], cwd = dir): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(rel: string, text: string): void {
  const p = path.join(dir, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
}

const now = Date.now();
const day = (n: number): Date => new Date(now + n * DAY);

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-inspect-'));
  const ca = await makeCert({ cn: 'Inspect CA', ca: true, key: 'p256', notBefore: day(-10), notAfter: day(3650) });
  const leaf = await makeCert({ cn: 'api.example.com', dns: ['api.example.com', 'www.example.com', 'example.com'], key: 'rsa2048', notBefore: day(-1), notAfter: new Date(now + 49 * DAY + 3 * 3600_000), issuer: { cert: ca.cert, keys: ca.keys } });
  const soon = await makeCert({ cn: 'soon.example.com', dns: ['soon.example.com'], notBefore: day(-60), notAfter: new Date(now + 10 * DAY + 3 * 3600_000) });
  const old = await makeCert({ cn: 'old.example.com', notBefore: day(-100), notAfter: new Date(now - 5 * DAY - 3 * 3600_000) });
  // A key made for this test only, in a temporary folder.
  keyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  write('tls/chain.pem', `${leaf.pem}\n${ca.pem}\n`);
  write('tls/server.key', keyPem);
  write('tls/soon.crt', soon.pem);
  write('old/old.crt', old.pem);
  write('docs/readme.md', 'No certificates here.\n');
  write('vendor/.gitignore', '*\n');
  write('vendor/ignored.crt', old.pem);
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('tls-lens inspect', () => {
  test('text: every certificate soonest expiry first, with the facts rows; keys by algorithm only; exit 0', () => {
    const r = run(['inspect']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const heads = r.stdout.split('\n').filter((l) => /^\S.*:\d+:\d+: /.test(l));
    assert.deepEqual(heads, [
      'old/old.crt:1:1: CERTIFICATE [expired (error)]',
      'tls/soon.crt:1:1: CERTIFICATE [expiring (warning)]',
      'tls/chain.pem:1:1: CERTIFICATE, 1 of 2 in the bundle [ok]',
      `tls/chain.pem:${ca().line}:1: CERTIFICATE, 2 of 2 in the bundle [ok]`,
      'tls/server.key:1:1: PRIVATE KEY [private key]',
    ]);
    const notAfter = new Date(now + 49 * DAY + 3 * 3600_000).toISOString().slice(0, 10);
    assert.ok(r.stdout.includes(`  CN=api.example.com · 3 SANs · expires ${notAfter} (49 d)\n`), r.stdout);
    assert.match(r.stdout, /\n {2}SANs +DNS:api\.example\.com, DNS:www\.example\.com, DNS:example\.com\n/);
    assert.match(r.stdout, /\n {2}Key +RSA 2048 bits\n/);
    assert.match(r.stdout, /\n {2}SHA-256 +([0-9A-F]{2}:){31}[0-9A-F]{2}\n/);
    assert.ok(r.stdout.includes('  RSA 2048 private key\n'));
    assert.match(r.stdout, /4 certificates \(1 expired, 1 expiring, 0 not yet valid, 0 unreadable\), 1 private key in 5 files scanned\.\n$/);
    const keyLine = keyPem.split('\n')[1]!;
    assert.ok(!r.stdout.includes(keyLine.slice(0, 24)), 'no key material in the output');
  });

  test('json: structured entries, paths relative to the cwd', () => {
    const r = run(['inspect', 'tls', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { version: number; filesScanned: number; entries: Array<Record<string, unknown>> };
    assert.equal(report.version, 1);
    assert.equal(report.filesScanned, 3);
    const first = report.entries[0]!;
    assert.equal(first.file, path.join('tls', 'soon.crt'));
    assert.equal(first.status, 'expiring');
    assert.equal(first.daysLeft, 10);
    const leaf = report.entries.find((e) => e.commonName === 'api.example.com')!;
    assert.deepEqual(leaf.chain, { index: 0, size: 2 });
    assert.equal((leaf.sans as string[]).length, 3);
    assert.equal(leaf.facts, undefined);
    const key = report.entries.find((e) => e.kind === 'key')!;
    assert.deepEqual([key.algorithm, key.title], ['RSA 2048', 'RSA 2048 private key']);
    assert.ok(!r.stdout.includes(keyPem.split('\n')[1]!.slice(0, 24)));
  });

  test('policy thresholds decide "expiring"', () => {
    // The leaf lives 50 days: by default a third of that is its warning share; the whole lifetime here.
    write('strict/.tls-lens.yaml', 'thresholds:\n  certificateExpiryWarningDays: 60\n  certificateExpiryWarningLifetimePercent: 100\n');
    write('strict/leaf.pem', readLeaf());
    const r = run(['inspect', 'strict', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const [e] = (JSON.parse(r.stdout) as { entries: Array<{ status: string; level: string }> }).entries;
    assert.deepEqual([e!.status, e!.level], ['expiring', 'warning']);
  });

  test('a broken policy file is reported and ignored', () => {
    write('broken/.tls-lens.yaml', 'thresholds:\n  certificateExpiryWarningDays: soon\n');
    write('broken/leaf.pem', readLeaf());
    const r = run(['inspect', 'broken', '--format', 'json']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^tls-lens: broken\/\.tls-lens\.yaml:2:\d+: .*\(this policy file is ignored; built-in defaults and flags apply\)\n$/);
    const [e] = (JSON.parse(r.stdout) as { entries: Array<{ status: string }> }).entries;
    assert.equal(e!.status, 'ok');
  });

  test('usage and I/O errors exit 2; readable paths are still listed', () => {
    const missing = run(['inspect', 'tls/soon.crt', 'nope.pem']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /tls-lens: nope\.pem: no such file or directory/);
    assert.match(missing.stdout, /CN=soon\.example\.com/);
    const bad = run(['inspect', '--format', 'sarif']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be text, json or openmetrics/);
    assert.match(run(['inspect', '--bogus']).stderr, /unknown option --bogus/);
    const help = run(['inspect', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: tls-lens inspect/);
    assert.match(run(['--help']).stdout, /tls-lens inspect/);
  });
});

/** The line (1-based) of the CA's BEGIN in tls/chain.pem. */
function ca(): { line: number } {
  const text = readFileSync(path.join(dir, 'tls', 'chain.pem'), 'utf8');
  const lines = text.split('\n');
  return { line: lines.findIndex((l, i) => i > 0 && l.startsWith('-----BEGIN')) + 1 };
}

function readLeaf(): string {
  const text = readFileSync(path.join(dir, 'tls', 'chain.pem'), 'utf8');
  return text.slice(0, text.indexOf('-----END CERTIFICATE-----') + 25) + '\n';
}

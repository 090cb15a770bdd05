/**
 * The scanner does not depend on the local TLS library: run in a child Node process where
 * `node:tls` cannot connect at all (as if the runtime's library could offer nothing, which
 * is close to BoringSSL in Electron for SSLv3, RC4, 3DES, export and DHE), it reports the
 * same weak suites as in this process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { scanEndpoint } from '../../server/src/core/probe/scan';
import { startFakeTls } from '../support/fakeTls';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-notls-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PRELOAD = `
const tls = require('node:tls');
const deny = () => { throw new Error('node:tls is not available in this runtime'); };
for (const k of ['connect', 'createSecureContext', 'createServer', 'checkServerIdentity']) tls[k] = deny;
tls.getCiphers = () => [];
tls.DEFAULT_MIN_VERSION = 'TLSv1.3';
`;

const MAIN = `
const tls = require('node:tls');
let blocked = false;
try { tls.connect({ port: 1 }); } catch { blocked = true; }
const { scanEndpoint } = require(process.argv[2]);
scanEndpoint({ host: '127.0.0.1', port: Number(process.argv[3]) }, { timeoutMs: 3000 })
  .then((r) => process.stdout.write(JSON.stringify({ blocked, ciphers: tls.getCiphers().length, versions: r.versions, dhBits: r.dhBits, chain: r.chainDer.length })))
  .catch((e) => { process.stdout.write(JSON.stringify({ blocked, error: e.message })); process.exitCode = 1; });
`;

function runChild(port: number): Promise<string> {
  const preload = path.join(dir, 'no-tls.cjs');
  const main = path.join(dir, 'scan.cjs');
  writeFileSync(preload, PRELOAD);
  writeFileSync(main, MAIN);
  const scanner = path.resolve(__dirname, '..', '..', 'server', 'src', 'core', 'probe', 'scan', 'index.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', preload, main, scanner, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`child exited ${code}: ${out} ${err}`));
    });
  });
}

test('with node:tls unusable, the scan still finds SSLv3, 3DES, RC4, export and DHE-1024 suites', async () => {
  const fake = await startFakeTls({ versions: [0x0300, 0x0301, 0x0303], suites: [0x000a, 0x0005, 0x0003, 0x0016], serverOrder: true, dhBits: 1024 });
  try {
    const here = await scanEndpoint({ host: '127.0.0.1', port: fake.port }, { timeoutMs: 3000 });
    const child = JSON.parse(await runChild(fake.port)) as { blocked: boolean; ciphers: number; versions: unknown; dhBits: number; chain: number };
    assert.equal(child.blocked, true, 'tls.connect throws in the child');
    assert.equal(child.ciphers, 0);
    assert.deepEqual(child.versions, JSON.parse(JSON.stringify(here.versions)));
    assert.equal(child.dhBits, 1024);
    assert.equal(child.chain, 1);
    const ssl3 = here.versions.find((v) => v.version === 'SSLv3');
    assert.deepEqual(ssl3?.suites, [0x000a, 0x0005, 0x0003, 0x0016]);
  } finally {
    await fake.close();
  }
});

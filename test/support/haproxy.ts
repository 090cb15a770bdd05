/**
 * HAProxy fixtures (test/fixtures/haproxy/*.cfg) written into a temporary folder with a test
 * PKI, and Debian's `haproxy -c -f` as the oracle.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort, makeTestPki, waitListening, type TestPki } from './nginxServer';
import { repoPath } from './tools';

export const FIXTURE_DIR = repoPath('test', 'fixtures', 'haproxy');

/** The fixture names (without `.cfg`). */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.cfg')).map((f) => f.slice(0, -4)).sort();
}

export interface HaproxyWorkspace {
  dir: string;
  pki: TestPki;
  /** A fixture's text with `@DIR@` (where the certificates are) filled in. */
  fixture(name: string): string;
  /** Writes a configuration into the folder; returns its path. */
  write(name: string, text: string): string;
}

/** A temporary folder with `site.pem` (leaf, intermediate, key) and `ca.pem` (the root); callers write more. */
export async function haproxyWorkspace(): Promise<HaproxyWorkspace> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-haproxy-'));
  mkdirSync(dir, { recursive: true });
  const pki = await makeTestPki();
  const leaf = await pki.leaf({ cn: 'www.example.test', dns: ['www.example.test', 'api.example.test'] });
  writeFileSync(path.join(dir, 'site.pem'), leaf.chainPem + leaf.keyPem);
  writeFileSync(path.join(dir, 'ca.pem'), pki.root.certPem);
  const fill = (t: string): string => t.replace(/@DIR@/g, dir);
  return {
    dir,
    pki,
    fixture: (name) => fill(readFileSync(path.join(FIXTURE_DIR, `${name}.cfg`), 'utf8')),
    write(name, text) {
      const p = path.join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
}

export interface CheckResult {
  /** `haproxy -c` found no error (exit 0, or 2: valid but nothing to listen on). */
  ok: boolean;
  status: number | null;
  output: string;
}

/** `haproxy -c -f file`, run in the file's folder. */
export function haproxyCheck(haproxy: string, file: string): CheckResult {
  const r = spawnSync(haproxy, ['-c', '-f', file], { cwd: path.dirname(file), encoding: 'utf8', timeout: 30_000 });
  const output = `${r.stdout}${r.stderr}`;
  const ok = r.status === 0 || (r.status === 2 && /has no error/.test(output));
  return { ok, status: r.status, output };
}

export interface HaproxyServer {
  port: number;
  /** The configuration it runs (`@PORT@` filled in). */
  config: string;
  file: string;
  /** Stops it (SIGTERM, then SIGKILL). Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts HAProxy in the foreground (`-db`) on 127.0.0.1 with `config` (`@PORT@` = a free port), in `dir`. */
export async function startHaproxy(haproxy: string, dir: string, config: string): Promise<HaproxyServer> {
  const port = await freePort();
  const text = config.replace(/@PORT@/g, String(port));
  const file = path.join(dir, 'running.cfg');
  writeFileSync(file, text);
  const child = spawn(haproxy, ['-db', '-f', file], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  };
  try {
    await waitListening('127.0.0.1', port, child, Date.now() + 10_000, 'haproxy');
  } catch (e) {
    await stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}: ${stderr}`);
  }
  return { port, config: text, file, stop };
}

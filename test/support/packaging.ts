/**
 * The package as a user gets it: the repository copied to a scratch folder (as a fresh clone
 * would hold it), `npm pack` run there for real (its prepack builds the production bundles and
 * their code caches), and the tarball installed with `npm install --global --prefix` offline,
 * from an empty npm cache, as on a clean machine. Nothing here touches the repository's own
 * dist/ (other test files run beside this one).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './tools';

/** What a clone holds that the copy leaves out: git-ignored build output and dependencies. */
const NOT_COPIED = new Set(['.git', 'node_modules', 'out', 'dist', 'test-results', '.vscode-test', '.cache', 'tls-lens.vsix']);

/** Copies the repository into `dir` (node_modules linked, not copied) and returns `dir`. */
export function stageRepository(dir: string): string {
  mkdirSync(dir, { recursive: true });
  cpSync(repoRoot, dir, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(repoRoot, src);
      const top = rel.split(path.sep)[0] ?? '';
      return !NOT_COPIED.has(top) && !/\.(vsix|tgz)$/.test(rel) && !rel.startsWith(path.join('bench', 'results'));
    },
  });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/**
 * The environment for npm and the installed commands: this process's without npm's own
 * variables (npm test sets dozens), with an npm cache of its own and no update check.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && !k.startsWith('TLS_LENS_')) env[k] = v;
  return { ...env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false', ...extra };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(file: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string }): Run {
  const r: SpawnSyncReturns<string> = spawnSync(file, args, {
    cwd: opts.cwd,
    env: opts.env ?? cleanEnv(),
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    input: opts.input,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface PackedFile {
  path: string;
  size: number;
}

/** `npm pack --json` in `stage` (running its prepack); the tarball lands in `dest`. */
export function npmPack(npm: string, stage: string, dest: string, cache: string): { tarball: string; files: PackedFile[] } {
  const r = run(npm, ['pack', '--json', '--pack-destination', dest], { cwd: stage, env: cleanEnv({ npm_config_cache: cache }), timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`npm pack exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
  const [info] = JSON.parse(r.stdout) as Array<{ filename: string; files: PackedFile[] }>;
  if (!info) throw new Error(`npm pack printed no package: ${r.stdout}`);
  return { tarball: path.join(dest, info.filename), files: info.files };
}

/** `npm install --global --prefix PREFIX TARBALL` with the network off and an empty cache. */
export function npmInstallGlobal(npm: string, tarball: string, prefix: string, cache: string): Run {
  return run(npm, ['install', '--global', '--prefix', prefix, '--offline', tarball], { cwd: path.dirname(tarball), env: cleanEnv({ npm_config_cache: cache }), timeoutMs: 300_000 });
}

/** A PATH with Node's own folder and the system's, and the given folders first: no node_modules/.bin of the repository. */
export function cleanPath(...first: string[]): string {
  return [...first, path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter);
}

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The repository root (compiled to out/test/support → ../../..). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Absolute path of a file in the repository. */
export function repoPath(...parts: string[]): string {
  return path.join(repoRoot, ...parts);
}

/** True when CI demands every system tool: a missing tool fails instead of skipping. */
export const toolsRequired = process.env.TLS_LENS_REQUIRE_TOOLS === '1';

/**
 * Finds a system tool on PATH. Returns its absolute path, or a skip reason
 * (a string for `test(..., { skip })`). With TLS_LENS_REQUIRE_TOOLS=1 a missing
 * tool throws, so the suite fails instead of skipping.
 */
export function findTool(name: string, debianPackage = name): { path?: string; skip?: string } {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const found = r.status === 0 ? r.stdout.trim() : '';
  if (found) return { path: found };
  const reason = `${name} is not installed (apt-get install ${debianPackage}); skipped`;
  if (toolsRequired) throw new Error(`${reason.replace('; skipped', '')}, and TLS_LENS_REQUIRE_TOOLS=1 requires it`);
  return { skip: reason };
}

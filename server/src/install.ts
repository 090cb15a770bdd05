import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Where the shipped files live, found by walking up from this module: the same code runs
 * from `dist/` (bundles), `server/out/` (tests) and an installed extension.
 */
function findUp(marker: string): string | undefined {
  let dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, marker))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

const root = findUp('package.json');

export const installRoot: string | undefined = root;

export function productVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(root ?? '.', 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Absolute path of a rule's documentation page, when shipped. */
export function ruleDocFile(ruleId: string): string | undefined {
  if (!root) return undefined;
  const f = path.join(root, 'docs', 'rules', `${ruleId}.md`);
  return existsSync(f) ? f : undefined;
}

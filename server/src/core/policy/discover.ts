import ignore, { type Ignore } from 'ignore';
import * as path from 'node:path';
import type { Host } from '../host';
import { POLICY_FILE_NAMES, parsePolicyFile, type PolicyFileProblem } from './policyFile';
import type { PolicyInput } from './policy';

export interface LoadedPolicyFile {
  path: string;
  input: PolicyInput;
  problems: PolicyFileProblem[];
}

/**
 * Finds the policy file that governs a file: the nearest `.tls-lens.yaml` (or `.tls-lens.json`) in its
 * directory or above, no higher than `stopAt` when given. Results are cached per
 * directory until `clear()`.
 */
export class PolicyFileFinder {
  private readonly byDir = new Map<string, Promise<LoadedPolicyFile | undefined>>();

  constructor(
    private readonly host: Host,
    private readonly knownRuleIds: ReadonlySet<string>,
  ) {}

  clear(): void {
    this.byDir.clear();
  }

  async load(file: string): Promise<LoadedPolicyFile> {
    try {
      const text = new TextDecoder().decode(await this.host.readFile(file));
      const parsed = parsePolicyFile(text, this.knownRuleIds);
      // pathMappings name workspace folders relative to the policy file.
      const mappings = parsed.input.pathMappings;
      if (mappings) {
        const dir = path.dirname(file);
        for (const [k, t] of Object.entries(mappings)) if (!/^([\\/]|[A-Za-z]:)/.test(t)) mappings[k] = `${dir}/${t}`;
      }
      return { path: file, ...parsed };
    } catch (e) {
      return {
        path: file,
        input: {},
        problems: [{ message: `cannot read policy file: ${e instanceof Error ? e.message : String(e)}`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }],
      };
    }
  }

  forFile(file: string, stopAt?: string): Promise<LoadedPolicyFile | undefined> {
    return this.forDir(path.dirname(file), stopAt);
  }

  private forDir(dir: string, stopAt: string | undefined): Promise<LoadedPolicyFile | undefined> {
    const key = `${dir}\u0000${stopAt ?? ''}`;
    let p = this.byDir.get(key);
    if (!p) {
      p = (async () => {
        for (const name of POLICY_FILE_NAMES) {
          const candidate = dir === '/' ? `/${name}` : `${dir}/${name}`;
          const st = await this.host.stat(candidate).catch(() => undefined);
          if (st?.isFile) return this.load(candidate);
        }
        const up = path.dirname(dir);
        if (up === dir || (stopAt !== undefined && dir === stopAt)) return undefined;
        return this.forDir(up, stopAt);
      })();
      this.byDir.set(key, p);
    }
    return p;
  }
}

const matchers = new WeakMap<LoadedPolicyFile, Ignore>();

/**
 * Whether the `ignore` patterns of a policy file exclude `file`. Patterns use gitignore
 * syntax, relative to the policy file's folder (as a `.gitignore`'s are to its own).
 */
export function ignoredByPolicyFile(file: string, policyFile: LoadedPolicyFile | undefined): boolean {
  const patterns = policyFile?.input.ignore;
  if (!policyFile || !patterns?.length || !path.isAbsolute(file)) return false;
  const rel = path.relative(path.dirname(policyFile.path), file);
  if (rel === '' || rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)) return false;
  let ig = matchers.get(policyFile);
  if (!ig) matchers.set(policyFile, (ig = ignore().add(patterns)));
  return ig.ignores(rel.split(path.sep).join('/'));
}

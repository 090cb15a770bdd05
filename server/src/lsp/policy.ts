import * as path from 'node:path';
import ignore from 'ignore';
import { PolicyFileFinder, RULE_IDS, resolvePolicy, type Host, type LoadedPolicyFile, type Policy } from '../core';
import type { TlsLensSettings } from '../shared/settings';

export interface ResolvedPolicy {
  policy: Policy;
  /** False when settings disable TLS Lens or the policy's `ignore` covers the file. */
  enabled: boolean;
  /** The policy file in force, if any (also when it has problems and defaults apply). */
  file?: LoadedPolicyFile;
}

/**
 * Resolves the policy for a file: defaults, then the editor settings, then the policy
 * file (the one `tlsLens.policyFile` names, else the nearest `.tls-lens.yaml`).
 */
export class PolicyResolver {
  private readonly finder: PolicyFileFinder;
  private readonly explicit = new Map<string, Promise<LoadedPolicyFile>>();

  constructor(host: Host, private readonly folders: () => readonly string[]) {
    this.finder = new PolicyFileFinder(host, RULE_IDS);
  }

  /** Forget cached policy files (one was edited, created or deleted). */
  invalidate(): void {
    this.finder.clear();
    this.explicit.clear();
  }

  folderOf(file: string): string | undefined {
    let best: string | undefined;
    for (const f of this.folders()) {
      const rel = path.relative(f, file);
      if (!rel.startsWith('..') && !path.isAbsolute(rel) && (!best || f.length > best.length)) best = f;
    }
    return best;
  }

  async resolve(file: string, settings: TlsLensSettings): Promise<ResolvedPolicy> {
    const folder = this.folderOf(file);
    let loaded: LoadedPolicyFile | undefined;
    if (settings.policyFile) {
      const p = path.resolve(folder ?? path.dirname(file), settings.policyFile);
      let pending = this.explicit.get(p);
      if (!pending) this.explicit.set(p, (pending = this.finder.load(p)));
      loaded = await pending;
    } else if (path.isAbsolute(file)) {
      loaded = await this.finder.forFile(file, folder);
    }
    const fromFile = loaded && loaded.problems.length === 0 ? loaded.input : undefined;
    const policy = resolvePolicy(
      { profile: settings.profile, rules: settings.rules, maxFileSizeKb: settings.maxFileSizeKb },
      fromFile,
    );
    let enabled = settings.enable;
    if (enabled && policy.ignore.length && folder) {
      const rel = path.relative(folder, file).split(path.sep).join('/');
      if (rel && ignore().add([...policy.ignore]).ignores(rel)) enabled = false;
    }
    return loaded ? { policy, enabled, file: loaded } : { policy, enabled };
  }
}

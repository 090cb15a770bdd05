import * as path from 'node:path';
import { PolicyFileFinder, RULE_IDS, ignoredByPolicyFile, resolvePolicy, type Host, type LoadedPolicyFile, type Policy } from '../core';
import type { TlsLensSettings } from '../shared/settings';

export interface ResolvedPolicy {
  policy: Policy;
  /** False when settings disable TLS Lens or the governing policy file's `ignore` covers the file. */
  enabled: boolean;
}

/**
 * Resolves the policy for a file: defaults, then the editor settings, then the policy
 * file (the one `tlsLens.policyFile` names, else the nearest `.tls-lens.yaml` in the
 * file's folder or above, no higher than its workspace folder).
 */
export class PolicyResolver {
  private readonly finder: PolicyFileFinder;

  constructor(
    host: Host,
    readonly folders: () => readonly string[],
    /** Told each folder a policy maps server paths to (pathMappings), which may then be read. */
    private readonly allow: (root: string) => void = () => undefined,
  ) {
    this.finder = new PolicyFileFinder(host, RULE_IDS);
  }

  /** Forget cached `.tls-lens.yaml` lookups (one was edited, created or deleted). */
  invalidate(): void {
    this.finder.clear();
  }

  folderOf(file: string): string | undefined {
    let best: string | undefined;
    for (const f of this.folders()) {
      const rel = path.relative(f, file);
      const inside = rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel);
      if (inside && (!best || f.length > best.length)) best = f;
    }
    return best;
  }

  /** The policy file `tlsLens.policyFile` names for this file, as an absolute path. */
  explicitPolicyFile(file: string, settings: TlsLensSettings): string | undefined {
    if (!settings.policyFile) return undefined;
    return path.resolve(this.folderOf(file) ?? path.dirname(file), settings.policyFile);
  }

  async resolve(file: string, settings: TlsLensSettings): Promise<ResolvedPolicy> {
    const explicit = this.explicitPolicyFile(file, settings);
    let loaded: LoadedPolicyFile | undefined;
    // A named policy file is read each time (it is small), so edits to it apply at once.
    if (explicit) loaded = await this.finder.load(explicit);
    else if (path.isAbsolute(file)) loaded = await this.finder.forFile(file, this.folderOf(file));
    const usable = loaded && loaded.problems.length === 0 ? loaded : undefined;
    const base = this.folderOf(file) ?? path.dirname(file);
    const pathMappings = Object.fromEntries(Object.entries(settings.pathMappings).map(([from, to]) => [from, path.resolve(base, to)]));
    const policy = resolvePolicy({ profile: settings.profile, rules: settings.rules, maxFileSizeKb: settings.maxFileSizeKb, pathMappings }, usable?.input);
    for (const to of Object.values(policy.pathMappings)) this.allow(to);
    return { policy, enabled: settings.enable && !ignoredByPolicyFile(file, usable) };
  }
}

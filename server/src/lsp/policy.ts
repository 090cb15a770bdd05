import * as path from 'node:path';
import { PolicyFileFinder, RULE_IDS, ignoredByPolicyFile, resolvePolicy, type Host, type LoadedPolicyFile, type Policy } from '../core';
import type { TlsLensSettings } from '../shared/settings';
import type { FileStatus, PolicyFileStatus, SettingOverride } from '../shared/status';
import { pathToUri } from './convert';

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

  /** The policy file governing `file`: the named one (read each time: it is small, so edits apply at once), else the nearest. */
  private async governing(file: string, settings: TlsLensSettings): Promise<LoadedPolicyFile | undefined> {
    const explicit = this.explicitPolicyFile(file, settings);
    if (explicit) return this.finder.load(explicit);
    if (path.isAbsolute(file)) return this.finder.forFile(file, this.folderOf(file));
    return undefined;
  }

  private combine(file: string, settings: TlsLensSettings, usable: LoadedPolicyFile | undefined): ResolvedPolicy {
    const base = this.folderOf(file) ?? path.dirname(file);
    const pathMappings = Object.fromEntries(Object.entries(settings.pathMappings).map(([from, to]) => [from, path.resolve(base, to)]));
    const policy = resolvePolicy({ profile: settings.profile, rules: settings.rules, maxFileSizeKb: settings.maxFileSizeKb, pathMappings }, usable?.input);
    for (const to of Object.values(policy.pathMappings)) this.allow(to);
    return { policy, enabled: settings.enable && !ignoredByPolicyFile(file, usable) };
  }

  async resolve(file: string, settings: TlsLensSettings): Promise<ResolvedPolicy> {
    const loaded = await this.governing(file, settings);
    return this.combine(file, settings, loaded && loaded.problems.length === 0 ? loaded : undefined);
  }

  /** What governs `file` and why (`tlsLens/status`): the profile and its source, the policy file, and the settings it overrides. */
  async status(file: string, settings: TlsLensSettings, format: string): Promise<FileStatus> {
    const loaded = await this.governing(file, settings);
    const usable = loaded && loaded.problems.length === 0 ? loaded : undefined;
    const { policy, enabled } = this.combine(file, settings, usable);
    const status: FileStatus = {
      enabled,
      format,
      profile: policy.profile.name,
      profileFrom: usable?.input.profile ? 'policy file' : 'settings',
      overrides: usable ? overrides(settings, usable) : [],
    };
    if (!enabled) status.disabledBy = settings.enable ? 'ignore' : 'setting';
    if (policy.nginxVersion) status.nginxVersion = policy.nginxVersion;
    if (loaded) status.policyFile = policyFileStatus(loaded, loaded.path === this.explicitPolicyFile(file, settings));
    return status;
  }

  /** One line for the output channel: which policy governs a workspace folder (names and counts only). */
  async describeFolder(folder: string, settings: TlsLensSettings): Promise<string> {
    const loaded = await this.governing(path.join(folder, '.tls-lens-folder'), settings);
    if (!loaded) return `policy for ${folder}: no policy file; the settings apply (profile ${settings.profile})`;
    const s = policyFileStatus(loaded, false);
    if (s.problems) return `policy for ${folder}: ${loaded.path} has ${s.problems} problem${s.problems === 1 ? '' : 's'} (first on line ${(s.firstProblem?.line ?? 0) + 1}): not used; the settings apply (profile ${settings.profile})`;
    const parts = [`profile ${s.profile ?? `${settings.profile} (from the settings)`}`];
    if (s.nginxVersion) parts.push(`nginx ${s.nginxVersion}`);
    if (s.rules) parts.push(`${s.rules} rule level${s.rules === 1 ? '' : 's'}`);
    if (loaded.input.ignore?.length) parts.push(`${loaded.input.ignore.length} ignore pattern${loaded.input.ignore.length === 1 ? '' : 's'}`);
    return `policy for ${folder}: ${loaded.path} (${parts.join(', ')})`;
  }
}

function policyFileStatus(loaded: LoadedPolicyFile, named: boolean): PolicyFileStatus {
  const s: PolicyFileStatus = { path: loaded.path, uri: pathToUri(loaded.path), named, problems: loaded.problems.length, rules: Object.keys(loaded.input.rules ?? {}).length };
  const first = loaded.problems[0];
  if (first) s.firstProblem = { message: first.message, line: first.range.start.line };
  if (loaded.input.profile) s.profile = loaded.input.profile;
  if (loaded.input.nginxVersion) s.nginxVersion = loaded.input.nginxVersion;
  return s;
}

/** Settings whose values the policy file replaces (it wins over the editor settings). */
function overrides(settings: TlsLensSettings, file: LoadedPolicyFile): SettingOverride[] {
  const out: SettingOverride[] = [];
  const input = file.input;
  if (input.profile && input.profile !== settings.profile) out.push({ setting: 'tlsLens.profile', settingValue: settings.profile, policyValue: `extends: ${input.profile}` });
  for (const [id, level] of Object.entries(settings.rules)) {
    const theirs = input.rules?.[id];
    if (theirs !== undefined && theirs !== level) out.push({ setting: `tlsLens.rules`, settingValue: `${id}: ${level}`, policyValue: `rules: ${id}: ${theirs}` });
  }
  for (const [from, to] of Object.entries(settings.pathMappings)) {
    const theirs = input.pathMappings?.[from];
    if (theirs !== undefined) out.push({ setting: 'tlsLens.pathMappings', settingValue: `${from} → ${to}`, policyValue: `pathMappings: ${from} → ${theirs}` });
  }
  return out;
}

import type { RuleLevel } from '../findings';
import { DEFAULT_PROFILE, PROFILES, isProfileName, type Profile } from './profiles';

/** The resolved policy a file is linted against. */
export interface Policy {
  profile: Profile;
  /** Per-rule overrides; a rule not named here runs at its default severity. */
  rules: Readonly<Record<string, RuleLevel>>;
  /** Files larger than this are skipped with one informational finding. */
  maxFileSizeBytes: number;
}

/**
 * Loose input from editor settings, a policy file or CLI flags; later sources win.
 * `ignore` is only meaningful relative to the policy file it came from: see
 * `ignoredByPolicyFile`.
 */
export interface PolicyInput {
  profile?: string;
  rules?: Record<string, string>;
  ignore?: string[];
  maxFileSizeKb?: number;
}

export const DEFAULT_MAX_FILE_SIZE_KB = 2048;

export const DEFAULT_POLICY: Policy = {
  profile: PROFILES[DEFAULT_PROFILE],
  rules: {},
  maxFileSizeBytes: DEFAULT_MAX_FILE_SIZE_KB * 1024,
};

const LEVELS: readonly string[] = ['off', 'hint', 'info', 'warning', 'error'];

export function isRuleLevel(s: unknown): s is RuleLevel {
  return typeof s === 'string' && LEVELS.includes(s);
}

/** Layers inputs over the defaults. Invalid values are ignored here; loaders report them. */
export function resolvePolicy(...inputs: Array<PolicyInput | undefined>): Policy {
  let profile = DEFAULT_POLICY.profile;
  const rules: Record<string, RuleLevel> = {};
  let maxFileSizeBytes = DEFAULT_POLICY.maxFileSizeBytes;
  for (const input of inputs) {
    if (!input) continue;
    if (isProfileName(input.profile)) profile = PROFILES[input.profile];
    for (const [id, level] of Object.entries(input.rules ?? {})) if (isRuleLevel(level)) rules[id] = level;
    if (typeof input.maxFileSizeKb === 'number' && input.maxFileSizeKb > 0) maxFileSizeBytes = Math.round(input.maxFileSizeKb * 1024);
  }
  return { profile, rules, maxFileSizeBytes };
}

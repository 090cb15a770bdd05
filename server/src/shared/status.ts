/**
 * `tlsLens/status`: what governs one file, for the editor's language status item (and any
 * client that wants to show it). Only names, counts and setting values: never file contents.
 */
export const StatusRequest = 'tlsLens/status';

export interface StatusParams {
  textDocument: { uri: string };
}

export interface PolicyFileStatus {
  path: string;
  uri: string;
  /** Named by `tlsLens.policyFile` (else the nearest `.tls-lens.yaml` above the file). */
  named: boolean;
  /** Problems in it; while there are any it is not used. */
  problems: number;
  /** The first problem, with its 0-based line. */
  firstProblem?: { message: string; line: number };
  /** What it sets, as written (`extends`, `nginxVersion`, the number of rule levels). */
  profile?: string;
  nginxVersion?: string;
  rules: number;
}

/** A setting whose value differs from what the policy file says (the policy file wins). */
export interface SettingOverride {
  /** `tlsLens.profile`, `tlsLens.rules.<id>`, `tlsLens.pathMappings./etc/nginx/`. */
  setting: string;
  settingValue: string;
  /** What the policy file says, e.g. `extends: intermediate`. */
  policyValue: string;
}

export interface FileStatus {
  /** False when TLS Lens does not look at the file. */
  enabled: boolean;
  /** Why not: `tlsLens.enable` is false, or the policy file's `ignore` covers the file. */
  disabledBy?: 'setting' | 'ignore';
  /** How the file is read: nginx, kubernetes, pem, policy, yaml, text. */
  format: string;
  /** The profile in effect. */
  profile: string;
  /** Where it comes from: the policy file, or the settings (their default included). */
  profileFrom: 'policy file' | 'settings';
  nginxVersion?: string;
  policyFile?: PolicyFileStatus;
  /** Settings the (usable) policy file overrides; the client keeps those a person set. */
  overrides: SettingOverride[];
}

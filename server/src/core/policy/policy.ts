import type { RuleLevel } from '../findings';
import { NGINX_BASES, type NginxBase } from '../formats/nginx/stock';
import { DEFAULT_PROFILE, PROFILES, isProfileName, type Profile } from './profiles';

/**
 * Versions of other products the policy may name (`haproxyVersion: "2.8"`); their defaults
 * depend on them. Each is `<product>Version`, a quoted dotted version; unknown when unset.
 */
export const VERSION_KEYS = ['haproxyVersion'] as const;
export type VersionKey = (typeof VERSION_KEYS)[number];

/** The resolved policy a file is linted against. */
export interface Policy extends Partial<Record<VersionKey, string>> {
  profile: Profile;
  /** Per-rule overrides; a rule not named here runs at its default severity. */
  rules: Readonly<Record<string, RuleLevel>>;
  /** Files larger than this are skipped with one informational finding. */
  maxFileSizeBytes: number;
  /** The nginx version the configuration targets ("1.24.0"); defaults depend on it. Unknown when unset. */
  nginxVersion?: string;
  thresholds: Thresholds;
  /** What the policy requires beyond the profile. */
  require: Requirements;
  /** Glob patterns of paths where a private key may be committed (`cert/private-key-committed`). */
  privateKeyAllowedPaths: readonly string[];
  /** Server path prefix → workspace folder (e.g. `/etc/nginx/` → `deploy/nginx/`), for files nginx names. */
  pathMappings: Readonly<Record<string, string>>;
  /**
   * The platform whose stock nginx.conf includes a lone site file (`nginx.base`): `debian`,
   * `official-image` or `none`; unset: chosen from the file's folder (stock.ts `baseFromLayout`).
   */
  nginxBase?: NginxBase;
  /** Passwords of keystores (PKCS#12, JKS) by glob pattern, in the order written: a literal or an environment variable. */
  keystorePasswords: readonly KeystorePasswordEntry[];
}

/** One `keystorePasswords` entry: files matching `pattern` open with `password`, or with the value of the environment variable `env`. */
export interface KeystorePasswordEntry {
  pattern: string;
  password?: string;
  env?: string;
}

export interface Requirements {
  /** Every hop re-encrypted: a plaintext hop to an upstream or backend is reported (default false). */
  endToEndEncryption: boolean;
  /** Plain HTTP must redirect to HTTPS where a name is also served over TLS (default true). */
  httpsRedirect: boolean;
  /** Service-mesh traffic must be mutual TLS only: permissive or unauthenticated modes are warnings (default false). */
  meshStrict: boolean;
  /** The ingress controller has a default certificate (ingress-nginx --default-ssl-certificate): a TLS entry without secretName uses it (default false). */
  defaultCertificate: boolean;
}

export const REQUIREMENT_KEYS = ['endToEndEncryption', 'httpsRedirect', 'meshStrict', 'defaultCertificate'] as const;

const DEFAULT_REQUIREMENTS: Requirements = { endToEndEncryption: false, httpsRedirect: true, meshStrict: false, defaultCertificate: false };

/** Numeric limits rules judge against; each defaults from the profile or a documented value. */
export interface Thresholds {
  /** Minimum HSTS max-age in seconds (default: the profile's, 63072000 = 2 years). */
  hstsMinAgeSeconds: number;
  /** A certificate expiring within this many days is a warning (default 30). */
  certificateExpiryWarningDays: number;
  /** … and within this many days an error (default 7). */
  certificateExpiryErrorDays: number;
  /** A short-lived certificate warns only once less than this share of its lifetime remains (default 33 %). */
  certificateExpiryWarningLifetimePercent: number;
  /** … and is an error once less than this share remains (default 10 %). */
  certificateExpiryErrorLifetimePercent: number;
  /** Longest lifetime accepted for certificates that are not publicly trusted (default: the profile's, 366 days for intermediate). */
  certificateMaxLifetimeDays: number;
}

export const THRESHOLD_KEYS = [
  'hstsMinAgeSeconds',
  'certificateExpiryWarningDays',
  'certificateExpiryErrorDays',
  'certificateExpiryWarningLifetimePercent',
  'certificateExpiryErrorLifetimePercent',
  'certificateMaxLifetimeDays',
] as const;

/** "1.24.0", "1.25": an nginx version as the policy names it. */
export const NGINX_VERSION = /^\d+\.\d+(\.\d+)?$/;

/** Rule ids that no longer exist, with what took their place (named in the problem a policy file or a suppression gets). */
export const RETIRED_RULE_IDS: Readonly<Record<string, string>> = {
  'ingress/secret-not-found': 'kube/not-in-workspace (one note per file for every reference the workspace cannot answer)',
  'istio/gateway-credential-not-found': 'kube/not-in-workspace (one note per file for every reference the workspace cannot answer)',
};

/** "unknown rule "x"", or what replaced a retired rule. */
export function unknownRuleMessage(id: string): string {
  const now = RETIRED_RULE_IDS[id];
  return now ? `rule "${id}" was retired: it is now part of ${now}` : `unknown rule "${id}"`;
}

/**
 * Loose input from editor settings, a policy file or CLI flags; later sources win.
 * `ignore` is only meaningful relative to the policy file it came from: see
 * `ignoredByPolicyFile`.
 */
export interface PolicyInput extends Partial<Record<VersionKey, string>> {
  profile?: string;
  rules?: Record<string, string>;
  ignore?: string[];
  maxFileSizeKb?: number;
  nginxVersion?: string;
  thresholds?: Partial<Record<keyof Thresholds, number>>;
  require?: Partial<Requirements>;
  privateKeyAllowedPaths?: string[];
  pathMappings?: Record<string, string>;
  keystorePasswords?: KeystorePasswordEntry[];
  nginxBase?: string;
}

/** Where private keys are expected in a repository: test data and examples. */
export const DEFAULT_PRIVATE_KEY_ALLOWED_PATHS: readonly string[] = ['**/test/**', '**/tests/**', '**/testdata/**', '**/fixtures/**', '**/examples/**'];

export const DEFAULT_MAX_FILE_SIZE_KB = 2048;

function defaultThresholds(profile: Profile): Thresholds {
  return {
    hstsMinAgeSeconds: profile.hstsMinAge,
    certificateExpiryWarningDays: 30,
    certificateExpiryErrorDays: 7,
    certificateExpiryWarningLifetimePercent: 33,
    certificateExpiryErrorLifetimePercent: 10,
    certificateMaxLifetimeDays: profile.maximumCertificateLifespanDays,
  };
}

export const DEFAULT_POLICY: Policy = {
  profile: PROFILES[DEFAULT_PROFILE],
  rules: {},
  maxFileSizeBytes: DEFAULT_MAX_FILE_SIZE_KB * 1024,
  thresholds: defaultThresholds(PROFILES[DEFAULT_PROFILE]),
  require: DEFAULT_REQUIREMENTS,
  privateKeyAllowedPaths: DEFAULT_PRIVATE_KEY_ALLOWED_PATHS,
  pathMappings: {},
  keystorePasswords: [],
};

/** What a policy may say about a rule, quietest first. */
export const RULE_LEVELS: readonly RuleLevel[] = ['off', 'hint', 'info', 'warning', 'error'];

export function isRuleLevel(s: unknown): s is RuleLevel {
  return typeof s === 'string' && (RULE_LEVELS as readonly string[]).includes(s);
}

/** Layers inputs over the defaults. Invalid values are ignored here; loaders report them. */
export function resolvePolicy(...inputs: Array<PolicyInput | undefined>): Policy {
  let profile = DEFAULT_POLICY.profile;
  const rules: Record<string, RuleLevel> = {};
  let maxFileSizeBytes = DEFAULT_POLICY.maxFileSizeBytes;
  let nginxVersion: string | undefined;
  const versions: Partial<Record<VersionKey, string>> = {};
  let nginxBase: NginxBase | undefined;
  const thresholds: Partial<Thresholds> = {};
  const require: Requirements = { ...DEFAULT_REQUIREMENTS };
  let privateKeyAllowedPaths = DEFAULT_PRIVATE_KEY_ALLOWED_PATHS;
  const pathMappings: Record<string, string> = {};
  let keystorePasswords: KeystorePasswordEntry[] = [];
  for (const input of inputs) {
    if (!input) continue;
    // A later input's entries come first: it wins where both name a file.
    if (Array.isArray(input.keystorePasswords)) keystorePasswords = [...input.keystorePasswords.filter((e) => typeof e?.pattern === 'string'), ...keystorePasswords];
    if (Array.isArray(input.privateKeyAllowedPaths)) privateKeyAllowedPaths = input.privateKeyAllowedPaths.filter((p) => typeof p === 'string');
    for (const [from, to] of Object.entries(input.pathMappings ?? {})) if (typeof to === 'string' && from) pathMappings[from] = to;
    if (isProfileName(input.profile)) profile = PROFILES[input.profile];
    for (const [id, level] of Object.entries(input.rules ?? {})) if (isRuleLevel(level)) rules[id] = level;
    if (typeof input.maxFileSizeKb === 'number' && input.maxFileSizeKb > 0) maxFileSizeBytes = Math.round(input.maxFileSizeKb * 1024);
    if (typeof input.nginxVersion === 'string' && NGINX_VERSION.test(input.nginxVersion)) nginxVersion = input.nginxVersion;
    for (const k of VERSION_KEYS) {
      const v = input[k];
      if (typeof v === 'string' && NGINX_VERSION.test(v)) versions[k] = v;
    }
    if (isNginxBase(input.nginxBase)) nginxBase = input.nginxBase;
    for (const k of THRESHOLD_KEYS) {
      const v = input.thresholds?.[k];
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) thresholds[k] = v;
    }
    for (const k of REQUIREMENT_KEYS) {
      const v = input.require?.[k];
      if (typeof v === 'boolean') require[k] = v;
    }
  }
  // Thresholds not set explicitly follow the final profile.
  const policy: Policy = { profile, rules, maxFileSizeBytes, thresholds: { ...defaultThresholds(profile), ...thresholds }, require, privateKeyAllowedPaths, pathMappings, keystorePasswords };
  if (nginxVersion) policy.nginxVersion = nginxVersion;
  Object.assign(policy, versions);
  if (nginxBase) policy.nginxBase = nginxBase;
  return policy;
}

export function isNginxBase(s: unknown): s is NginxBase {
  return typeof s === 'string' && (NGINX_BASES as readonly string[]).includes(s);
}

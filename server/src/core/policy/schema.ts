/**
 * The policy file's JSON schema (draft-07), built from the same registries the parser
 * checks against. `scripts/gen-policy-schema.mjs` writes it to
 * `schemas/tls-lens-policy.schema.json` (contributed to VS Code for other YAML and JSON
 * tools); the language server's completion and hover (`assist.ts`) read this object.
 */
import { NGINX_BASES } from '../formats/nginx/stock';
import type { RuleMeta } from '../rules/rule';
import { REQUIREMENT_KEYS, RULE_LEVELS, THRESHOLD_KEYS, VERSION_KEYS } from './policy';
import { POLICY_KEYS } from './policyFile';

export interface SchemaNode {
  description?: string;
  type?: 'object' | 'array' | 'string' | 'number' | 'boolean';
  enum?: string[];
  enumDescriptions?: string[];
  default?: unknown;
  pattern?: string;
  minimum?: number;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  propertyNames?: SchemaNode;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  required?: string[];
}

export interface PolicySchema extends SchemaNode {
  $schema: string;
  $id: string;
  title: string;
  properties: Record<string, SchemaNode>;
}

const LEVEL_DESCRIPTIONS = ['The rule does not run.', 'Shown faintly in the editor; not counted by --fail-on info.', 'A note.', 'A warning.', 'An error.'];

const THRESHOLD_DOCS: Record<(typeof THRESHOLD_KEYS)[number], string> = {
  hstsMinAgeSeconds: "Minimum HSTS max-age in seconds (default: the profile's, 63072000).",
  certificateExpiryWarningDays: 'A certificate expiring within this many days is a warning (default 30).',
  certificateExpiryErrorDays: 'A certificate expiring within this many days is an error (default 7).',
  certificateExpiryWarningLifetimePercent: 'A short-lived certificate warns only once less than this share of its lifetime remains (default 33).',
  certificateExpiryErrorLifetimePercent: 'A short-lived certificate is an error only once less than this share of its lifetime remains (default 10).',
  certificateMaxLifetimeDays: "Longest lifetime accepted for certificates that do not look publicly trusted (default: the profile's, 366 days for intermediate).",
};

const VERSION_DOCS: Record<(typeof VERSION_KEYS)[number], string> = {
  haproxyVersion: 'The HAProxy version the configuration targets; defaults such as the minimum TLS version of bind lines (TLSv1.2 since 2.2) and DH parameters depend on it. Quote it: "2.8".',
};

const REQUIREMENT_DOCS: Record<(typeof REQUIREMENT_KEYS)[number], string> = {
  endToEndEncryption: 'Every hop re-encrypted: a plaintext hop to an upstream or backend is reported (default false).',
  httpsRedirect: 'Plain HTTP must redirect to HTTPS where a name is also served over TLS (default true).',
  meshStrict: 'Service-mesh traffic must be mutual TLS only: permissive or unauthenticated modes are warnings (default false).',
  defaultCertificate: 'The ingress controller has a default certificate (ingress-nginx --default-ssl-certificate): a TLS entry without secretName uses it (default false).',
};

/** The schema for a rule registry: every rule id is a property of `rules` described by its title and default. */
export function policySchema(rules: readonly Pick<RuleMeta, 'id' | 'title' | 'defaultSeverity'>[]): PolicySchema {
  const ruleLevel = (r: Pick<RuleMeta, 'title' | 'defaultSeverity'>): SchemaNode => ({
    description: `${r.title} (default: ${r.defaultSeverity}).`,
    enum: [...RULE_LEVELS],
    enumDescriptions: LEVEL_DESCRIPTIONS,
  });
  const properties: Record<string, SchemaNode> = {
    extends: {
      description: 'The base profile: Mozilla Server Side TLS 6.0 modern or intermediate, or 5.8 old (legacy).',
      enum: ['modern', 'intermediate', 'legacy'],
      default: 'intermediate',
      enumDescriptions: [
        'TLS 1.3 only (Mozilla 6.0 modern).',
        'TLS 1.2 and 1.3 with forward-secret AEAD suites (Mozilla 6.0 intermediate). Recommended.',
        'TLS 1.0 to 1.3 for very old clients (Mozilla 5.8 old).',
      ],
    },
    nginxVersion: {
      description: 'The nginx version the configuration targets; defaults such as ssl_protocols depend on it. Quote it: "1.24.0".',
      type: 'string',
      pattern: '^\\d+\\.\\d+(\\.\\d+)?$',
    },
    ...Object.fromEntries(VERSION_KEYS.map((k): [string, SchemaNode] => [k, { description: VERSION_DOCS[k], type: 'string', pattern: '^\\d+\\.\\d+(\\.\\d+)?$' }])),
    thresholds: {
      description: 'Numeric limits the rules judge against.',
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(THRESHOLD_KEYS.map((k) => [k, { description: THRESHOLD_DOCS[k], type: 'number', minimum: 0 }])),
    },
    require: {
      description: 'What the policy requires beyond the profile.',
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(REQUIREMENT_KEYS.map((k) => [k, { description: REQUIREMENT_DOCS[k], type: 'boolean' }])),
    },
    rules: {
      description: 'Per-rule level. Rule ids are documented in docs/rules/.',
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries([...rules].sort((a, b) => (a.id < b.id ? -1 : 1)).map((r) => [r.id, ruleLevel(r)])),
    },
    privateKeyAllowedPaths: {
      description: 'Glob patterns (** and *) of paths where committed private keys are expected (cert/private-key-committed). Default: test, tests, testdata, fixtures and examples folders.',
      type: 'array',
      items: { type: 'string' },
    },
    pathMappings: {
      description: 'Server path prefixes mapped to workspace folders (relative to this file), for the includes and files nginx names: { "/etc/nginx/": "deploy/nginx/" }.',
      type: 'object',
      propertyNames: { pattern: '^/' },
      additionalProperties: { type: 'string' },
    },
    keystorePasswords: {
      description:
        'Passwords of keystores (PKCS#12 .p12/.pfx, JKS, JCEKS) by glob pattern, first match wins: a literal (only for passwords that are no secret, such as a trust store\'s "changeit") or { env: NAME } to read an environment variable. Without one, TLS_LENS_KEYSTORE_PASSWORD is used; JKS certificates are read without any. Passwords are never shown or logged.',
      type: 'object',
      additionalProperties: {
        oneOf: [
          { type: 'string', description: 'The password itself.' },
          { type: 'object', additionalProperties: false, required: ['env'], properties: { env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'The environment variable holding the password.' } } },
        ],
      },
    },
    nginx: {
      description: 'How nginx files are read when the workspace holds only part of the configuration.',
      type: 'object',
      additionalProperties: false,
      properties: {
        base: {
          description:
            "The platform whose stock nginx.conf includes a site file whose own nginx.conf is not in the workspace. Default: from the file's folder (sites-enabled/ or sites-available/ → debian; conf.d/ alone → official-image; else none).",
          enum: [...NGINX_BASES],
          enumDescriptions: [
            "Debian/Ubuntu's nginx package: its http block sets ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3 and ssl_prefer_server_ciphers on (Debian 12 nginx-common).",
            'The official nginx Docker image: its http block sets no TLS directive (nginx/pkg-oss debian/debian/nginx.conf).',
            'No stock file: the http block is assumed to set no TLS directive.',
          ],
        },
      },
    },
    ignore: {
      description: "gitignore-style patterns of files not to lint, relative to this file's folder.",
      type: 'array',
      items: { type: 'string' },
    },
  };
  const missing = POLICY_KEYS.filter((k) => !(k in properties));
  if (missing.length) throw new Error(`the policy schema lacks keys: ${missing.join(', ')}`);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'tls-lens-policy.schema.json',
    title: 'TLS Lens policy (.tls-lens.yaml)',
    description: "Which TLS policy TLS Lens judges files against. The nearest .tls-lens.yaml in a file's folder or above governs it.",
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

// Writes schemas/tls-lens-policy.schema.json (the policy file's JSON schema, contributed to
// VS Code for .tls-lens.yaml and .tls-lens.json) from the rule registry. Needs a build
// (`npx tsc -b`) first. `--check` exits 1 when the committed schema is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { ALL_RULES, NGINX_BASES, POLICY_KEYS, REQUIREMENT_KEYS, THRESHOLD_KEYS, VERSION_KEYS } = require(join(root, 'out/server/src/core/index.js'));
const out = join(root, 'schemas', 'tls-lens-policy.schema.json');

const thresholdDocs = {
  hstsMinAgeSeconds: "Minimum HSTS max-age in seconds (default: the profile's, 63072000).",
  certificateExpiryWarningDays: 'A certificate expiring within this many days is a warning (default 30).',
  certificateExpiryErrorDays: 'A certificate expiring within this many days is an error (default 7).',
  certificateExpiryWarningLifetimePercent: 'A short-lived certificate warns only once less than this share of its lifetime remains (default 33).',
  certificateExpiryErrorLifetimePercent: 'A short-lived certificate is an error only once less than this share of its lifetime remains (default 10).',
  certificateMaxLifetimeDays: "Longest lifetime accepted for certificates that do not look publicly trusted (default: the profile's, 366 days for intermediate).",
};
const requirementDocs = {
  endToEndEncryption: 'Every hop re-encrypted: a plaintext hop to an upstream or backend is reported (default false).',
  httpsRedirect: 'Plain HTTP must redirect to HTTPS where a name is also served over TLS (default true).',
  meshStrict: 'Service-mesh traffic must be mutual TLS only: permissive or unauthenticated modes are warnings (default false).',
  defaultCertificate: 'The ingress controller has a default certificate (ingress-nginx --default-ssl-certificate): a TLS entry without secretName uses it (default false).',
};
const versionDocs = {
  haproxyVersion: 'The HAProxy version the configuration targets; defaults such as the minimum TLS version of bind lines (TLSv1.2 since 2.2) and DH parameters depend on it. Quote it: "2.8".',
};
const properties = {
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
  ...Object.fromEntries(VERSION_KEYS.map((k) => [k, { description: versionDocs[k], type: 'string', pattern: '^\\d+\\.\\d+(\\.\\d+)?$' }])),
  thresholds: {
    description: 'Numeric limits the rules judge against.',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(THRESHOLD_KEYS.map((k) => [k, { description: thresholdDocs[k], type: 'number', minimum: 0 }])),
  },
  require: {
    description: 'What the policy requires beyond the profile.',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(REQUIREMENT_KEYS.map((k) => [k, { description: requirementDocs[k], type: 'boolean' }])),
  },
  rules: {
    description: 'Per-rule level. Rule ids are documented in docs/rules/.',
    type: 'object',
    propertyNames: { enum: ALL_RULES.map((r) => r.id).sort() },
    additionalProperties: { enum: ['off', 'hint', 'info', 'warning', 'error'] },
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
  nginx: {
    description: 'How nginx files are read when the workspace holds only part of the configuration.',
    type: 'object',
    additionalProperties: false,
    properties: {
      base: {
        description:
          "The platform whose stock nginx.conf includes a site file whose own nginx.conf is not in the workspace. Default: from the file's folder (sites-enabled/ or sites-available/ → debian; conf.d/ alone → official-image; else none).",
        enum: NGINX_BASES,
        enumDescriptions: [
          "Debian/Ubuntu's nginx package: its http block sets ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3 and ssl_prefer_server_ciphers on (Debian 12 nginx-common).",
          "The official nginx Docker image: its http block sets no TLS directive (nginx/pkg-oss debian/debian/nginx.conf).",
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
const undocumented = VERSION_KEYS.filter((k) => !versionDocs[k]);
if (undocumented.length) throw new Error(`versionDocs lacks ${undocumented.join(', ')}`);
const missing = POLICY_KEYS.filter((k) => !(k in properties));
if (missing.length) throw new Error(`schema lacks policy keys: ${missing.join(', ')}`);
const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'tls-lens-policy.schema.json',
  title: 'TLS Lens policy (.tls-lens.yaml)',
  description: "Which TLS policy TLS Lens judges files against. The nearest .tls-lens.yaml in a file's folder or above governs it.",
  type: 'object',
  additionalProperties: false,
  properties,
};
const text = JSON.stringify(schema, null, 2) + '\n';
if (process.argv.includes('--check')) {
  if (readFileSync(out, 'utf8') !== text) {
    console.error(`${out} is out of date: run npx tsc -b && node scripts/gen-policy-schema.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}

// Writes schemas/tls-lens-policy.schema.json (the policy file's JSON schema, contributed to
// VS Code for .tls-lens.yaml and .tls-lens.json) from the rule registry (core/policy/schema.ts). Needs a build
// (`npx tsc -b`) first. `--check` exits 1 when the committed schema is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { ALL_RULES } = require(join(root, 'out/server/src/core/index.js'));
const { policySchema } = require(join(root, 'out/server/src/core/policy/schema.js'));
const out = join(root, 'schemas', 'tls-lens-policy.schema.json');

// The language server's completion and hover use the same object (core/policy/schema.ts).
const schema = policySchema(ALL_RULES);
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

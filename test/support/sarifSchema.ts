import { readFileSync } from 'node:fs';
import * as vm from 'node:vm';
import { repoPath } from './tools';

/**
 * The official SARIF 2.1.0 JSON schema (OASIS, draft-07, $id …/sarif-schema-2.1.0.json).
 * No npm package ships it as a JSON file; @datadog/datadog-ci-plugin-sarif (pinned
 * devDependency) embeds it verbatim as an object literal in its bundle, so it is read
 * from there and checked to be what it claims.
 */
export function loadSarifSchema(): Record<string, unknown> {
  const bundle = readFileSync(repoPath('node_modules', '@datadog', 'datadog-ci-plugin-sarif', 'dist', 'bundle.js'), 'utf8');
  const marker = 'var sarif_schema_2_1_0_default = ';
  const start = bundle.indexOf(marker);
  if (start < 0) throw new Error('SARIF schema not found in @datadog/datadog-ci-plugin-sarif');
  let i = start + marker.length;
  let depth = 0;
  let quote: string | undefined;
  const from = i;
  for (; i < bundle.length; i++) {
    const c = bundle[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) break;
  }
  const literal = bundle.slice(from, i + 1);
  const schema = vm.runInNewContext(`(${literal})`, Object.create(null) as object, { timeout: 1000 }) as Record<string, unknown>;
  if (schema['$id'] !== 'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json') {
    throw new Error(`unexpected SARIF schema id ${String(schema['$id'])}`);
  }
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

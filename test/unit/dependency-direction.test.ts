// Dependencies point one way (formats → nothing above them; rules → formats; engine → rules;
// fronts → engine): no file under core/formats/ imports the rules, the engine, the workspace
// index, the certificate judgement or a front, not even for a type. The imports are read from
// the TypeScript sources (static `import`/`export … from` and `import()`), resolved against
// each file's folder.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { repoPath } from '../support/tools';

const SRC = repoPath('server', 'src');
const FORMATS = path.join(SRC, 'core', 'formats');

/** What core/formats/ may not reach, as paths relative to server/src (a folder ends in "/"). */
const ABOVE_FORMATS = ['core/rules/', 'core/engine', 'core/workspace/', 'core/certs/judge', 'lsp/', 'cli/', 'cli', 'server', 'host/', 'shared/'];

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The relative module specifiers a source file imports or re-exports. */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec?.startsWith('.')) out.push(spec);
  }
  return out;
}

/** The forbidden target a specifier from `file` reaches, if any. */
function forbidden(file: string, spec: string): string | undefined {
  const target = path.relative(SRC, path.resolve(path.dirname(file), spec)).split(path.sep).join('/');
  return ABOVE_FORMATS.find((f) => (f.endsWith('/') ? target.startsWith(f) || `${target}/` === f : target === f || target === `${f}/index`));
}

test('the import reader sees static, type-only, re-exported and dynamic imports', () => {
  const text = [
    "import type { A } from '../../rules/rule';",
    "import {\n  b,\n  type C,\n} from '../../workspace/index';",
    "export { d } from './d';",
    "const e = await import('../../engine');",
    "import 'node:fs';",
    "// from '../not/an/import' in a comment after a semicolon is skipped when it has no import keyword",
  ].join('\n');
  assert.deepEqual(importsOf(text), ['../../rules/rule', '../../workspace/index', './d', '../../engine']);
  const file = path.join(FORMATS, 'kube', 'x.ts');
  assert.equal(forbidden(file, '../../rules/rule'), 'core/rules/');
  assert.equal(forbidden(file, '../../workspace/index'), 'core/workspace/');
  assert.equal(forbidden(file, '../../engine'), 'core/engine');
  assert.equal(forbidden(file, '../../certs/judge'), 'core/certs/judge');
  assert.equal(forbidden(file, '../../../lsp/hover'), 'lsp/');
  assert.equal(forbidden(file, '../../certs/referenced'), undefined);
  assert.equal(forbidden(file, './node'), undefined);
});

test('no file under core/formats/ imports from the rules, the engine, the workspace index, the certificate judgement or a front', () => {
  const files = tsFiles(FORMATS);
  assert.ok(files.length > 20, `read ${files.length} files under ${FORMATS}`);
  const offences: string[] = [];
  for (const file of files) {
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const hit = forbidden(file, spec);
      if (hit) offences.push(`${path.relative(SRC, file)} imports '${spec}' (${hit})`);
    }
  }
  assert.deepEqual(offences, []);
});

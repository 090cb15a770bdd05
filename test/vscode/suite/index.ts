// The mocha entry point VS Code's extension host calls (extensionTestsPath): runs every
// *.test.js next to this file in the real editor. Used both by run-offline (code-server) and
// run-electron (@vscode/test-electron).
import * as fs from 'node:fs';
import * as path from 'node:path';

import type MochaType from 'mocha';

type MochaCtor = typeof MochaType;

export function run(): Promise<void> {
  return runSuiteIn(__dirname);
}

/** Runs every *.test.js in `dir` with mocha (also used by the untrusted-workspace suite). */
export function runSuiteIn(dir: string): Promise<void> {
  // mocha 11 is CommonJS, mocha 12 ESM-only with a default export: accept both.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, inside the extension host
  const m = require('mocha') as MochaCtor & { default?: MochaCtor };
  const Mocha = m.default ?? m;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const grep = process.env.TLS_LENS_VSCODE_GREP;
  if (grep) mocha.grep(grep);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(dir, f));
  return new Promise((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no *.test.js files in ${dir}: run \`npm run build\` first`));
      return;
    }
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} test${failures === 1 ? '' : 's'} failed`));
        else resolve();
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

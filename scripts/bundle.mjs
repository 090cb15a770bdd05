// Bundles the three shipped programs with esbuild. Type checking is `tsc -b`'s job.
// The CLI and the server are each a small launcher (`cli.js`, `server.js`) that runs its bundle
// (`cli.bundle.js`, `server.bundle.js`) with a V8 code cache; `scripts/code-cache.mjs` writes the
// caches for this Node by running both over examples/ (skip with --no-code-cache).
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainCodeCache } from './code-cache.mjs';

const production = process.argv.includes('--production');
const outIndex = process.argv.indexOf('--outdir');
const outdir = outIndex > 0 ? process.argv[outIndex + 1] : 'dist';
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  metafile: true,
};
const launcher = { ...common, sourcemap: false, banner: { js: '#!/usr/bin/env node' } };

/**
 * Node built-ins that cost milliseconds to load and that a start does not always use:
 * node:child_process (vscode-languageserver requires it at load, for Files.resolve…, which
 * TLS Lens never calls) and node:crypto (certificates only). Each import of one becomes an
 * object of getters that loads the module on first use; the names come from this Node.
 */
const LAZY_BUILTINS = ['child_process', 'crypto'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    b.onResolve({ filter }, (args) =>
      // The getters' own require is the real module.
      args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const names = Object.keys(createRequire(import.meta.url)(args.path));
      return {
        loader: 'js',
        contents: [
          `let m;`,
          `const load = () => (m ??= require(${JSON.stringify(`node:${args.path}`)}));`,
          `const lazy = {};`,
          `for (const k of ${JSON.stringify(names)}) Object.defineProperty(lazy, k, { enumerable: true, get: () => load()[k] });`,
          `module.exports = lazy;`,
        ].join('\n'),
      };
    });
  },
};

// Caches of an earlier build describe other code: V8 checks only the source length.
mkdirSync(outdir, { recursive: true });
for (const f of readdirSync(outdir)) if (f.endsWith('.cache') || f.endsWith('.tmp')) rmSync(join(outdir, f));

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: `${outdir}/extension.js`, external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: `${outdir}/server.bundle.js`, plugins: [lazyBuiltins] }),
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: `${outdir}/cli.bundle.js`, plugins: [lazyBuiltins] }),
  build({ ...launcher, entryPoints: ['server/src/launch/server.ts'], outfile: `${outdir}/server.js` }),
  build({ ...launcher, entryPoints: ['server/src/launch/cli.ts'], outfile: `${outdir}/cli.js` }),
]);
// esbuild escapes non-ASCII text except in regular expression literals (`/µs/`); escaped
// there too, a bundle is ASCII, which the launcher reads as Latin-1 (no UTF-8 decoding).
for (const f of ['cli.bundle.js', 'server.bundle.js']) {
  const file = join(outdir, f);
  const text = readFileSync(file, 'utf8');
  const ascii = text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) writeFileSync(file, ascii);
}
chmodSync(`${outdir}/cli.js`, 0o755);
chmodSync(`${outdir}/server.js`, 0o755);
if (!process.argv.includes('--no-code-cache')) await trainCodeCache(outdir);

// Bundles the three shipped programs with esbuild. Type checking is `tsc -b`'s job.
// The CLI and the server are each a small launcher (`cli.js`, `server.js`) that runs its bundle
// (`cli.bundle.js`, `server.bundle.js`) with a V8 code cache; `scripts/code-cache.mjs` writes the
// caches for this Node by running both over examples/ (skip with --no-code-cache).
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
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

// Caches of an earlier build describe other code: V8 checks only the source length.
mkdirSync(outdir, { recursive: true });
for (const f of readdirSync(outdir)) if (f.endsWith('.cache') || f.endsWith('.tmp')) rmSync(join(outdir, f));

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: `${outdir}/extension.js`, external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: `${outdir}/server.bundle.js` }),
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: `${outdir}/cli.bundle.js` }),
  build({ ...launcher, entryPoints: ['server/src/launch/server.ts'], outfile: `${outdir}/server.js` }),
  build({ ...launcher, entryPoints: ['server/src/launch/cli.ts'], outfile: `${outdir}/cli.js` }),
]);
chmodSync(`${outdir}/cli.js`, 0o755);
chmodSync(`${outdir}/server.js`, 0o755);
if (!process.argv.includes('--no-code-cache')) await trainCodeCache(outdir);

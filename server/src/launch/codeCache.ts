import { isAscii } from 'node:buffer';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

/**
 * Runs a bundle as a CommonJS module with a V8 code cache beside it, so a start does not
 * compile ~1 MB of JavaScript again (Node 20 has no `module.enableCompileCache`).
 *
 * The cache is `<bundle>.<key>.cache`; the key names the V8 version, the architecture and
 * the Node flags, since V8 rejects a cache made under others. The build writes one for the
 * Node that built it (`scripts/code-cache.mjs`); a run that finds none, or a rejected one,
 * writes its own when it ends (or after 10 s, for the server), if the folder is writable —
 * after the work, so the functions that work compiled are in it too. `TLS_LENS_CODE_CACHE=off`
 * turns reading and writing off; `=debug` says on stderr what happened.
 */
export function runBundle(bundle: string, mod: NodeJS.Module): void {
  const mode = process.env.TLS_LENS_CODE_CACHE ?? '';
  const cacheFile = `${bundle}.${cacheKey()}.cache`;
  // The build leaves bundles ASCII, so Latin-1 reads them without decoding UTF-8.
  const bytes = readFileSync(bundle);
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  let cachedData: Buffer | undefined;
  if (mode !== 'off') {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  // The wrapper Node's CommonJS loader uses, on the bundle's first line so line numbers stay.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  const state = cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'accepted';
  if (mode === 'debug') process.stderr.write(`tls-lens: code cache ${path.basename(cacheFile)}: ${state}\n`);
  if (mode !== 'off' && state !== 'accepted') {
    let written = false;
    const write = (): void => {
      if (written) return;
      written = true;
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
        if (mode === 'debug') process.stderr.write(`tls-lens: code cache ${path.basename(cacheFile)}: written\n`);
      } catch {
        // A read-only install: every start compiles, as without a cache.
        try {
          unlinkSync(tmp);
        } catch {
          /* nothing was written */
        }
      }
    };
    process.once('exit', write);
    setTimeout(write, 10_000).unref();
  }
  const fn = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: NodeJS.Module, f: string, d: string) => void;
  fn.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, path.dirname(bundle));
}

/** V8 version, architecture and Node flags, hashed (FNV-1a) into a short file-name part. */
function cacheKey(): string {
  let h = 0x811c9dc5;
  for (const ch of process.execArgv.join('\0')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${process.versions.v8.replace(/[^\w.-]/g, '_')}-${process.arch}-${h.toString(16)}`;
}

import ignore, { type Ignore } from 'ignore';
import type { Host } from '../host';

export interface WalkOptions {
  /** Extra gitignore-style patterns, relative to the walk root (e.g. the policy's `ignore`). */
  ignore?: readonly string[];
  /** Which files to yield; by default all. */
  accept?: (path: string) => boolean;
  /** Called for directories that could not be read; the walk goes on. */
  onError?: (path: string, message: string) => void;
  /** Stops the walk early (cancellation). */
  isCancelled?: () => boolean;
}

/** Always skipped: version-control metadata and installed dependencies. */
const ALWAYS_IGNORED = ['.git/', 'node_modules/', '.hg/', '.svn/'];

function join(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/**
 * Walks a directory tree through the host, depth first in name order, honouring
 * `.gitignore` files at every level (as git does, relative to where each file sits),
 * the always-ignored `.git/` and `node_modules/`, and extra patterns. Symbolic links to directories
 * are not followed, so a link cycle cannot hang the walk.
 */
export async function* walkFiles(host: Host, root: string, opts: WalkOptions = {}): AsyncGenerator<string> {
  const rootMatcher = ignore().add(ALWAYS_IGNORED).add([...(opts.ignore ?? [])]);
  type Level = { dir: string; rel: string; matchers: Array<{ base: string; ig: Ignore }> };
  const stack: Level[] = [{ dir: root, rel: '', matchers: [{ base: '', ig: rootMatcher }] }];
  while (stack.length) {
    if (opts.isCancelled?.()) return;
    const { dir, rel, matchers: inherited } = stack.pop()!;
    let entries;
    try {
      entries = await host.readDirectory(dir);
    } catch (e) {
      opts.onError?.(dir, e instanceof Error ? e.message : String(e));
      continue;
    }
    let matchers = inherited;
    if (entries.some((e) => e.name === '.gitignore' && e.type === 'file')) {
      try {
        const text = new TextDecoder().decode(await host.readFile(join(dir, '.gitignore')));
        matchers = [...inherited, { base: rel, ig: ignore().add(text) }];
      } catch {
        // An unreadable .gitignore ignores nothing.
      }
    }
    // As git decides: the deepest ignore file with a rule that matches (ignoring or,
    // with "!", re-including) wins.
    const ignored = (relPath: string, isDir: boolean): boolean => {
      for (let i = matchers.length - 1; i >= 0; i--) {
        const { base, ig } = matchers[i]!;
        const sub = base ? relPath.slice(base.length + 1) : relPath;
        const r = ig.test(isDir ? sub + '/' : sub);
        if (r.ignored) return true;
        if (r.unignored) return false;
      }
      return false;
    };
    const subdirs: Level[] = [];
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const full = join(dir, entry.name);
      let type = entry.type;
      if (type === 'symlink') {
        const st = await host.stat(full).catch(() => undefined);
        type = st?.isFile ? 'file' : 'other';
      }
      if (type === 'directory') {
        if (!ignored(relPath, true)) subdirs.push({ dir: full, rel: relPath, matchers });
      } else if (type === 'file') {
        if (!ignored(relPath, false) && (opts.accept?.(full) ?? true)) yield full;
      }
    }
    stack.push(...subdirs.reverse());
  }
}

import type { Host } from '../../host';
import type { LineIndex, Range } from '../../text';
import { MAX_NESTING, type NginxDirective, type ParseProblem } from './ast';
import { parseNginxCached } from './parseCache';
import { stockFile } from './stock';
import { normalizePath } from '../../text';

export { normalizePath };

/**
 * Include resolution: assembles the configuration nginx would read from an entry file,
 * splicing every `include` in place. Paths go through the injected `Host` only; nothing
 * here throws — every problem comes back located in the file it belongs to.
 *
 * To check a snippet in the context of its includer: `findIncluders(host, snippet)`, then
 * `effectiveConfig(includer.tree.directives)` (effective.ts), and keep what points into
 * `includer.includedAs` (every directive carries its `file`).
 */

export interface NginxLoadOptions {
  /**
   * The directory relative `include` paths are resolved against (nginx: the directory of
   * the main configuration file). Default: the directory holding the nearest `nginx.conf`
   * at or above the entry file, else the entry file's own directory.
   */
  prefix?: string;
  /** Contents of open editor buffers: they win over the disk. */
  text?: (path: string) => string | undefined;
  /** Most file inclusions read in all (the entry counts); default 1000. */
  maxFiles?: number;
  /** Most bytes read in all, counting a file once per inclusion; default 32 MiB. */
  maxBytes?: number;
  /** Deepest chain of nested includes; default 32. */
  maxDepth?: number;
  /**
   * Server path prefix → workspace folder (the policy's `pathMappings`, targets absolute):
   * an absolute include under a mapped prefix is read from the workspace folder.
   */
  pathMappings?: Readonly<Record<string, string>>;
  /**
   * For an absolute include outside the workspace that no mapping covers: the workspace
   * folder that most likely holds it (`trailingPathGuesser`), read with an assumption.
   */
  guessPath?: (path: string) => PathGuess | undefined;
}

/** An absolute server path read from a workspace folder because the trailing paths agree. */
export interface PathGuess {
  /** The server folder (`/config/nginx`). */
  from: string;
  /** The workspace folder read instead (`/work/swag/config/nginx`). */
  to: string;
}

export type NginxTreeProblemKind =
  | 'syntax'
  | 'read-error'
  | 'include-not-found'
  | 'include-cycle'
  | 'include-limit'
  | 'include-arguments';

export interface NginxTreeProblem {
  kind: NginxTreeProblemKind;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** The file the range is in. */
  file: string;
  range: Range;
}

export interface NginxSourceFile {
  path: string;
  text: string;
  lines: LineIndex;
  /** True when the text came from an open buffer rather than the disk. */
  fromBuffer: boolean;
  /** The file's own syntax problems (also in the tree's `problems`, once per file). */
  syntax: ParseProblem[];
}

/** One `include` directive and what it brought in. */
export interface NginxIncludeSite {
  /** The `include` directive (its `file` says where it is). */
  directive: NginxDirective;
  file: string;
  /** The argument as written. */
  pattern: string;
  /** The absolute, normalized path or pattern it resolved to. */
  resolved: string;
  glob: boolean;
  /** The files read for it, in the order nginx reads them (cycles and limits excluded). */
  files: string[];
  /** Enclosing blocks across files, outermost first (e.g. `http`, `server`). */
  ancestors: NginxDirective[];
  /** The enclosing block names, e.g. `['http', 'server']`; `[]` at the top level. */
  context: string[];
  /** The path lies outside what the host may read (outside the workspace): nothing was read for it. */
  outside?: boolean;
  /** Read from this workspace folder instead of the server path (`PathGuess`). */
  guessed?: PathGuess;
  /** A file nginx ships (stock.ts) that the workspace does not hold: known content, not "not found". */
  stock?: string;
}

export interface NginxTree {
  entry: string;
  /** The directory relative includes were resolved against. */
  prefix: string;
  /**
   * The assembled configuration. Every directive carries its `file`; an `include` stays in
   * place, immediately followed by the directives it brought in (each with `includedBy`).
   */
  directives: NginxDirective[];
  /** Every file read, the entry first, by normalized path. */
  files: Map<string, NginxSourceFile>;
  includes: NginxIncludeSite[];
  /** Syntax, read, include and limit problems, each located in its own file. */
  problems: NginxTreeProblem[];
}

const DEFAULT_MAX_FILES = 1000;
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 32;
/** Deepest nesting of blocks across files (the parser caps one file alike). */
export const MAX_BLOCK_DEPTH = MAX_NESTING;
const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

// ---------------------------------------------------------------------------------------
// Paths ("/" separated; a Windows drive letter is kept; backslashes become "/").

export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(p);
}

export function dirnameOf(p: string): string {
  const n = normalizePath(p);
  const i = n.lastIndexOf('/');
  if (i < 0) return '.';
  const d = i === 0 ? '/' : n.slice(0, i);
  return /^[A-Za-z]:$/.test(d) ? d + '/' : d;
}

function basenameOf(p: string): string {
  const n = normalizePath(p);
  return n.slice(n.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, rel: string): string {
  return isAbsolutePath(rel) ? normalizePath(rel) : normalizePath(`${dir}/${rel}`);
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------
// Globs, as glob(3) with nginx's flags: `*`, `?`, `[...]` in any segment; a leading dot is
// matched only by a literal dot; results sorted by name; no match is not an error.

/** nginx treats an include argument as a glob when it contains one of `*?[`. */
export function hasGlobChars(s: string): boolean {
  return /[*?[]/.test(s);
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~',
};

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? '\\' + c : c;
}

/** Compiles one path segment of a glob to an anchored regular expression. */
export function globSegmentToRegExp(seg: string): RegExp {
  let re = '';
  let i = 0;
  while (i < seg.length) {
    const c = seg[i]!;
    if (c === '\\' && i + 1 < seg.length) {
      re += escapeRegex(seg[i + 1]!);
      i += 2;
      continue;
    }
    if (c === '*') {
      re += '.*';
      i++;
      continue;
    }
    if (c === '?') {
      re += '.';
      i++;
      continue;
    }
    if (c === '[') {
      const cls = parseBracket(seg, i);
      if (cls) {
        re += cls.re;
        i = cls.end;
        continue;
      }
    }
    re += escapeRegex(c);
    i++;
  }
  try {
    return new RegExp(`^${re}$`, 's');
  } catch {
    return /^(?!)$/;
  }
}

function parseBracket(seg: string, open: number): { re: string; end: number } | undefined {
  let i = open + 1;
  let negate = false;
  if (seg[i] === '!' || seg[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  while (i < seg.length) {
    const c = seg[i]!;
    if (c === ']' && !first) return { re: `[${negate ? '^' : ''}${body}]`, end: i + 1 };
    first = false;
    if (c === '[' && seg[i + 1] === ':') {
      const close = seg.indexOf(':]', i + 2);
      const name = close > 0 ? seg.slice(i + 2, close) : '';
      const cls = POSIX_CLASSES[name];
      if (cls !== undefined) {
        body += cls;
        i = close + 2;
        continue;
      }
    }
    let ch = c;
    if (c === '\\' && i + 1 < seg.length) ch = seg[++i]!;
    if (seg[i + 1] === '-' && i + 2 < seg.length && seg[i + 2] !== ']') {
      let hi = seg[i + 2]!;
      let step = 3;
      if (hi === '\\' && i + 3 < seg.length) {
        hi = seg[i + 3]!;
        step = 4;
      }
      if (ch <= hi) body += `${escapeClass(ch)}-${escapeClass(hi)}`;
      i += step;
      continue;
    }
    body += escapeClass(ch);
    i++;
  }
  return undefined; // no closing "]": the "[" is literal
}

function escapeClass(c: string): string {
  return /[\\\]^[-]/.test(c) ? '\\' + c : c;
}

async function entryKind(host: Host, path: string, type: string): Promise<'file' | 'directory' | undefined> {
  if (type === 'file' || type === 'directory') return type;
  if (type !== 'symlink') return undefined;
  try {
    const s = await host.stat(path);
    return s?.isFile ? 'file' : s?.isDirectory ? 'directory' : undefined;
  } catch {
    return undefined;
  }
}

/** The files an absolute glob pattern matches, sorted by path as glob(3) sorts them. */
export async function expandGlob(host: Host, pattern: string): Promise<string[]> {
  const norm = normalizePath(pattern);
  const m = /^([A-Za-z]:)?\//.exec(norm);
  const root = m ? m[0] : '';
  const segments = norm.slice(root.length).split('/');
  let bases = [root === '' ? '.' : root];
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s]!;
    const last = s === segments.length - 1;
    const next: string[] = [];
    if (!hasGlobChars(seg)) {
      const lit = seg.replace(/\\(.)/g, '$1');
      for (const b of bases) next.push(joinPath(b, lit));
      if (last) {
        const files: string[] = [];
        for (const p of next) if ((await entryKind(host, p, 'symlink')) === 'file') files.push(p);
        return files.sort(compareBytes);
      }
      bases = next;
      continue;
    }
    const re = globSegmentToRegExp(seg);
    const literalDot = seg.startsWith('.') || seg.startsWith('\\.');
    for (const b of bases) {
      let entries;
      try {
        entries = await host.readDirectory(b);
      } catch {
        continue;
      }
      for (const e of entries) {
        if (e.name.startsWith('.') && !literalDot) continue;
        if (!re.test(e.name)) continue;
        const p = joinPath(b, e.name);
        const kind = await entryKind(host, p, e.type);
        if (last ? kind === 'file' : kind === 'directory') next.push(p);
      }
    }
    bases = next;
    if (bases.length === 0) return [];
  }
  return bases.sort(compareBytes);
}

/** The part of a path before its first glob segment (the folder a glob reads). */
function literalPrefix(p: string): string {
  if (!hasGlobChars(p)) return p;
  const segs = normalizePath(p).split('/');
  const i = segs.findIndex((s) => hasGlobChars(s));
  return segs.slice(0, i).join('/') || '/';
}

/**
 * An absolute server path through `pathMappings` (longest prefix wins; targets absolute, or
 * relative to `base`); undefined when no mapping covers it.
 */
export function applyPathMappings(written: string, mappings: Readonly<Record<string, string>>, base = '/'): string | undefined {
  const norm = normalizePath(written);
  let best: string | undefined;
  for (const from of Object.keys(mappings)) {
    const f = normalizePath(from);
    if ((norm === f || norm.startsWith(f.endsWith('/') ? f : f + '/')) && (!best || f.length > normalizePath(best).length)) best = from;
  }
  if (best === undefined) return undefined;
  const to = mappings[best]!;
  const rest = norm.slice(normalizePath(best).length).replace(/^\/+/, '');
  const target = isAbsolutePath(to) ? to : joinPath(base, to);
  return normalizePath(rest ? joinPath(target, rest) : target);
}

/**
 * From the workspace's files, the folder that most likely holds an absolute server path:
 * the longest trailing path (at least the folder and the file name, `nginx/proxy.conf`) that
 * exactly one workspace file ends with; for a glob, the one workspace folder whose trailing
 * folders match its literal part. Undefined when none or several match.
 */
export function trailingPathGuesser(files: readonly string[]): (path: string) => PathGuess | undefined {
  const norm = files.map((f) => normalizePath(f));
  const dirs = new Set<string>();
  for (const f of norm) for (let d = dirnameOf(f); d !== '/' && d !== '.' && !dirs.has(d); d = dirnameOf(d)) dirs.add(d);
  return (path: string): PathGuess | undefined => {
    const segs = normalizePath(path).split('/').filter(Boolean);
    const glob = segs.findIndex((s) => hasGlobChars(s));
    if (glob < 0) {
      for (let k = segs.length; k >= 2; k--) {
        const tail = '/' + segs.slice(segs.length - k).join('/');
        const hits = norm.filter((f) => f.endsWith(tail));
        if (hits.length === 1) return { from: '/' + segs.slice(0, segs.length - k).join('/'), to: hits[0]!.slice(0, hits[0]!.length - tail.length) || '/' };
        if (hits.length > 1) return undefined;
      }
      return undefined;
    }
    const lit = segs.slice(0, glob);
    for (let k = lit.length; k >= 1; k--) {
      const tail = '/' + lit.slice(lit.length - k).join('/');
      const hits = [...dirs].filter((d) => d.endsWith(tail));
      if (hits.length === 1) return { from: '/' + lit.slice(0, lit.length - k).join('/'), to: hits[0]!.slice(0, hits[0]!.length - tail.length) || '/' };
      if (hits.length > 1) return undefined;
    }
    return undefined;
  };
}

// ---------------------------------------------------------------------------------------
// Loading

async function fileExists(host: Host, path: string, opts: NginxLoadOptions): Promise<boolean> {
  if (opts.text?.(path) !== undefined) return true;
  try {
    return (await host.stat(path))?.isFile === true;
  } catch {
    return false;
  }
}

/**
 * The directory relative includes resolve against when no prefix is given: the directory
 * of the nearest `nginx.conf` at or above `entry`, else `entry`'s own directory.
 */
export async function defaultPrefix(host: Host, entry: string, opts: NginxLoadOptions = {}): Promise<string> {
  const start = dirnameOf(entry);
  for (let dir = start; ; ) {
    if (await fileExists(host, joinPath(dir, 'nginx.conf'), opts)) return dir;
    const up = dirnameOf(dir);
    if (up === dir || dir === '.') break;
    dir = up;
  }
  return start;
}

function cloneDirectives(list: readonly NginxDirective[], file: string, includedBy: NginxDirective | undefined): NginxDirective[] {
  return list.map((d) => {
    const c: NginxDirective = { name: d.name, nameRange: d.nameRange, args: [...d.args], range: d.range, file };
    if (includedBy) c.includedBy = includedBy;
    if (d.block) c.block = { range: d.block.range, directives: cloneDirectives(d.block.directives, file, includedBy) };
    return c;
  });
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

class Loader {
  readonly files = new Map<string, NginxSourceFile>();
  readonly parsed = new Map<string, NginxDirective[]>();
  readonly includes: NginxIncludeSite[] = [];
  readonly problems: NginxTreeProblem[] = [];
  private reads = 0;
  private bytes = 0;
  private readonly maxFiles: number;
  private readonly maxBytes: number;
  private readonly maxDepth: number;

  constructor(
    private readonly host: Host,
    readonly prefix: string,
    private readonly opts: NginxLoadOptions,
  ) {
    this.maxFiles = positive(opts.maxFiles, DEFAULT_MAX_FILES);
    this.maxBytes = positive(opts.maxBytes, DEFAULT_MAX_BYTES);
    this.maxDepth = positive(opts.maxDepth, DEFAULT_MAX_DEPTH);
  }

  /** Reads and parses a file (once); returns the reason when it cannot. */
  async source(path: string): Promise<{ file: NginxSourceFile; directives: NginxDirective[] } | { error: string; notFound: boolean }> {
    const cached = this.files.get(path);
    if (cached) return { file: cached, directives: this.parsed.get(path) ?? [] };
    let text = this.opts.text?.(path);
    const fromBuffer = text !== undefined;
    if (text === undefined) {
      try {
        const st = await this.host.stat(path);
        if (!st) return { error: `file not found: ${path}`, notFound: true };
        if (!st.isFile) return { error: `not a regular file (a directory, FIFO or device): ${path}; TLS Lens does not read it`, notFound: false };
        if (this.bytes + st.size > this.maxBytes) return { error: `limit`, notFound: false };
        text = new TextDecoder().decode(await this.host.readFile(path));
      } catch (e) {
        return { error: `cannot read ${path}: ${errorMessage(e)}`, notFound: false };
      }
    }
    // Shared with every other reader of this text (an open editor, the next lint).
    const { lines, config: cfg } = parseNginxCached(text, path);
    const file: NginxSourceFile = { path, text, lines, fromBuffer, syntax: cfg.problems };
    this.files.set(path, file);
    this.parsed.set(path, cfg.directives);
    for (const p of cfg.problems) this.problems.push({ kind: 'syntax', severity: 'error', message: p.message, file: path, range: p.range });
    return { file, directives: cfg.directives };
  }

  /** Counts one inclusion against the limits; false (and nothing counted) when over. */
  admit(file: NginxSourceFile): boolean {
    const size = file.text.length;
    if (this.reads + 1 > this.maxFiles || this.bytes + size > this.maxBytes) return false;
    this.reads++;
    this.bytes += size;
    return true;
  }

  limitMessage(): string {
    return `include limit reached (at most ${this.maxFiles} file inclusions, ${this.maxBytes} bytes, ${this.maxDepth} levels of nesting): the rest is not checked`;
  }

  async expand(list: NginxDirective[], file: string, ancestors: NginxDirective[], chain: string[]): Promise<NginxDirective[]> {
    const out: NginxDirective[] = [];
    for (const d of list) {
      out.push(d);
      if (d.block && ancestors.length >= MAX_BLOCK_DEPTH) {
        // Across files, as the parser within one: deeper blocks are not followed.
        this.problems.push({ kind: 'include-limit', severity: 'warning', message: `blocks nested deeper than ${MAX_BLOCK_DEPTH} levels: the rest is not checked`, file, range: d.range });
        d.block.directives = [];
      } else if (d.block) {
        ancestors.push(d);
        d.block.directives = await this.expand(d.block.directives, file, ancestors, chain);
        ancestors.pop();
      } else if (d.name === 'include') {
        out.push(...(await this.include(d, file, ancestors, chain)));
      }
    }
    return out;
  }

  private async include(d: NginxDirective, file: string, ancestors: NginxDirective[], chain: string[]): Promise<NginxDirective[]> {
    const arg = d.args[0];
    if (!arg || d.args.length !== 1) {
      this.problems.push({ kind: 'include-arguments', severity: 'error', message: 'invalid number of arguments in "include" directive', file, range: d.range });
      return [];
    }
    let resolved = joinPath(this.prefix, arg.value);
    if (isAbsolutePath(arg.value) && this.opts.pathMappings) resolved = applyPathMappings(resolved, this.opts.pathMappings) ?? resolved;
    // As nginx: the full name decides (a prefix containing `[` makes a glob too).
    const glob = hasGlobChars(resolved);
    const site: NginxIncludeSite = { directive: d, file, pattern: arg.value, resolved, glob, files: [], ancestors: [...ancestors], context: ancestors.map((a) => a.name) };
    this.includes.push(site);
    if (ancestors.length >= MAX_BLOCK_DEPTH) {
      this.problems.push({ kind: 'include-limit', severity: 'warning', message: `blocks nested deeper than ${MAX_BLOCK_DEPTH} levels: this include is not read`, file, range: d.range });
      return [];
    }
    const stock = stockFile(arg.value);
    if (this.host.outside?.(literalPrefix(resolved))) {
      const guess = isAbsolutePath(arg.value) ? this.opts.guessPath?.(resolved) : undefined;
      if (guess) {
        site.guessed = guess;
        resolved = site.resolved = normalizePath(guess.to + '/' + resolved.slice(normalizePath(guess.from).length).replace(/^\/+/, ''));
      } else {
        // Never read: the workspace does not hold it (a file nginx ships is known content).
        site.outside = true;
        if (stock) site.stock = stock.name;
        return [];
      }
    }
    let matches: string[];
    if (glob) {
      try {
        matches = await expandGlob(this.host, resolved);
      } catch {
        matches = [];
      }
    } else matches = [resolved];

    const out: NginxDirective[] = [];
    for (const path of matches) {
      if (chain.includes(path)) {
        const cycle = [...chain.slice(chain.indexOf(path)), path].join(' → ');
        this.problems.push({ kind: 'include-cycle', severity: 'error', message: `include cycle: ${cycle}`, file, range: d.range });
        continue;
      }
      if (chain.length >= this.maxDepth) {
        this.problems.push({ kind: 'include-limit', severity: 'warning', message: this.limitMessage(), file, range: d.range });
        break;
      }
      const src = await this.source(path);
      if ('error' in src) {
        if (src.error === 'limit') {
          this.problems.push({ kind: 'include-limit', severity: 'warning', message: this.limitMessage(), file, range: d.range });
          break;
        }
        if (src.notFound && !glob && stock) {
          // A file nginx ships: on the server it is there (stock.ts says what it sets).
          site.stock = stock.name;
        } else if (src.notFound && !glob) {
          this.problems.push({ kind: 'include-not-found', severity: 'info', message: `included file not found: ${path}`, file, range: arg.range });
        } else {
          this.problems.push({ kind: 'read-error', severity: 'warning', message: src.error, file, range: arg.range });
        }
        continue;
      }
      if (!this.admit(src.file)) {
        this.problems.push({ kind: 'include-limit', severity: 'warning', message: this.limitMessage(), file, range: d.range });
        break;
      }
      site.files.push(path);
      const cloned = cloneDirectives(src.directives, path, d);
      out.push(...(await this.expand(cloned, path, ancestors, [...chain, path])));
    }
    return out;
  }
}

function positive(v: number | undefined, dflt: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? Math.floor(v) : dflt;
}

/**
 * Reads `entry` and every file it includes, as nginx would: each `include` (a path or a
 * glob) resolved against the prefix and spliced in place. Never throws.
 */
export async function loadNginxConfig(host: Host, entry: string, opts: NginxLoadOptions = {}): Promise<NginxTree> {
  const entryPath = normalizePath(entry);
  let prefix: string;
  try {
    prefix = opts.prefix !== undefined ? normalizePath(opts.prefix) : await defaultPrefix(host, entryPath, opts);
  } catch {
    prefix = dirnameOf(entryPath);
  }
  const loader = new Loader(host, prefix, opts);
  const tree: NginxTree = { entry: entryPath, prefix, directives: [], files: loader.files, includes: loader.includes, problems: loader.problems };
  try {
    const src = await loader.source(entryPath);
    if ('error' in src) {
      loader.problems.push({
        kind: 'read-error',
        severity: 'error',
        message: src.error === 'limit' ? loader.limitMessage() : src.error,
        file: entryPath,
        range: ZERO,
      });
      return tree;
    }
    loader.admit(src.file);
    tree.directives = await loader.expand(cloneDirectives(src.directives, entryPath, undefined), entryPath, [], [entryPath]);
  } catch (e) {
    loader.problems.push({ kind: 'read-error', severity: 'error', message: `cannot load the configuration: ${errorMessage(e)}`, file: entryPath, range: ZERO });
  }
  return tree;
}

// ---------------------------------------------------------------------------------------
// From a snippet to its includers

export interface NginxIncluder {
  /** The main configuration that (directly or not) includes the file. */
  config: string;
  tree: NginxTree;
  /** The include sites that read the file; `context` says in which block it lands. */
  sites: NginxIncludeSite[];
  /** The path under which the tree read the file (it differs when matched by content through a link). */
  includedAs: string;
  /**
   * `path`: the tree read the file under this very path; `content`: under another path with the
   * same name and the same text (e.g. `sites-enabled/x` → `sites-available/x` symbolic link).
   */
  matchedBy: 'path' | 'content';
}

export interface FindIncludersOptions extends NginxLoadOptions {
  /** More candidate main configurations to try besides the `nginx.conf` files found above the file. */
  candidates?: readonly string[];
  /** Look for `nginx.conf` no higher than this directory (e.g. the workspace root). */
  stopAt?: string;
  /** Loads a candidate configuration (default: loadNginxConfig); callers may cache trees here. */
  loadTree?: (config: string, opts: NginxLoadOptions) => Promise<NginxTree>;
}

/** Every `nginx.conf` in the directory of `file` and in each directory above it (nearest first). */
export async function nginxConfsAbove(host: Host, file: string, opts: FindIncludersOptions = {}): Promise<string[]> {
  const out: string[] = [];
  const stop = opts.stopAt !== undefined ? normalizePath(opts.stopAt) : undefined;
  for (let dir = dirnameOf(normalizePath(file)); ; ) {
    const conf = joinPath(dir, 'nginx.conf');
    if (await fileExists(host, conf, opts)) out.push(conf);
    const up = dirnameOf(dir);
    if (dir === stop || up === dir || dir === '.') break;
    dir = up;
  }
  return out;
}

/**
 * Finds the configurations that include `file` (a snippet or a site opened on its own), so
 * it can be checked in context: the `nginx.conf` files at or above it plus `candidates`,
 * each loaded with its includes. The file itself is never its own includer.
 */
export async function findIncluders(host: Host, file: string, opts: FindIncludersOptions = {}): Promise<NginxIncluder[]> {
  const target = normalizePath(file);
  const seen = new Set<string>();
  const candidates: string[] = [];
  for (const c of [...(await nginxConfsAbove(host, target, opts)), ...(opts.candidates ?? []).map(normalizePath)]) {
    if (c === target || seen.has(c)) continue;
    seen.add(c);
    candidates.push(c);
  }
  let targetText: string | undefined;
  const textOfTarget = async (): Promise<string | undefined> => {
    if (targetText !== undefined) return targetText;
    targetText = opts.text?.(target);
    if (targetText === undefined) {
      try {
        targetText = new TextDecoder().decode(await host.readFile(target));
      } catch {
        targetText = undefined;
      }
    }
    return targetText;
  };
  const out: NginxIncluder[] = [];
  for (const config of candidates) {
    const loadOpts: NginxLoadOptions = { ...opts };
    if (opts.prefix === undefined) loadOpts.prefix = dirnameOf(config);
    const tree = await (opts.loadTree ?? ((c, o) => loadNginxConfig(host, c, o)))(config, loadOpts);
    let sites = tree.includes.filter((s) => s.files.includes(target));
    if (sites.length) {
      out.push({ config, tree, sites, includedAs: target, matchedBy: 'path' });
      continue;
    }
    const name = basenameOf(target);
    const text = await textOfTarget();
    if (text === undefined) continue;
    for (const [path, src] of tree.files) {
      if (path === config || basenameOf(path) !== name || src.text !== text) continue;
      sites = tree.includes.filter((s) => s.files.includes(path));
      if (sites.length) {
        out.push({ config, tree, sites, includedAs: path, matchedBy: 'content' });
        break;
      }
    }
  }
  return out;
}

/** The directives of `tree` that were read from `file` (top-most ones; their blocks hold the rest). */
export function directivesFromFile(tree: NginxTree, file: string): NginxDirective[] {
  const target = normalizePath(file);
  const out: NginxDirective[] = [];
  const visit = (list: readonly NginxDirective[]): void => {
    for (const d of list) {
      if (d.file === target) out.push(d);
      else if (d.block) visit(d.block.directives);
    }
  };
  visit(tree.directives);
  return out;
}

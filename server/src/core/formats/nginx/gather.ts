/**
 * What an nginx file's rules need from the workspace, read through the host: what its own
 * includes read and their problems (`includeContext`), the includer's http context, the
 * platform base for a lone site file (`layoutBase`) and the files its directives name. The
 * CLI (`lintFile`) and the server (`lsp/diagnostics.ts`) read them through `gatherNginx`.
 */
import type { TextDoc } from '../../document';
import { loadReferencedFiles, namesReferencedFiles, type ReferencedFiles } from '../../certs/referenced';
import type { Host } from '../../host';
import type { Policy } from '../../policy/policy';
import type { Range } from '../../text';
import { detectFormat } from '../detect';
import type { NginxDirective } from './ast';
import { includeKey, isBlockSnippet, isHttpSnippet } from './context';
import { loadNginxConfig, nginxConfsAbove, normalizePath, type NginxLoadOptions, type NginxTree, type NginxTreeProblem } from './includes';
import { parseNginxDoc } from './parseCache';
import { baseFromLayout, type NginxBase } from './stock';

/** An nginx snippet meant for http (top-level servers, no http block): it is judged with its includer's http context. */
export function needsHttpContext(doc: TextDoc): boolean {
  if (detectFormat(doc) !== 'nginx') return false;
  const own = parseNginxDoc(doc).directives;
  return isHttpSnippet(own) || isBlockSnippet(own);
}

/** An nginx file with include lines: their problems are resolved through the host. */
export function hasNginxIncludes(doc: TextDoc): boolean {
  return detectFormat(doc) === 'nginx' && /\binclude\b/.test(doc.text);
}

const INCLUDE_PROBLEMS = new Set(['include-not-found', 'include-cycle', 'include-limit', 'include-arguments']);

/**
 * Loads a configuration with its includes through the host (`text` for this file's own
 * text, e.g. an editor's) and returns the include problems located in this file.
 */
export async function includeProblems(host: Host, path: string, text: (p: string) => string | undefined): Promise<NginxTreeProblem[]> {
  return (await includeContext(host, path, text)).problems;
}

/**
 * Loads a configuration with its includes through the host (`text` for this file's own
 * text, e.g. an editor's): the include problems located in this file, and what each of its
 * includes read when that is known for sure (every file found, no cycle or limit below it;
 * a relative include only when an nginx.conf above says what it is relative to), for
 * `LintOptions.nginxIncluded`.
 */
export async function includeContext(
  host: Host,
  path: string,
  text: (p: string) => string | undefined,
  opts: {
    /** Other files' texts that win over the disk (open editors). */
    others?: (p: string) => string | undefined;
    /** Loads (and may cache) the tree; default loadNginxConfig. */
    loadTree?: (entry: string, o: NginxLoadOptions) => Promise<NginxTree>;
    /** pathMappings and the trailing-path guess for absolute includes. */
    load?: Pick<NginxLoadOptions, 'pathMappings' | 'guessPath'>;
  } = {},
): Promise<{ problems: NginxTreeProblem[]; included: Map<string, NginxDirective[]> }> {
  const self = normalizePath(path);
  const included = new Map<string, NginxDirective[]>();
  let tree: NginxTree;
  try {
    const others = opts.others;
    const load = opts.loadTree ?? ((entry: string, o: NginxLoadOptions) => loadNginxConfig(host, entry, o));
    const loadOpts: NginxLoadOptions = { ...opts.load, text: (p) => (p === self ? text(p) : others?.(p)) };
    tree = await load(self, loadOpts);
    // A cached tree may predate this text: then read afresh.
    if (opts.loadTree && tree.files.get(self)?.text !== text(self)) tree = await loadNginxConfig(host, self, loadOpts);
  } catch {
    return { problems: [], included };
  }
  const problems = await ownIncludeProblems(host, self, tree);
  const haveConf = (await nginxConfsAbove(host, self).catch(() => [])).length > 0;
  // A cycle or a limit below an include leaves its content unknown as a whole; a file not found
  // below it is one more unread include, judged by its name where it stands.
  const broken = tree.problems.filter((p) => p.kind === 'include-cycle' || p.kind === 'include-limit');
  const read = new Set(tree.includes.filter((s) => !s.outside && (s.files.length > 0 || s.glob)).map((s) => s.directive));
  // What each include read: the directives after it (in its list) that came in through it.
  const content = new Map<NginxDirective, NginxDirective[]>();
  const collect = (list: readonly NginxDirective[]): void => {
    for (const d of list) {
      if (d.includedBy) {
        // Its block (and any include in it) came in with it.
        let root: NginxDirective = d.includedBy;
        while (root.includedBy) root = root.includedBy;
        if (root.file === self) {
          const list = content.get(root);
          if (list) list.push(d);
          else content.set(root, [d]);
        }
        continue;
      }
      if (d.block) collect(d.block.directives);
    }
  };
  collect(tree.directives);
  for (const site of tree.includes) {
    if (site.file !== self) continue;
    if (!read.has(site.directive)) continue;
    if (!haveConf && !site.pattern.startsWith('/')) continue;
    const under = new Set<string>();
    const queue = [...site.files];
    while (queue.length) {
      const f = queue.pop()!;
      if (under.has(f)) continue;
      under.add(f);
      for (const s of tree.includes) if (s.file === f) queue.push(...s.files);
    }
    const at = site.directive.range.start.line;
    if (broken.some((p) => under.has(p.file) || (p.file === self && p.range.start.line >= at && p.range.start.line <= site.directive.range.end.line))) continue;
    // What nested includes read stands in their place; unread ones stay, as unknowns.
    const spliced = withoutReadIncludes(content.get(site.directive) ?? [], read);
    if (site.guessed) spliced.unshift(guessMarker(site.directive, site.resolved));
    included.set(includeKey(site.directive), spliced);
  }
  return { problems, included };
}

/** Directives with the `include` lines that read their files removed at every depth (their content follows them). */
function withoutReadIncludes(list: readonly NginxDirective[], read: ReadonlySet<NginxDirective>): NginxDirective[] {
  return list.filter((d) => d.name !== 'include' || d.block || !read.has(d)).map((d) => (d.block ? { ...d, block: { range: d.block.range, directives: withoutReadIncludes(d.block.directives, read) } } : d));
}

/** Where an include read from a guessed workspace folder stood: its judgements say so (unknowns.ts). */
function guessMarker(d: NginxDirective, readFrom: string): NginxDirective {
  const r = (x: Range): Range => ({ start: x.start, end: x.end });
  const { file: _file, ...own } = d;
  return { ...own, nameRange: r(d.nameRange), range: r(d.range), args: d.args.map((a) => ({ ...a, range: r(a.range) })), guessedFrom: readFrom };
}

async function ownIncludeProblems(host: Host, self: string, tree: NginxTree): Promise<NginxTreeProblem[]> {
  try {
    // Without an nginx.conf above, relative includes cannot be resolved as nginx would (against
    // its configuration prefix): a "not found" for them would be a guess.
    const haveConf = (await nginxConfsAbove(host, self)).length > 0;
    const own = tree.problems.filter(
      (p) => p.file === self && (INCLUDE_PROBLEMS.has(p.kind) || p.kind === 'read-error') && (haveConf || p.kind !== 'include-not-found' || isAbsoluteInclude(tree, p)),
    );
    // A cycle is detected in the file that closes it, but it stops nginx from loading this
    // file too: show it here as well, on the first of this file's includes that reads files
    // (not necessarily the one that leads into the cycle).
    for (const p of tree.problems) {
      if (p.kind !== 'include-cycle' || p.file === self) continue;
      const site = tree.includes.find((s) => s.file === self && reaches(tree, s.files, p.file)) ?? tree.includes.find((s) => s.file === self && s.files.length > 0);
      if (site && !own.some((o) => o.kind === 'include-cycle')) own.push({ ...p, file: self, range: site.directive.args[0]?.range ?? site.directive.range });
    }
    return own;
  } catch {
    return [];
  }
}

/** Whether following includes from `files` reads `target`. */
function reaches(tree: NginxTree, files: readonly string[], target: string): boolean {
  const seen = new Set(files);
  const queue = [...files];
  while (queue.length) {
    const f = queue.pop()!;
    if (f === target) return true;
    for (const s of tree.includes) {
      if (s.file !== f) continue;
      for (const g of s.files) {
        if (seen.has(g)) continue;
        seen.add(g);
        queue.push(g);
      }
    }
  }
  return false;
}

/** Whether the include a problem is about was written as an absolute path. */
function isAbsoluteInclude(tree: NginxTree, p: NginxTreeProblem): boolean {
  const site = tree.includes.find((s) => s.file === p.file && s.directive.args[0] && s.directive.args[0].range.start.line === p.range.start.line && s.directive.args[0].range.start.character === p.range.start.character);
  return site !== undefined && site.pattern.startsWith('/');
}

/** `baseFromLayout` for a file on disk: a conf.d/ folder with sites-enabled/ or sites-available/ beside it is Debian's. */
export async function layoutBase(host: Host, path: string): Promise<NginxBase> {
  const p = normalizePath(path);
  const m = /^(.*)\/conf\.d\/[^/]+$/.exec(p);
  let sites = false;
  if (m) {
    for (const name of ['sites-enabled', 'sites-available']) {
      const st = await host.stat(`${m[1] || ''}/${name}`).catch(() => undefined);
      if (st?.isDirectory) sites = true;
    }
  }
  return baseFromLayout(p, sites);
}


/** What an nginx file's rules need from the workspace (`gatherNginx`); each part is absent when not read. */
export interface NginxFacts {
  /**
   * For a snippet with top-level servers: the http-level directives of the configuration that
   * includes it (`includerHttpContext`). Without it, that http block is unknown and rules stay
   * silent about inherited values.
   */
  httpContext?: readonly NginxDirective[];
  /** Problems with this file's includes (only those located in this file). */
  includeProblems?: readonly NginxTreeProblem[];
  /**
   * What this file's `include` directives read (keyed by `includeKey` of the include): the
   * effective configuration sees those directives in place (each with its `file`); findings
   * never point at them.
   */
  included?: ReadonlyMap<string, readonly NginxDirective[]>;
  /** The platform whose stock nginx.conf stands for a site file's unknown one (`layoutBase`). */
  base?: NginxBase;
  /** Files this file's directives name (certificates, keys, DH parameters), read by `loadReferencedFiles`. */
  referenced?: ReferencedFiles;
}

declare module '../format' {
  interface FormatGatherOptions {
    /** How the caller reads nginx's include trees (its cache, the includer's context, the trailing-path guess). */
    nginx?: NginxGatherOptions;
  }
}

/** How `gatherNginx` reads: the same for the CLI and the server but for these. */
export interface NginxGatherOptions {
  /** Other files' texts that win over the disk (open editors). */
  others?: (path: string) => string | undefined;
  /** Loads (and may cache) the trees this file's includes are read from; default loadNginxConfig. */
  loadTree?: (entry: string, o: NginxLoadOptions) => Promise<NginxTree>;
  /** The trailing-path guess for absolute includes outside the workspace (`trailingPathGuesser`). */
  guessPath?: NginxLoadOptions['guessPath'];
  /** The same guess made on first need (the server walks its folders for it), asked for only when the file has includes. */
  guesser?: () => Promise<NginxLoadOptions['guessPath']>;
  /** The includer's http context of a snippet (`includerHttpContext` with the caller's cache). */
  httpContext?: (path: string) => Promise<readonly NginxDirective[] | undefined>;
  /** The referenced files are read only inside this folder (the server's workspace folder). */
  root?: string;
  /** The platform base is given: no layout is read. */
  baseKnown?: boolean;
}

/**
 * Reads through the host what an nginx document's rules need (`NginxFacts`): the includer's
 * http context, what its includes read and their problems, the platform base and the files
 * it names. `path` is the document's real path; `{}` for other formats.
 */
export async function gatherNginx(host: Host, path: string, doc: TextDoc, policy: Policy, opts: NginxGatherOptions = {}): Promise<NginxFacts> {
  const facts: NginxFacts = {};
  if (detectFormat(doc) !== 'nginx') return facts;
  if (opts.httpContext && needsHttpContext(doc)) {
    const context = await opts.httpContext(path).catch(() => undefined);
    if (context) facts.httpContext = context;
  }
  if (hasNginxIncludes(doc)) {
    const load: Pick<NginxLoadOptions, 'pathMappings' | 'guessPath'> = { pathMappings: policy.pathMappings };
    const guess = opts.guessPath ?? (await opts.guesser?.());
    if (guess) load.guessPath = guess;
    const o: Parameters<typeof includeContext>[3] = { load };
    if (opts.others) o.others = opts.others;
    if (opts.loadTree) o.loadTree = opts.loadTree;
    const { problems, included } = await includeContext(host, path, () => doc.text, o);
    facts.includeProblems = problems;
    facts.included = included;
  }
  // The platform's stock nginx.conf stands for a lone site file's: from the real path, and on
  // whether a sites-* folder stands beside a conf.d/ one (Debian's layout has both).
  if (!opts.baseKnown && policy.nginxBase === undefined) facts.base = await layoutBase(host, path);
  if (namesReferencedFiles(doc.text)) facts.referenced = await loadReferencedFiles(host, path, doc.text, policy, opts.root);
  return facts;
}

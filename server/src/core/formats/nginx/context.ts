import type { Host } from '../../host';
import { range, type Range } from '../../text';
import type { NginxDirective } from './ast';
import { STOCK_BASES, STOCK_SOURCE, stockFile, type NginxBase } from './stock';
import { dirnameOf, findIncluders, loadNginxConfig, type FindIncludersOptions, type NginxLoadOptions, type NginxTree } from './includes';

/**
 * Loaded configurations by entry (see `cachingTreeLoader`), for a run over files that do not
 * change meanwhile (the CLI, Check Workspace): siblings in sites-enabled/ share one includer.
 */
export type TreeCache = Map<string, Promise<NginxTree>>;

/**
 * A tree loader that keeps each configuration's tree in `trees`, by entry, prefix and path
 * mappings: in one run the includes of nginx.conf (`includeContext`) and the includer of every
 * site file it reads (`includerHttpContext`) are one tree, loaded once.
 */
export function cachingTreeLoader(host: Host, trees: TreeCache): (entry: string, o: NginxLoadOptions) => Promise<NginxTree> {
  return (entry, o) => {
    // An nginx.conf is its own prefix's configuration: with or without the prefix named, the same tree.
    const prefix = o.prefix ?? (/(^|\/)nginx\.conf$/.test(entry) ? dirnameOf(entry) : '');
    const mappings = o.pathMappings && Object.keys(o.pathMappings).length ? JSON.stringify(o.pathMappings) : '';
    const key = `${entry}\u0000${prefix}\u0000${mappings}`;
    let t = trees.get(key);
    if (!t) trees.set(key, (t = loadNginxConfig(host, entry, o)));
    return t;
  };
}

/**
 * The `http`-level directives a snippet (a `sites-enabled/…` or `conf.d/…` file with
 * top-level `server` blocks) inherits from the one configuration that includes it directly
 * in `http`: `ssl_protocols`, `add_header`, `resolver`, `proxy_ssl_verify` … — the
 * directives from every file that configuration reads, as nginx assembles them.
 *
 * Undefined when there is no includer, the include site is not directly in `http`, or the
 * includer's tree hit a cycle or a limit. With several includers the nearest stands for
 * them. Includes of the includer's http block that read nothing stay in the list (they are
 * judged by their names, see unknowns.ts). The directives keep their `file`, so rules can
 * tell them from the snippet's own.
 */
export async function includerHttpContext(
  host: Host,
  file: string,
  opts: Pick<FindIncludersOptions, 'stopAt' | 'text' | 'loadTree' | 'pathMappings' | 'guessPath'> & { trees?: TreeCache } = {},
): Promise<NginxDirective[] | undefined> {
  let includers;
  try {
    const { trees, ...find } = opts;
    const loadTree = trees ? cachingTreeLoader(host, trees) : undefined;
    includers = await findIncluders(host, file, loadTree ? { ...find, loadTree } : find);
  } catch {
    return undefined;
  }
  // Several includers: the nearest one (nginx.conf files above come first) stands for them.
  const inc = includers[0];
  if (!inc) return undefined;
  // A cycle or a limit leaves the tree incomplete in ways an include's name does not tell.
  if (inc.tree.problems.some((p) => p.kind === 'include-limit' || p.kind === 'include-cycle')) return undefined;
  const http = inc.tree.directives.find((d) => d.name === 'http' && d.block);
  if (!http?.block) return undefined;
  const resolved = resolvedIncludes(inc.tree);
  const site = inc.sites[0];
  if (inc.sites.length === 1 && site && site.context.length >= 2 && site.context[0] === 'http') {
    // A snippet of a server's (or location's) lines; a file with server blocks of its own cannot be there.
    const parent = site.ancestors[site.ancestors.length - 1]!;
    const read = parent.block?.directives.filter((d) => d.includedBy === site.directive) ?? [];
    return isBlockSnippet(read) ? enclosingContext(site.directive, site.ancestors, resolved) : undefined;
  }
  if (inc.sites.length === 0 || !inc.sites.every((s) => s.context.length === 1 && s.context[0] === 'http')) return undefined;
  // The snippet's own top-level lines are part of the tree too: they are not context. Includes
  // that read their files are spelled out after them; unread ones stay, as unknowns (unknowns.ts).
  return http.block.directives.filter((d) => !d.block && !(d.name === 'include' && resolved.has(d)) && d.file !== inc.includedAs);
}

/**
 * For a snippet read by an `include` inside a server (or a location in it): its includer's
 * http block with only that server, down to the include, where a `slot` stands for the
 * snippet's own directives. Everything in it keeps its `file`.
 */
function enclosingContext(include: NginxDirective, ancestors: readonly NginxDirective[], resolved: ReadonlySet<NginxDirective>): NginxDirective[] {
  // An include directive belongs to one loaded tree: while that tree is kept, its context is the same objects.
  let known = enclosing.get(include);
  if (!known) enclosing.set(include, (known = buildEnclosingContext(include, ancestors, resolved)));
  return known;
}

const enclosing = new WeakMap<NginxDirective, NginxDirective[]>();

function buildEnclosingContext(include: NginxDirective, ancestors: readonly NginxDirective[], resolved: ReadonlySet<NginxDirective>): NginxDirective[] {
  const zero = range(0, 0, 0, 0);
  const slot: NginxDirective = { name: '', nameRange: zero, args: [], range: zero, slot: true };
  let inner: NginxDirective = slot;
  let replaced: NginxDirective | undefined = include;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i]!;
    const list = a.block?.directives ?? [];
    let directives: NginxDirective[];
    if (replaced === include) {
      // The include and what it read (the snippet itself) give way to the slot.
      directives = list.filter((d) => d.includedBy !== include).map((d) => (d === include ? inner : d));
    } else if (i === 0) {
      // http: its own settings and the one server on the way, not the other servers.
      directives = list.filter((d) => !(d.block && d.name === 'server') || d === replaced).map((d) => (d === replaced ? inner : d));
    } else {
      directives = list.map((d) => (d === replaced ? inner : d));
    }
    replaced = a;
    // An include whose files were all read is spelled out after it in the tree: only unread ones stay, as unknowns.
    inner = { ...a, block: { range: a.block!.range, directives: directives.filter((d) => !resolved.has(d)) } };
  }
  return [inner];
}

/** The `include` directives of a tree that read every file they name (found, no problem at them). */
function resolvedIncludes(tree: NginxTree): Set<NginxDirective> {
  const out = new Set<NginxDirective>();
  for (const site of tree.includes) {
    if (site.files.length === 0 && !site.glob) continue;
    const d = site.directive;
    if (tree.problems.some((p) => p.kind !== 'syntax' && p.file === site.file && p.range.start.line >= d.range.start.line && p.range.start.line <= d.range.end.line)) continue;
    out.add(d);
  }
  return out;
}

/** Whether a context from `includerHttpContext` is a whole enclosing tree with a slot (not http-level lines). */
function slotted(context: readonly NginxDirective[]): boolean {
  const has = (list: readonly NginxDirective[]): boolean => list.some((d) => d.slot === true || (d.block !== undefined && has(d.block.directives)));
  return context.length === 1 && context[0]!.name === 'http' && has(context);
}

function fillSlot(list: readonly NginxDirective[], own: readonly NginxDirective[]): NginxDirective[] {
  const out: NginxDirective[] = [];
  for (const d of list) {
    if (d.slot) out.push(...own);
    else if (d.block) out.push({ ...d, block: { range: d.block.range, directives: fillSlot(d.block.directives, own) } });
    else out.push(d);
  }
  return out;
}

/**
 * A snippet that nginx reads inside a block (`include snippets/ssl-params.conf;` in a
 * server): no top-level `http`, `events`, `stream`, `mail` or `server` block of its own.
 */
export function isBlockSnippet(directives: readonly NginxDirective[]): boolean {
  return kindOf(directives).block;
}

/** Whether a parsed file is a snippet meant for `http`: top-level `server` blocks, no `http`/`stream`/`mail` block. */
export function isHttpSnippet(directives: readonly NginxDirective[]): boolean {
  return kindOf(directives).http;
}

/** What a top-level list is, read once per list (a site file of thousands of servers is asked on every lint and hover). */
const kinds = new WeakMap<readonly NginxDirective[], { block: boolean; http: boolean }>();
function kindOf(directives: readonly NginxDirective[]): { block: boolean; http: boolean } {
  let k = kinds.get(directives);
  if (!k) {
    k = {
      block: directives.length > 0 && !directives.some((d) => d.block && ['http', 'events', 'stream', 'mail', 'server'].includes(d.name)),
      http: directives.some((d) => d.name === 'server' && d.block) && !directives.some((d) => (d.name === 'http' || d.name === 'stream' || d.name === 'mail') && d.block),
    };
    kinds.set(directives, k);
  }
  return k;
}

/**
 * The http-level directives of a platform's stock nginx.conf, made once per platform: the same
 * objects on every lint, so effective.ts keeps each unchanged server's values across edits.
 */
const baseLists = new Map<NginxBase, readonly NginxDirective[]>();
function baseDirectives(base: NginxBase): readonly NginxDirective[] {
  let list = baseLists.get(base);
  if (!list) {
    const stock = base === 'none' ? undefined : STOCK_BASES[base];
    list = (stock?.http ?? []).map(([name, ...args]) => ({
      name: name!,
      nameRange: range(0, 0, 0, 0),
      args: args.map((value) => ({ value, range: range(0, 0, 0, 0), quoted: false })),
      range: range(0, 0, 0, 0),
      file: stock!.path,
      virtualBase: base,
    }));
    baseLists.set(base, list);
  }
  return list;
}

/**
 * A snippet holding server blocks without an http block (sites-enabled/…) is read as
 * inside http, where nginx includes it: with the includer's http-level directives when
 * they are known, else with the http block of the platform's stock nginx.conf (`base`,
 * stock.ts), marked `virtualBase` so findings that rest on it say so.
 */
export function asIncludedInHttp(directives: readonly NginxDirective[], context: readonly NginxDirective[] | undefined, base: NginxBase = 'none'): readonly NginxDirective[] {
  // The same list in the same context is the same tree (the effective configuration is kept by it).
  const known = wrapped.get(directives);
  if (known && known.base === base && sameList(known.context, context)) return known.out;
  const out = wrapInHttp(directives, context, base);
  wrapped.set(directives, { context, base, out });
  return out;
}

const wrapped = new WeakMap<readonly NginxDirective[], { context: readonly NginxDirective[] | undefined; base: NginxBase; out: readonly NginxDirective[] }>();

function sameList(a: readonly NginxDirective[] | undefined, b: readonly NginxDirective[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function wrapInHttp(directives: readonly NginxDirective[], context: readonly NginxDirective[] | undefined, base: NginxBase): readonly NginxDirective[] {
  if (context && slotted(context)) return fillSlot(context, directives);
  if (!isHttpSnippet(directives)) return directives;
  const zero = range(0, 0, 0, 0);
  let known: readonly NginxDirective[];
  if (context) known = context;
  else known = baseDirectives(base);
  const http: NginxDirective = { name: 'http', nameRange: zero, args: [], range: zero, block: { range: zero, directives: [...known, ...directives] } };
  if (!context) http.virtualBase = base;
  return [http];
}

/**
 * The directives with every `include` of a file nginx ships (stock.ts) that is still in place
 * (not read from the workspace) replaced by what that file sets, each marked `stock`.
 */
export function spliceStock(list: readonly NginxDirective[]): readonly NginxDirective[] {
  return spliceWhere(list, stockReplacement, stockMemo);
}

function stockReplacement(d: NginxDirective): readonly NginxDirective[] | undefined {
  const stock = d.name === 'include' && !d.block && d.args.length === 1 ? stockFile(d.args[0]!.value) : undefined;
  if (!stock) return undefined;
  const r = (): Range => ({ start: d.range.start, end: d.range.end });
  return stock.sets.map(([name, ...args]) => ({ name: name!, nameRange: r(), args: args.map((value) => ({ value, range: r(), quoted: false })), range: r(), file: d.file ?? `${stock.name} (${STOCK_SOURCE})`, stock: stock.name }));
}

/**
 * Per block directive, what `spliceStock` made of it (itself when nothing in it changed), while
 * its list is the same: after an edit only the blocks on the edited path are walked again, and
 * an unchanged server stays the same object (effective.ts keeps its effective values by it).
 */
const stockMemo = new WeakMap<NginxDirective, { list: readonly NginxDirective[]; out: NginxDirective }>();

/** The directives with those `replace` answers for replaced at every depth; the same list when none is. */
function spliceWhere(
  list: readonly NginxDirective[],
  replace: (d: NginxDirective) => readonly NginxDirective[] | undefined,
  memo?: WeakMap<NginxDirective, { list: readonly NginxDirective[]; out: NginxDirective }>,
): readonly NginxDirective[] {
  // Copied only from the first change on.
  let out: NginxDirective[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const d = list[i]!;
    let read: readonly NginxDirective[] | NginxDirective | undefined;
    if (d.block) {
      const known = memo?.get(d);
      if (known && known.list === d.block.directives) read = known.out;
      else {
        const inner = spliceWhere(d.block.directives, replace, memo);
        read = inner === d.block.directives ? d : { ...d, block: { range: d.block.range, directives: [...inner] } };
        memo?.set(d, { list: d.block.directives, out: read });
      }
      if (read === d) read = undefined;
    } else read = replace(d);
    if (read === undefined) {
      out?.push(d);
      continue;
    }
    out ??= list.slice(0, i);
    if (Array.isArray(read)) for (const r of read as readonly NginxDirective[]) out.push(r);
    else out.push(read as NginxDirective);
  }
  return out ?? list;
}

/** The key of an `include` directive in `LintOptions.nginxIncluded`: where it starts in its file. */
export function includeKey(d: NginxDirective): string {
  return `${d.range.start.line}:${d.range.start.character}`;
}

/** This file's directives with every resolved `include` replaced by what it read. */
export function spliceIncludes(list: readonly NginxDirective[], included: ReadonlyMap<string, readonly NginxDirective[]>): readonly NginxDirective[] {
  return spliceWhere(list, (d) => (d.name === 'include' && !d.block ? included.get(includeKey(d)) : undefined));
}

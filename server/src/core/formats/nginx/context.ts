import type { Host } from '../../host';
import { range, type Range } from '../../text';
import type { NginxDirective } from './ast';
import { STOCK_BASES, STOCK_SOURCE, stockFile, type NginxBase } from './stock';
import { findIncluders, loadNginxConfig, type FindIncludersOptions, type NginxLoadOptions, type NginxTree } from './includes';

/**
 * Loaded configurations by path, for a run over files that do not change meanwhile (the
 * CLI, Check Workspace): siblings in sites-enabled/ share one includer.
 */
export type TreeCache = Map<string, Promise<NginxTree>>;

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
    const loadTree = trees
      ? (config: string, o: NginxLoadOptions): Promise<NginxTree> => {
          let t = trees.get(config);
          if (!t) trees.set(config, (t = loadNginxConfig(host, config, o)));
          return t;
        }
      : undefined;
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
  return directives.length > 0 && !directives.some((d) => d.block && ['http', 'events', 'stream', 'mail', 'server'].includes(d.name));
}

/** Whether a parsed file is a snippet meant for `http`: top-level `server` blocks, no `http`/`stream`/`mail` block. */
export function isHttpSnippet(directives: readonly NginxDirective[]): boolean {
  return directives.some((d) => d.name === 'server' && d.block) && !directives.some((d) => (d.name === 'http' || d.name === 'stream' || d.name === 'mail') && d.block);
}

/**
 * A snippet holding server blocks without an http block (sites-enabled/…) is read as
 * inside http, where nginx includes it: with the includer's http-level directives when
 * they are known, else with the http block of the platform's stock nginx.conf (`base`,
 * stock.ts), marked `virtualBase` so findings that rest on it say so.
 */
export function asIncludedInHttp(directives: readonly NginxDirective[], context: readonly NginxDirective[] | undefined, base: NginxBase = 'none'): readonly NginxDirective[] {
  if (context && slotted(context)) return fillSlot(context, directives);
  if (!isHttpSnippet(directives)) return directives;
  const zero = range(0, 0, 0, 0);
  let known: readonly NginxDirective[];
  if (context) known = context;
  else {
    const stock = base === 'none' ? undefined : STOCK_BASES[base];
    known = (stock?.http ?? []).map(([name, ...args]) => ({
      name: name!,
      nameRange: range(0, 0, 0, 0),
      args: args.map((value) => ({ value, range: range(0, 0, 0, 0), quoted: false })),
      range: range(0, 0, 0, 0),
      file: stock!.path,
      virtualBase: base,
    }));
  }
  const http: NginxDirective = { name: 'http', nameRange: zero, args: [], range: zero, block: { range: zero, directives: [...known, ...directives] } };
  if (!context) http.virtualBase = base;
  return [http];
}

/**
 * The directives with every `include` of a file nginx ships (stock.ts) that is still in place
 * (not read from the workspace) replaced by what that file sets, each marked `stock`.
 */
export function spliceStock(list: readonly NginxDirective[]): readonly NginxDirective[] {
  return spliceWhere(list, (d) => {
    const stock = d.name === 'include' && !d.block && d.args.length === 1 ? stockFile(d.args[0]!.value) : undefined;
    if (!stock) return undefined;
    const r = (): Range => ({ start: d.range.start, end: d.range.end });
    return stock.sets.map(([name, ...args]) => ({ name: name!, nameRange: r(), args: args.map((value) => ({ value, range: r(), quoted: false })), range: r(), file: d.file ?? `${stock.name} (${STOCK_SOURCE})`, stock: stock.name }));
  });
}

/** The directives with those `replace` answers for replaced at every depth; the same list when none is. */
function spliceWhere(list: readonly NginxDirective[], replace: (d: NginxDirective) => readonly NginxDirective[] | undefined): readonly NginxDirective[] {
  let changed = false;
  const out: NginxDirective[] = [];
  for (const d of list) {
    const read = replace(d);
    if (read) {
      out.push(...read);
      changed = true;
    } else if (d.block) {
      const inner = spliceWhere(d.block.directives, replace);
      if (inner !== d.block.directives) {
        out.push({ ...d, block: { range: d.block.range, directives: [...inner] } });
        changed = true;
      } else out.push(d);
    } else out.push(d);
  }
  return changed ? out : list;
}

/** The key of an `include` directive in `LintOptions.nginxIncluded`: where it starts in its file. */
export function includeKey(d: NginxDirective): string {
  return `${d.range.start.line}:${d.range.start.character}`;
}

/** This file's directives with every resolved `include` replaced by what it read. */
export function spliceIncludes(list: readonly NginxDirective[], included: ReadonlyMap<string, readonly NginxDirective[]>): readonly NginxDirective[] {
  return spliceWhere(list, (d) => (d.name === 'include' && !d.block ? included.get(includeKey(d)) : undefined));
}

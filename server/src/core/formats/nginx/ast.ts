import type { Range } from '../../text';

export interface NginxArg {
  /** The value nginx sees: quotes removed, escapes resolved. */
  value: string;
  range: Range;
  quoted: boolean;
}

export interface NginxBlock {
  /** From `{` to `}` inclusive (to the end of input when unterminated). */
  range: Range;
  directives: NginxDirective[];
}

export interface NginxDirective {
  name: string;
  nameRange: Range;
  args: NginxArg[];
  /** From the name to the `;` or the block's `}`. */
  range: Range;
  block?: NginxBlock;
  /**
   * The file the directive was read from. Set by `loadNginxConfig` (includes.ts) on every
   * directive of a tree assembled from several files, so each range is read in its own file;
   * absent on directives from a plain `parseNginx`.
   */
  file?: string;
  /** For a directive spliced in by an `include`: that `include` directive (itself carrying its `file`). */
  includedBy?: NginxDirective;
  /**
   * In an includer's context built for a snippet (context.ts): the place where the snippet's
   * own directives go, i.e. where its includer's `include` read it.
   */
  slot?: true;
  /**
   * On an http block TLS Lens made for a site file whose nginx.conf is not in the workspace,
   * and on the stock directives in it: the platform whose stock nginx.conf it stands for.
   */
  virtualBase?: 'debian' | 'official-image' | 'none';
  /** On a directive spliced in for an `include` of a file nginx ships (stock.ts): that file's name. */
  stock?: string;
  /** On a copy of an `include` whose file was read from a guessed workspace path: that path. */
  guessedFrom?: string;
}

export interface ParseProblem {
  message: string;
  range: Range;
  /** A limit of TLS Lens's rather than an error nginx would report (default: error). */
  severity?: 'warning';
}

/** Deepest nesting of blocks TLS Lens follows; deeper blocks are kept empty, with one located note. */
export const MAX_NESTING = 200;

export interface NginxConfig {
  directives: NginxDirective[];
  problems: ParseProblem[];
}

/** Calls `visit` for every directive, depth first, with the enclosing directives outermost first. */
export function walkDirectives(
  directives: readonly NginxDirective[],
  visit: (d: NginxDirective, ancestors: readonly NginxDirective[]) => void,
  ancestors: NginxDirective[] = [],
): void {
  for (const d of directives) {
    visit(d, ancestors);
    if (d.block) {
      ancestors.push(d);
      walkDirectives(d.block.directives, visit, ancestors);
      ancestors.pop();
    }
  }
}

/**
 * The directives of a tree with the names rules ask for, each followed by its enclosing
 * directive (`undefined` at the top level), depth first in document order: one walk
 * answers every rule. Only names asked for so far are indexed (rules ask for the same few
 * names on every lint); a new name rebuilds the index once. Each block's share is kept
 * with the block, so after an edit only the blocks on the edited path are walked again.
 */
type DirectiveIndex = Map<string, Array<NginxDirective | undefined>>;

const wanted = new Set<string>();
let generation = 0;
const indexMemo = new WeakMap<readonly NginxDirective[], { generation: number; index: DirectiveIndex }>();
const blockMemo = new WeakMap<NginxDirective, { generation: number; entries: NginxDirective[] }>();

/** The wanted directives inside a block (not the block's own directive), each followed by its parent. */
function blockEntries(d: NginxDirective): NginxDirective[] {
  const known = blockMemo.get(d);
  if (known && known.generation === generation) return known.entries;
  const entries: NginxDirective[] = [];
  for (const c of d.block!.directives) {
    if (wanted.has(c.name)) entries.push(c, d);
    if (c.block) for (const e of blockEntries(c)) entries.push(e);
  }
  blockMemo.set(d, { generation, entries });
  return entries;
}

/**
 * Declares names `forEachNamed` will be asked for, when a rule's module loads: the index is
 * then built once with all of them, not rebuilt at each first use of a name (which a run of
 * the CLI, linting every file once, pays in full). Returns the names, for the rule to use.
 */
export function indexedNames<T extends Iterable<string>>(names: T): T {
  addWanted(names);
  return names;
}

function addWanted(names: Iterable<string>): void {
  for (const n of names) {
    if (wanted.has(n)) continue;
    wanted.add(n);
    generation++;
  }
}

function indexDirectives(directives: readonly NginxDirective[], names: Iterable<string>): DirectiveIndex {
  addWanted(names);
  const known = indexMemo.get(directives);
  if (known && known.generation === generation) return known.index;
  const index: DirectiveIndex = new Map();
  for (const n of wanted) index.set(n, []);
  for (const d of directives) {
    index.get(d.name)?.push(d, undefined);
    if (!d.block) continue;
    const entries = blockEntries(d);
    for (let i = 0; i < entries.length; i += 2) index.get(entries[i]!.name)!.push(entries[i], entries[i + 1]);
  }
  indexMemo.set(directives, { generation, index });
  return index;
}

/**
 * Calls `visit` for every directive with one of `names` (by name, then in document order),
 * with its enclosing directive. The index behind it is built once per tree and shared.
 */
export function forEachNamed(
  directives: readonly NginxDirective[],
  names: Iterable<string>,
  visit: (d: NginxDirective, parent: NginxDirective | undefined) => void,
): void {
  const idx = indexDirectives(directives, names);
  for (const name of names) {
    const list = idx.get(name);
    if (!list) continue;
    for (let i = 0; i < list.length; i += 2) visit(list[i]!, list[i + 1]);
  }
}

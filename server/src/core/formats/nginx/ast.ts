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
}

export interface ParseProblem {
  message: string;
  range: Range;
}

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
 * Every directive of a tree by name, each followed by its enclosing directive (`undefined`
 * at the top level), depth first in document order: one walk answers every rule.
 */
type DirectiveIndex = Map<string, Array<NginxDirective | undefined>>;

const indexMemo = new WeakMap<readonly NginxDirective[], DirectiveIndex>();

function indexDirectives(directives: readonly NginxDirective[]): DirectiveIndex {
  let idx = indexMemo.get(directives);
  if (idx) return idx;
  const byName: DirectiveIndex = new Map();
  const visit = (list: readonly NginxDirective[], parent: NginxDirective | undefined): void => {
    for (const d of list) {
      const same = byName.get(d.name);
      if (same) same.push(d, parent);
      else byName.set(d.name, [d, parent]);
      if (d.block) visit(d.block.directives, d);
    }
  };
  visit(directives, undefined);
  indexMemo.set(directives, (idx = byName));
  return idx;
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
  const idx = indexDirectives(directives);
  for (const name of names) {
    const list = idx.get(name);
    if (!list) continue;
    for (let i = 0; i < list.length; i += 2) visit(list[i]!, list[i + 1]);
  }
}

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

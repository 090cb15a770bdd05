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

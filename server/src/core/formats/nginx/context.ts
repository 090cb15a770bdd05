import type { Host } from '../../host';
import { range } from '../../text';
import type { NginxDirective } from './ast';
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
 * Undefined when that cannot be known for sure: no includer, several, an include site
 * that is not directly in `http`, or an includer whose own includes could not all be read.
 * The directives keep their `file`, so rules can tell them from the snippet's own.
 */
export async function includerHttpContext(
  host: Host,
  file: string,
  opts: Pick<FindIncludersOptions, 'stopAt' | 'text'> & { trees?: TreeCache } = {},
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
  if (includers.length !== 1) return undefined;
  const inc = includers[0]!;
  if (inc.sites.length === 0 || !inc.sites.every((s) => s.context.length === 1 && s.context[0] === 'http')) return undefined;
  // Unknown when an include directly in http could not be read (deeper ones, inside other
  // servers, do not change what http sets), or the tree hit a limit.
  const httpIncludeMissing = inc.tree.includes.some((s) => s.context.length === 1 && s.context[0] === 'http' && s.files.length === 0 && !s.glob);
  if (httpIncludeMissing || inc.tree.problems.some((p) => p.kind === 'include-limit' || p.kind === 'include-cycle')) return undefined;
  const http = inc.tree.directives.find((d) => d.name === 'http' && d.block);
  if (!http?.block) return undefined;
  // The snippet's own top-level lines are part of the tree too: they are not context.
  return http.block.directives.filter((d) => !d.block && d.name !== 'include' && d.file !== inc.includedAs);
}

/** Whether a parsed file is a snippet meant for `http`: top-level `server` blocks, no `http`/`stream`/`mail` block. */
export function isHttpSnippet(directives: readonly NginxDirective[]): boolean {
  return directives.some((d) => d.name === 'server' && d.block) && !directives.some((d) => (d.name === 'http' || d.name === 'stream' || d.name === 'mail') && d.block);
}

/**
 * A snippet holding server blocks without an http block (sites-enabled/…) is read as
 * inside http, where nginx includes it: with the includer's http-level directives when
 * they are known, else with an `include` (with no arguments) standing for the unknown, so
 * rules treat it like any block whose include might provide a setting.
 */
export function asIncludedInHttp(directives: readonly NginxDirective[], context: readonly NginxDirective[] | undefined): readonly NginxDirective[] {
  if (!isHttpSnippet(directives)) return directives;
  const zero = range(0, 0, 0, 0);
  const known = context ?? [{ name: 'include', nameRange: zero, args: [], range: zero }];
  return [{ name: 'http', nameRange: zero, args: [], range: zero, block: { range: zero, directives: [...known, ...directives] } }];
}


import type { Range } from '../../text';
import type { NginxDirective } from './ast';
import { allowedIn } from './contexts';
import { moduleBlockOf, type EffectiveConfig, type EffectiveLocation, type EffectiveServer, type EffectiveValue, type LevelKind, type NginxModule } from './effective';
import { STOCK_BASES, type NginxBase } from './stock';

/**
 * Includes whose content is unknown (not in the workspace, not found, not read), where they
 * stand, and what they most likely set, judged from their names. A value at a level may come
 * from such an include only if the include stands at that level or an enclosing one and nginx
 * allows the directive there (contexts.ts). Rules then either leave the value unjudged (the
 * include likely sets it: one note at the include says so) or judge it and say what they
 * assumed (it likely sets nothing of the kind).
 */

/** What an include's name suggests it sets. */
export type IncludeKind = 'tls' | 'upstream-tls' | 'headers' | 'resolver' | 'redirect';

/**
 * The kinds an include pattern suggests, by its words: ssl/tls/https/letsencrypt/certbot →
 * server TLS settings (ssl_*, and a resolver for stapling); those with proxy/upstream/grpc/
 * backend too → upstream TLS (proxy_ssl_* …); hsts/header/security → add_header;
 * resolver/dns → resolver; redirect/https/force → a `return`. Anything else (proxy.conf,
 * *_params, php.conf …) sets no TLS directive.
 */
export function includeKinds(pattern: string): Set<IncludeKind> {
  const p = pattern.toLowerCase().replace(/\\/g, '/');
  const kinds = new Set<IncludeKind>();
  const word = (re: string): boolean => new RegExp(`(^|[^a-z])(${re})`).test(p);
  const tls = word('ssl|tls|https|letsencrypt|certbot|ocsp|stapling');
  if (tls) kinds.add('tls');
  if (tls && word('proxy|upstream|backend|grpc|uwsgi')) kinds.add('upstream-tls');
  if (word('hsts|header|security|sts[^a-z]|secure')) kinds.add('headers');
  if (word('resolver|dns')) kinds.add('resolver');
  if (word('redirect|https|force|rewrite')) kinds.add('redirect');
  return kinds;
}

/** Whether an include of these kinds likely sets a directive. */
export function kindsSet(kinds: ReadonlySet<IncludeKind>, name: string): boolean {
  if (/^(proxy|grpc|uwsgi)_ssl(_|$)/.test(name)) return kinds.has('upstream-tls');
  if (/^ssl(_|$)/.test(name) || name === 'http2' || name === 'http3') return kinds.has('tls');
  if (name === 'resolver' || name === 'resolver_timeout') return kinds.has('resolver') || kinds.has('tls');
  if (name === 'add_header' || name === 'add_header_inherit' || name === 'more_set_headers' || name === 'security_headers') return kinds.has('headers');
  if (name === 'return') return kinds.has('redirect');
  return false;
}

export interface UnknownInclude {
  /** The `include` directive (with `file` when it is in another file than the linted one). */
  directive: NginxDirective;
  pattern: string;
  level: LevelKind;
  kinds: Set<IncludeKind>;
}

export interface Verdict {
  /** An include that likely sets the value: do not judge it. */
  hiddenBy?: UnknownInclude;
  /** What judging it assumes (unknown includes assumed to set nothing of the kind, the platform's nginx.conf). */
  assumptions: string[];
}

/** A judgement a rule left out because of an include, for the note at that include. */
export interface Hidden {
  include: UnknownInclude;
  what: string;
  /** Where in the linted file the judgement would have been (for includes in other files). */
  at: Range;
}

function levelOf(d: NginxDirective): LevelKind {
  switch (d.name) {
    case 'http':
    case 'stream':
    case 'mail':
    case 'server':
    case 'location':
    case 'if':
    case 'limit_except':
      return d.name;
    default:
      return 'main';
  }
}

function baseName(p: string): string {
  return p.replace(/\\/g, '/').replace(/.*\//, '');
}

/** `include proxy.conf;` (line 12) — or (nginx.conf, line 12) for another file's. */
export function describeInclude(d: NginxDirective): string {
  const where = d.file !== undefined ? `${baseName(d.file)}, line ${d.range.start.line + 1}` : `line ${d.range.start.line + 1}`;
  return `\`include ${d.args[0]?.value ?? ''};\` (${where})`;
}

export function baseAssumption(base: NginxBase): string {
  if (base === 'none') return 'the http block that includes this file is not in the workspace; assumed it sets no TLS directive';
  const b = STOCK_BASES[base];
  return `no nginx.conf in the workspace includes this file; judged as included by ${b.label} (nginx.base: ${base})`;
}

const NO_PAIRS: ReadonlyArray<NginxDirective | UnknownInclude | undefined> = [];
/** Per block, the includes in it and in its nested blocks (`includePairs`), while its list is the same. */
const pairsMemo = new WeakMap<NginxDirective, { list: readonly NginxDirective[]; pairs: ReadonlyArray<NginxDirective | UnknownInclude | undefined> }>();

/**
 * The `include` directives in `list` and in the blocks nested in it, each after the block it
 * stands in (`owner` for the list's own): [owner, entry, owner, entry …] in document order.
 * Kept per block, so after an edit only the blocks on the edited path are walked again
 * (an unchanged block is the same directive object, parseCache.ts).
 */
function includePairs(list: readonly NginxDirective[], owner: NginxDirective | undefined): ReadonlyArray<NginxDirective | UnknownInclude | undefined> {
  let out: Array<NginxDirective | UnknownInclude | undefined> | undefined;
  for (const d of list) {
    if (d.block) {
      const known = pairsMemo.get(d);
      let inner: ReadonlyArray<NginxDirective | UnknownInclude | undefined>;
      if (known && known.list === d.block.directives) inner = known.pairs;
      else {
        inner = includePairs(d.block.directives, d);
        pairsMemo.set(d, { list: d.block.directives, pairs: inner });
      }
      if (inner.length) {
        out ??= [];
        for (const x of inner) out.push(x);
      }
    } else if (d.name === 'include' && d.args.length === 1) {
      const pattern = d.args[0]!.value;
      const entry: UnknownInclude = { directive: d, pattern, level: owner ? levelOf(owner) : 'main', kinds: d.guessedFrom !== undefined ? new Set() : includeKinds(pattern) };
      (out ??= []).push(owner, entry);
    }
  }
  return out ?? NO_PAIRS;
}

/** The unknown includes of a tree, by the block they stand in. */
export class UnknownIncludes {
  private readonly byBlock = new Map<NginxDirective | undefined, UnknownInclude[]>();
  readonly hidden: Hidden[] = [];

  constructor(tree: readonly NginxDirective[]) {
    const pairs = includePairs(tree, undefined);
    for (let i = 0; i < pairs.length; i += 2) {
      const owner = pairs[i] as NginxDirective | undefined;
      const entry = pairs[i + 1] as UnknownInclude;
      const at = this.byBlock.get(owner);
      if (at) at.push(entry);
      else this.byBlock.set(owner, [entry]);
    }
  }

  /** Whether any unknown include stands anywhere. */
  get any(): boolean {
    return this.byBlock.size > 0;
  }

  /** The unknown includes directly in a block. */
  in(block: NginxDirective | undefined): readonly UnknownInclude[] {
    return this.byBlock.get(block) ?? [];
  }

  /**
   * Whether unknown includes at the levels of `chain` (the enclosing blocks, outermost first:
   * http, server, location …) may set any of `names`, and what judging them assumes. With
   * `after`, only levels inside that block count (the value is set there: an include beside
   * it cannot set it again).
   */
  about(chain: readonly NginxDirective[], names: readonly string[], module: NginxModule, after?: NginxDirective, what?: string): Verdict {
    const assumptions: string[] = [];
    let start = 0;
    if (after) {
      const i = chain.indexOf(after);
      if (i >= 0) start = i + 1;
    }
    for (let i = start; i < chain.length; i++) {
      const block = chain[i]!;
      const level = levelOf(block);
      if (block.virtualBase) assumptions.push(baseAssumption(block.virtualBase));
      for (const inc of this.in(block)) {
        const allowed = names.filter((n) => allowedIn(n, level, module));
        if (allowed.length === 0) continue;
        if (inc.directive.guessedFrom !== undefined) {
          assumptions.push(`${describeInclude(inc.directive)} was read from ${inc.directive.guessedFrom}, the one workspace file whose path ends as it does`);
          continue;
        }
        if (allowed.some((n) => kindsSet(inc.kinds, n))) return { hiddenBy: inc, assumptions };
        assumptions.push(`${describeInclude(inc.directive)} is not in the workspace; assumed it sets no ${inc.kinds.size ? (what ?? allowed.join(', ')) : 'TLS directive'}`);
      }
    }
    return { assumptions };
  }

  /** Records a judgement left out because of an include (nginx/include-unknown leaves one note per include). */
  hide(include: UnknownInclude, what: string, at: Range): void {
    this.hidden.push({ include, what, at });
  }

  /**
   * `about`, for a rule about to report: undefined when an include likely sets one of `names`
   * (recorded as `what`, left out at `at`), else the assumptions to report with. With `value`
   * set explicitly somewhere in the chain, only includes inside that level count.
   */
  judge(chain: readonly NginxDirective[], names: readonly string[], module: NginxModule, what: string, at: Range, value?: EffectiveValue): string[] | undefined {
    const setAt = value && value.origin !== 'default' ? holderOf(chain, value.directives[0], value.level) : undefined;
    const v = this.about(chain, names, module, setAt, what);
    if (v.hiddenBy) {
      this.hide(v.hiddenBy, what, at);
      return undefined;
    }
    return v.assumptions;
  }
}

/**
 * The block of `chain` that holds `d` directly. The level the value was found at names it when
 * one block of the chain is of that kind (nested locations and ifs are told apart by their
 * lists), so a value inherited from an http block of thousands of servers costs no search.
 */
function holderOf(chain: readonly NginxDirective[], d: NginxDirective | undefined, level?: LevelKind): NginxDirective | undefined {
  if (!d) return undefined;
  const candidates = level === undefined ? chain : chain.filter((b) => levelOf(b) === level);
  if (candidates.length === 1) return candidates[0];
  return (candidates.length ? candidates : chain).find((b) => b.block?.directives.includes(d));
}

/** The enclosing blocks of a server, outermost first: its http/stream/mail block, itself. */
export function serverChain(cfg: EffectiveConfig, server: EffectiveServer): NginxDirective[] {
  const top = moduleBlockOf(cfg, server)?.directive;
  return top ? [top, server.directive] : [server.directive];
}

/** The enclosing blocks of a location, outermost first. */
export function locationChain(cfg: EffectiveConfig, server: EffectiveServer, parents: readonly EffectiveLocation[], loc: EffectiveLocation): NginxDirective[] {
  return [...serverChain(cfg, server), ...parents.map((p) => p.directive), loc.directive];
}

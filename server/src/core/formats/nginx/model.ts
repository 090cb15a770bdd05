/**
 * The nginx format's model of one document for one lint (`nginxFormat.model`): the parse (a
 * template read with its tags blanked), the tree the effective configuration is built from
 * (what the file's includes read spliced in, inside the includer's http context or the
 * platform's stock one, files nginx ships replaced by what they set), the effective
 * configuration, the unread includes, and what `gatherNginx` read. Everything is made on
 * first use and once.
 */
import type { TextDoc } from '../../document';
import type { ReferencedFiles } from '../../certs/referenced';
import type { Policy } from '../../policy/policy';
import type { Range } from '../../text';
import { detectFormat } from '../detect';
import type { NginxConfig, NginxDirective } from './ast';
import { asIncludedInHttp, spliceIncludes, spliceStock } from './context';
import { effectiveConfig, type EffectiveConfig } from './effective';
import type { NginxFacts } from './gather';
import type { NginxTreeProblem } from './includes';
import { parseNginxCached, parseNginxDoc } from './parseCache';
import { baseFromLayout } from './stock';
import { rawBodies, templateOf, type TemplateInfo } from './template';
import { UnknownIncludes } from './unknowns';

const NO_FILES: ReferencedFiles = new Map();

/** Every range object of directives read from other files (includer context, included files). */
function foreignRanges(list: readonly NginxDirective[], into: Set<Range>): Set<Range> {
  for (const d of list) {
    if (d.file !== undefined) {
      into.add(d.range);
      into.add(d.nameRange);
      for (const a of d.args) into.add(a.range);
      if (d.block) into.add(d.block.range);
    }
    if (d.block) foreignRanges(d.block.directives, into);
  }
  return into;
}

export class NginxModel {
  private config: NginxConfig | undefined;
  private spliced: readonly NginxDirective[] | undefined;
  private effectiveOnce: EffectiveConfig | undefined;
  private unknownsOnce: UnknownIncludes | undefined;
  private templateOnce: { read: TemplateInfo | undefined } | undefined;
  // Built on the first question only: a lint without findings never walks the tree for it.
  private foreign: Set<Range> | undefined;
  private mixed = false;

  constructor(
    readonly doc: TextDoc,
    private readonly policy: Policy,
    readonly facts: NginxFacts = {},
  ) {}

  /** A template (Go, Jinja, ERB) is read with its tags blanked (same offsets). */
  private template(): TemplateInfo | undefined {
    const doc = this.doc;
    return (this.templateOnce ??= { read: detectFormat(doc) === 'nginx' ? templateOf(doc.text, () => rawBodies(doc)) : undefined }).read;
  }

  /** The document's own parse (the blanked template's for a template). */
  parsed(): NginxConfig {
    if (this.config) return this.config;
    const t = this.template();
    return (this.config = t ? parseNginxCached(t.blanked, `${this.doc.file}\u0000template`, this.doc.lines).config : parseNginxDoc(this.doc));
  }

  /** A template that even with its tags blanked is not nginx: only the template note speaks for the file's nginx rules. */
  templateBroken(): boolean {
    return this.template() !== undefined && this.parsed().problems.some((p) => p.severity !== 'warning');
  }

  /** The tree the effective configuration is built from. */
  tree(): readonly NginxDirective[] {
    if (this.spliced) return this.spliced;
    const own = this.parsed().directives;
    const included = this.facts.included;
    const spliced = included?.size ? spliceIncludes(own, included) : own;
    const base = this.facts.base ?? this.policy.nginxBase ?? baseFromLayout(this.doc.file);
    // Files nginx ships (mime.types, snippets/snakeoil.conf …) are known content.
    const tree = spliceStock(asIncludedInHttp(spliced, this.facts.httpContext, base));
    // Findings belong to the file a directive is in: none at another file's directives.
    this.mixed = tree !== own;
    return (this.spliced = tree);
  }

  effective(): EffectiveConfig {
    return (this.effectiveOnce ??= effectiveConfig(this.tree(), { nginxVersion: this.policy.nginxVersion }));
  }

  unknowns(): UnknownIncludes {
    return (this.unknownsOnce ??= new UnknownIncludes(this.tree()));
  }

  includeProblems(): readonly NginxTreeProblem[] {
    return this.facts.includeProblems ?? [];
  }

  referencedFiles(): ReferencedFiles {
    return this.facts.referenced ?? NO_FILES;
  }

  /** Whether a range is one of a directive read from another file (only once the tree was built). */
  isForeign(range: Range): boolean {
    if (!this.mixed) return false;
    return (this.foreign ??= foreignRanges(this.spliced!, new Set())).has(range);
  }
}

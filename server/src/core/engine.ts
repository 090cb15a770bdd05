import { TextDoc } from './document';
import { SEVERITY_ORDER, compareFindings, withAssumptions, type Finding, type Severity } from './findings';
import { detectFormat, formatFromName, looksBinary, textLooksBinary, type FormatKind } from './formats/detect';
import type { NginxConfig, NginxDirective } from './formats/nginx/ast';
import { asIncludedInHttp, includeKey, isBlockSnippet, isHttpSnippet, spliceIncludes } from './formats/nginx/context';

export { includeKey } from './formats/nginx/context';
import { effectiveConfig, type EffectiveConfig } from './formats/nginx/effective';
import { loadNginxConfig, nginxConfsAbove, normalizePath, type NginxLoadOptions, type NginxTree, type NginxTreeProblem } from './formats/nginx/includes';
import { parseNginxDoc } from './formats/nginx/parseCache';
import { scanPem, type PemBlock } from './formats/pem/scanner';
import { parseYamlFile, type YamlFile } from './formats/yaml/documents';
import { materialSites, type MaterialSite } from './certs/sites';
import { containerKind, keystorePassword, readContainer, type ContainerRead } from './certs/containers';
import { loadReferencedFiles, namesReferencedFiles, type ReferencedFiles } from './certs/referenced';
import { indexedYaml, kubeViewFor, type KubeIndex, type KubeView } from './workspace/index';
import type { Host } from './host';
import type { Policy } from './policy/policy';
import { ENGINE_NOTICES, RULES, RULE_IDS } from './rules';
import { applySuppressions, scanSuppressions } from './suppressions';
import type { Report, RuleContext, RuleMeta } from './rules/rule';
import { range, type Range } from './text';
import { escapeControls } from './escape';

export interface LintOptions {
  policy: Policy;
  now: Date;
  /**
   * For an nginx snippet with top-level servers: the http-level directives of the
   * configuration that includes it (`includerHttpContext`). Without it, that http block is
   * unknown and rules stay silent about inherited values.
   */
  nginxHttpContext?: readonly NginxDirective[];
  /** Problems with this file's includes, from `loadNginxConfig` (only those located in this file). */
  nginxIncludeProblems?: readonly NginxTreeProblem[];
  /**
   * What this file's `include` directives read, from `includeContext` (keyed by `includeKey`
   * of the include): the effective configuration sees those directives in place (each with
   * its `file`); findings never point at them.
   */
  nginxIncluded?: ReadonlyMap<string, readonly NginxDirective[]>;
  /** Files this nginx file's directives name (certificates, keys, DH parameters), read by `loadReferencedFiles`. */
  nginxReferencedFiles?: ReferencedFiles;
  /** Every workspace manifest by kind/namespace/name, so Kubernetes rules follow references across files. */
  kubeIndex?: KubeIndex;
  /** A binary container read from the file's bytes (`lintContainer`): its sites stand for the document's, whose text is empty. */
  container?: ContainerRead;
}

/** Every range object of directives read from other files (includer context, included files). */
function foreignRanges(list: readonly NginxDirective[], into: WeakSet<Range>): WeakSet<Range> {
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

const NO_FILES: ReferencedFiles = new Map();

/** The effective severity of a finding of `rule`, or undefined when the policy turns it off. */
function effectiveSeverity(rule: RuleMeta, policy: Policy, proposed: Severity | undefined): Severity | undefined {
  const level = policy.rules[rule.id];
  if (level === 'off') return undefined;
  return level ?? proposed ?? rule.defaultSeverity;
}

function notice(rule: RuleMeta, file: string, policy: Policy, message: string): Finding[] {
  const severity = effectiveSeverity(rule, policy, undefined);
  return severity ? [{ ruleId: rule.id, severity, message: escapeControls(message), file, range: range(0, 0, 0, 0), fixes: [], related: [] }] : [];
}

/** True when `severity` is at or above `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER[severity] >= SEVERITY_ORDER[threshold];
}

/**
 * Lints one document. Never throws: a rule that fails becomes a `core/internal-error`
 * finding naming it, and the other rules still run.
 */
export function lintDocument(doc: TextDoc, opts: LintOptions): Finding[] {
  const { policy } = opts;
  const format = detectFormat(doc);
  const size = utf8Length(doc.text, policy.maxFileSizeBytes);
  if (size > policy.maxFileSizeBytes) {
    return notice(ENGINE_NOTICES.fileTooLarge, doc.file, policy, tooLargeMessage(size, policy));
  }
  if (format !== 'text' && format !== 'container' && textLooksBinary(doc.text)) {
    return notice(ENGINE_NOTICES.binaryFile, doc.file, policy, binaryMessage(format));
  }
  const findings: Finding[] = [];
  let nginx: NginxConfig | undefined;
  let effective: EffectiveConfig | undefined;
  let foreign: WeakSet<Range> | undefined;
  const nginxEffective = (): EffectiveConfig => {
    if (effective) return effective;
    const own = parsed().directives;
    const spliced = opts.nginxIncluded?.size ? spliceIncludes(own, opts.nginxIncluded) : own;
    const tree = asIncludedInHttp(spliced, opts.nginxHttpContext);
    // Findings belong to the file a directive is in: none at another file's directives.
    if (tree !== own) foreign = foreignRanges(tree, new WeakSet());
    return (effective = effectiveConfig(tree, { nginxVersion: policy.nginxVersion }));
  };
  let pem: PemBlock[] | undefined;
  let yamlFile: YamlFile | undefined;
  let sites: MaterialSite[] | undefined;
  let kube: KubeView | undefined;
  // The index's copy of this very text comes with its line index.
  const indexed = opts.kubeIndex?.entry(doc.file);
  if (indexed && indexed.text === doc.text) doc.adoptLines(indexed.lines);
  const blocks = (): PemBlock[] => (pem ??= scanPem(doc.text, doc.lines));
  const parsed = (): NginxConfig => (nginx ??= parseNginxDoc(doc));
  const yamlOnce = (): YamlFile => (yamlFile ??= indexedYaml(opts.kubeIndex, doc.file, doc.text) ?? parseYamlFile(doc.text, doc.lines));
  // The accessors every rule's context shares (made once per document, not once per rule).
  const includeProblems = (): readonly NginxTreeProblem[] => opts.nginxIncludeProblems ?? [];
  const referencedFiles = (): ReferencedFiles => opts.nginxReferencedFiles ?? NO_FILES;
  const sitesOnce = (): MaterialSite[] => (sites ??= opts.container ? opts.container.sites : materialSites(doc, blocks(), yamlOnce));
  const container = (): ContainerRead | undefined => opts.container;
  const kubeOnce = (): KubeView => (kube ??= kubeViewFor(doc, opts.kubeIndex, yamlOnce));
  for (const rule of RULES) {
    if (!rule.formats.includes(format)) continue;
    if (policy.rules[rule.id] === 'off') continue;
    const ctx: RuleContext = {
      doc,
      format,
      policy,
      now: opts.now,
      nginx: parsed,
      nginxIncludeProblems: includeProblems,
      nginxEffective,
      nginxReferencedFiles: referencedFiles,
      pemBlocks: blocks,
      yaml: yamlOnce,
      materialSites: sitesOnce,
      container,
      kube: kubeOnce,
      report: (r: Report) => {
        const severity = effectiveSeverity(rule, policy, r.severity);
        if (!severity || foreign?.has(r.range)) return;
        // Messages quote what files hold (names, values): never a raw control character (`escape.ts`).
        const f: Finding = {
          ruleId: rule.id,
          severity,
          message: escapeControls(withAssumptions(r.message, r.assumptions)),
          file: doc.file,
          range: r.range,
          fixes: r.fixes ?? [],
          related: (r.related ?? []).map((x) => ({ ...x, message: escapeControls(x.message) })),
        };
        if (r.resource) f.resource = r.resource;
        if (r.assumptions?.length) f.assumptions = r.assumptions.map(escapeControls);
        findings.push(f);
      },
    };
    try {
      rule.check(ctx);
    } catch (e) {
      findings.push(
        ...notice(ENGINE_NOTICES.internalError, doc.file, policy, `${rule.id} failed on this file: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
  }
  return applyInlineSuppressions(doc, format, policy, findings).sort(compareFindings);
}

/** Formats whose comments start with "#", where `# tls-lens-disable-…` comments work. */
const HASH_COMMENT_FORMATS: ReadonlySet<FormatKind> = new Set(['nginx', 'yaml', 'kubernetes', 'policy']);

function applyInlineSuppressions(doc: TextDoc, format: FormatKind, policy: Policy, findings: Finding[]): Finding[] {
  if (!HASH_COMMENT_FORMATS.has(format)) return findings;
  const suppressions = scanSuppressions(doc.text, doc.lines);
  if (suppressions.length === 0) return findings;
  const { kept, unused, unknown } = applySuppressions(findings, suppressions, RULE_IDS);
  const located = (rule: RuleMeta, items: ReadonlyArray<{ range: Range; message: string }>): Finding[] => {
    const severity = effectiveSeverity(rule, policy, undefined);
    return severity ? items.map((i) => ({ ruleId: rule.id, severity, message: escapeControls(i.message), file: doc.file, range: i.range, fixes: [], related: [] })) : [];
  };
  // A suppression for a rule the policy turns off is not "unused": it may matter under another policy.
  const reallyUnused = unused.filter((u) => policy.rules[u.ruleId] !== 'off');
  return [...kept, ...located(ENGINE_NOTICES.unusedSuppression, reallyUnused), ...located(ENGINE_NOTICES.unknownSuppression, unknown)];
}

/**
 * The UTF-8 size of a text, as the file on disk would have it, so the editor and the CLI
 * apply the cap alike. Skips the count when the UTF-16 length already decides.
 */
function utf8Length(text: string, cap: number): number {
  if (text.length > cap || text.length * 3 <= cap) return text.length;
  return Buffer.byteLength(text, 'utf8');
}

/** Whether a text is over the policy's size cap (then it is neither linted nor hovered). */
export function overSizeCap(text: string, policy: Policy): boolean {
  return utf8Length(text, policy.maxFileSizeBytes) > policy.maxFileSizeBytes;
}

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

function kib(bytes: number): string {
  const k = bytes / 1024;
  return Number.isInteger(k) ? String(k) : k.toFixed(1);
}

function tooLargeMessage(size: number, policy: Policy): string {
  return `file is ${kib(size)} KiB, over the ${kib(policy.maxFileSizeBytes)} KiB cap (tlsLens.maxFileSizeKb / --max-file-size-kb); not linted`;
}

function binaryMessage(format: FormatKind): string {
  return `file holds binary data, not ${format === 'pem' ? 'PEM text (a DER file?)' : format + ' text'}; not linted`;
}

export type FileLintResult = { findings: Finding[] } | { error: string };

/** Lints what a binary container holds: the certificate rules on its sites, `cert/container` on its notes. */
export function lintContainer(display: string, container: ContainerRead, opts: LintOptions): Finding[] {
  return lintDocument(new TextDoc(display, '', undefined, 'container'), { ...opts, container });
}

/** Whether a file on disk is one TLS Lens looks at when walking a directory. */
export function isCandidateName(path: string): boolean {
  return formatFromName(path) !== undefined || /\.(conf|json|md|txt)$/i.test(path);
}

/**
 * Lints a file through the host: size cap first (without reading it), then binary
 * check, then the document pipeline. `display` is the name findings carry.
 */
export async function lintFile(
  host: Host,
  path: string,
  display: string,
  opts: LintOptions & { resolveHttpContext?: (path: string) => Promise<readonly NginxDirective[] | undefined> },
): Promise<FileLintResult> {
  let bytes: Uint8Array;
  try {
    const st = await host.stat(path);
    if (!st) return { error: `${display}: no such file` };
    if (!st.isFile) return { error: `${display}: not a file` };
    if (st.size > opts.policy.maxFileSizeBytes) {
      return { findings: notice(ENGINE_NOTICES.fileTooLarge, display, opts.policy, tooLargeMessage(st.size, opts.policy)) };
    }
    bytes = await host.readFile(path);
  } catch (e) {
    return { error: `${display}: ${e instanceof Error ? e.message : String(e)}` };
  }
  // Binary certificate containers (DER, PKCS#7, PKCS#12, JKS) are read from their bytes.
  const kind = containerKind(path, bytes);
  if (kind) return { findings: lintContainer(display, readContainer(kind, bytes, keystorePassword(opts.policy, host, path)), opts) };
  if (looksBinary(bytes)) {
    const format = formatFromName(path);
    return { findings: format ? notice(ENGINE_NOTICES.binaryFile, display, opts.policy, binaryMessage(format)) : [] };
  }
  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // The format comes from the real path: the display name may have lost the folders
  // (sites-enabled/, conf.d/) that say what the file is.
  const doc = new TextDoc(display, text, undefined, detectFormat(new TextDoc(path, text)));
  let lintOpts: LintOptions = opts;
  if (hasNginxIncludes(doc)) {
    const { problems, included } = await includeContext(host, path, () => text);
    lintOpts = { ...lintOpts, nginxIncludeProblems: problems, nginxIncluded: included };
  }
  if (doc.format === 'nginx' && namesReferencedFiles(text)) lintOpts = { ...lintOpts, nginxReferencedFiles: await loadReferencedFiles(host, path, text, opts.policy) };
  if (opts.resolveHttpContext && needsHttpContext(doc)) {
    const context = await opts.resolveHttpContext(path).catch(() => undefined);
    if (context) lintOpts = { ...lintOpts, nginxHttpContext: context };
  }
  return { findings: lintDocument(doc, lintOpts) };
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
  } = {},
): Promise<{ problems: NginxTreeProblem[]; included: Map<string, NginxDirective[]> }> {
  const self = normalizePath(path);
  const included = new Map<string, NginxDirective[]>();
  let tree: NginxTree;
  try {
    const others = opts.others;
    const load = opts.loadTree ?? ((entry: string, o: NginxLoadOptions) => loadNginxConfig(host, entry, o));
    tree = await load(self, { text: (p) => (p === self ? text(p) : others?.(p)) });
    // A cached tree may predate this text: then read afresh.
    if (opts.loadTree && tree.files.get(self)?.text !== text(self)) tree = await loadNginxConfig(host, self, { text: (p) => (p === self ? text(p) : others?.(p)) });
  } catch {
    return { problems: [], included };
  }
  const problems = await ownIncludeProblems(host, self, tree);
  const haveConf = (await nginxConfsAbove(host, self).catch(() => [])).length > 0;
  const broken = tree.problems.filter((p) => INCLUDE_PROBLEMS.has(p.kind) || p.kind === 'read-error');
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
    if (site.files.length === 0 && !site.glob) continue;
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
    // Nested includes below it were all read: what they read stands in their place.
    included.set(includeKey(site.directive), withoutIncludes(content.get(site.directive) ?? []));
  }
  return { problems, included };
}

/** Directives with `include` lines removed at every depth (their content is already spliced in). */
function withoutIncludes(list: readonly NginxDirective[]): NginxDirective[] {
  return list.filter((d) => d.name !== 'include' || d.block).map((d) => (d.block ? { ...d, block: { range: d.block.range, directives: withoutIncludes(d.block.directives) } } : d));
}

async function ownIncludeProblems(host: Host, self: string, tree: NginxTree): Promise<NginxTreeProblem[]> {
  try {
    // Without an nginx.conf above, relative includes cannot be resolved as nginx would (against
    // its configuration prefix): a "not found" for them would be a guess.
    const haveConf = (await nginxConfsAbove(host, self)).length > 0;
    const own = tree.problems.filter(
      (p) => p.file === self && INCLUDE_PROBLEMS.has(p.kind) && (haveConf || p.kind !== 'include-not-found' || isAbsoluteInclude(tree, p)),
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

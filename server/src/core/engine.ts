import { TextDoc } from './document';
import { SEVERITY_ORDER, compareFindings, withAssumptions, type Finding, type Severity } from './findings';
import { detectFormat, formatFromName, looksBinary, textLooksBinary, withoutCopySuffix, type FormatKind } from './formats/detect';

import { scanPem, type PemBlock } from './formats/pem/scanner';
import type { YamlFile } from './formats/yaml/documents';
import { parseYamlCached } from './formats/yaml/parseCache';
import { resourceKindKey } from './formats/kube/resources';
import { materialSites, type MaterialSite } from './certs/sites';
import { containerKind, keystorePassword, readContainer, type ContainerRead } from './certs/containers';
import { indexedYaml, kubeViewFor, type KubeIndex, type KubeView } from './workspace/index';
import type { Host } from './host';
import type { Policy } from './policy/policy';
import { ENGINE_NOTICES, FORMAT_NEUTRAL_RULES, RULES, RULE_IDS, formatContext } from './rules';
import type { FormatFacts, FormatGatherOptions, FormatModule, NamedMaterial } from './formats/format';
import { formatModule, formatModules } from './formats/registry';
import { applySuppressions, scanSuppressions } from './suppressions';
import type { Report, Rule, RuleContext, RuleMeta } from './rules/rule';
import { normalizePath, range, type Range } from './text';
import { escapeControls } from './escape';

export interface LintOptions {
  policy: Policy;
  now: Date;
  /** Every workspace manifest by kind/namespace/name, so Kubernetes rules follow references across files. */
  kubeIndex?: KubeIndex;
  /** What a registered format's `gather` read for this document (`gatherFacts`). */
  facts?: FormatFacts;
  /** A binary container read from the file's bytes (`lintContainer`): its sites stand for the document's, whose text is empty. */
  container?: ContainerRead;
}

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
  let pem: PemBlock[] | undefined;
  let yamlFile: YamlFile | undefined;
  let sites: MaterialSite[] | undefined;
  let kube: KubeView | undefined;
  // The index's copy of this very text comes with its line index.
  const indexed = opts.kubeIndex?.entry(doc.file);
  if (indexed && indexed.text === doc.text) doc.adoptLines(indexed.lines);
  const blocks = (): PemBlock[] => (pem ??= scanPem(doc.text, doc.lines));
  const yamlOnce = (): YamlFile => (yamlFile ??= indexedYaml(opts.kubeIndex, doc.file, doc.text) ?? parseYamlCached(doc.text, doc.file, doc.lines));
  // The accessors every rule's context shares (made once per document, not once per rule).
  const sitesOnce = (): MaterialSite[] => (sites ??= opts.container ? opts.container.sites : materialSites(doc, blocks(), yamlOnce));
  const container = (): ContainerRead | undefined => opts.container;
  const kubeOnce = (): KubeView => (kube ??= kubeViewFor(doc, opts.kubeIndex, yamlOnce));
  // A registered format (formats/registry.ts): its model once per lint, and the files it names.
  const module = formatModule(format);
  const models = new Map<string, unknown>();
  const modelOf = <M>(m: FormatModule<string, M>): M => {
    if (!models.has(m.id)) models.set(m.id, m.model({ doc, policy, ...(opts.facts?.format === m.id ? { facts: opts.facts.value } : {}) }));
    return models.get(m.id) as M;
  };
  // The accessors of formats whose rules still read them from the context (`ctx.nginxEffective()` …).
  const formatAccessors = formatContext(modelOf);
  let named: readonly NamedMaterial[] | undefined;
  const namedOnce = (): readonly NamedMaterial[] => (named ??= module?.namedMaterial?.(modelOf(module)) ?? []);
  // The kinds of a manifest's resources: a rule for other kinds does not run (`Rule.kinds`).
  let kinds: Set<string> | undefined;
  const judged = (rule: Rule): boolean => {
    if (!rule.kinds || format !== 'kubernetes') return true;
    kinds ??= new Set(kubeOnce().resources.map(resourceKindKey));
    return rule.kinds.some((k) => kinds!.has(k));
  };
  for (const rule of RULES) {
    // Format-neutral rules (cert/*) judge the material any registered format names.
    if (!rule.formats.includes(format) && !(module && FORMAT_NEUTRAL_RULES.has(rule))) continue;
    if (policy.rules[rule.id] === 'off') continue;
    if (module?.skipsRule?.(modelOf(module), rule.id)) continue;
    const ctx: RuleContext = {
      doc,
      format,
      policy,
      now: opts.now,
      ...formatAccessors,
      pemBlocks: blocks,
      yaml: yamlOnce,
      materialSites: sitesOnce,
      container,
      kube: kubeOnce,
      model: modelOf,
      namedMaterial: namedOnce,
      report: (r: Report) => {
        const severity = effectiveSeverity(rule, policy, r.severity);
        if (!severity) return;
        // Findings belong to the file a directive is in: none at text read from another file.
        if (module?.isForeign?.(modelOf(module), r.range)) return;
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
      if (judged(rule)) rule.check(ctx);
    } catch (e) {
      findings.push(
        ...notice(ENGINE_NOTICES.internalError, doc.file, policy, `${rule.id} failed on this file: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
  }
  return applyInlineSuppressions(doc, format, policy, findings).sort(compareFindings);
}

/** Formats whose comments start with "#", where `# tls-lens-disable-…` comments work. */
const HASH_COMMENT_FORMATS: ReadonlySet<FormatKind> = new Set(['yaml', 'kubernetes', 'policy']);

/** Whether `# tls-lens-disable-…` comments are read in this format (the editor offers to write them there). */
export function readsSuppressions(format: FormatKind): boolean {
  return HASH_COMMENT_FORMATS.has(format) || formatModule(format)?.lineComment === '#';
}

function applyInlineSuppressions(doc: TextDoc, format: FormatKind, policy: Policy, findings: Finding[]): Finding[] {
  if (!readsSuppressions(format)) return findings;
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

/** `skipped`: the file was not linted (binary with no format, or a format TLS Lens does not read): a summary does not count it as checked. */
export type FileLintResult = { findings: Finding[]; skipped?: string } | { error: string };

/** Lints what a binary container holds: the certificate rules on its sites, `cert/container` on its notes. */
export function lintContainer(display: string, container: ContainerRead, opts: LintOptions): Finding[] {
  return lintDocument(new TextDoc(display, '', undefined, 'container'), { ...opts, container });
}

/** Whether a file on disk is one TLS Lens looks at when walking a directory. */
export function isCandidateName(path: string): boolean {
  return formatFromName(path) !== undefined || /\.(conf|json|md|txt)$/i.test(withoutCopySuffix(path)) || formatModules().some((m) => m.candidate(path));
}

/**
 * Reads, through the host, the workspace facts a registered format's rules need for a
 * document (`FormatModule.gather`); undefined for built-in formats. `root`: nothing outside
 * it is read. Never throws.
 */
export async function gatherFacts(
  host: Host,
  path: string,
  doc: TextDoc,
  policy: Policy,
  opts: { root?: string; text?: (path: string) => string | undefined; options?: FormatGatherOptions } = {},
): Promise<FormatFacts | undefined> {
  const m = formatModule(detectFormat(doc));
  if (!m?.gather) return undefined;
  try {
    const input: Parameters<NonNullable<FormatModule['gather']>>[0] = { host, path, doc, policy };
    if (opts.root !== undefined) input.root = opts.root;
    if (opts.text) input.text = opts.text;
    if (opts.options) input.options = opts.options;
    return { format: m.id, value: await m.gather(input) };
  } catch {
    return undefined;
  }
}

/**
 * Lints a file through the host: size cap first (without reading it), then binary
 * check, then the document pipeline. `display` is the name findings carry.
 */
export async function lintFile(
  host: Host,
  path: string,
  display: string,
  opts: LintOptions & {
    /** The workspace folder: a registered format's facts are read only inside it. */
    root?: string;
    /** What the formats' `gather` may use that the caller keeps across files (nginx: its tree cache, the includer's context). */
    gather?: FormatGatherOptions;
  },
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
    // A binary file under a container's name that is no certificate container (a DER CSR, DH parameters): not ours.
    if (format === 'container') return { findings: [], skipped: 'binary' };
    return format ? { findings: notice(ENGINE_NOTICES.binaryFile, display, opts.policy, binaryMessage(format)), skipped: 'binary' } : { findings: [], skipped: 'binary' };
  }
  const decoded = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const bom = decoded.charCodeAt(0) === 0xfeff;
  let text = bom ? decoded.slice(1) : decoded;
  // The format comes from the real path: the display name may have lost the folders
  // (sites-enabled/, conf.d/) that say what the file is.
  const format = detectFormat(new TextDoc(path, text));
  // A product that refuses a byte order mark (nginx): the text keeps it, for a rule to say so.
  if (bom && formatModule(format)?.keepsByteOrderMark) text = decoded;
  // Parsed under the real path, as the include loader and the referenced-file reader parse it.
  const doc = new TextDoc(display, text, undefined, format, normalizePath(path));
  if (format === 'apache') return { findings: lintDocument(doc, opts), skipped: 'apache' };
  let lintOpts: LintOptions = opts;
  const gather: Parameters<typeof gatherFacts>[4] = {};
  if (opts.root !== undefined) gather.root = opts.root;
  if (opts.gather) gather.options = opts.gather;
  const facts = await gatherFacts(host, path, doc, opts.policy, gather);
  if (facts) lintOpts = { ...lintOpts, facts };
  return { findings: lintDocument(doc, lintOpts) };
}


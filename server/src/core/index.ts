/** The TLS Lens core: pure TLS knowledge shared by the language server, the CLI and tests. */
export { TextDoc } from './document';
export {
  lintDocument,
  lintFile,
  isCandidateName,
  atLeast,
  overSizeCap,
  gatherFacts,
  readsSuppressions,
  type LintOptions,
  type FileLintResult,
} from './engine';
export { gatherNginx, hasNginxIncludes, includeContext, includeProblems, layoutBase, needsHttpContext, type NginxFacts } from './formats/nginx/gather';
export type { Finding, Fix, Severity, RuleLevel, TextEdit, RelatedLocation, ResourceRef } from './findings';
export { SEVERITY_ORDER, compareFindings, withAssumptions } from './findings';
export { detectFormat, type FormatKind } from './formats/detect';
export type { Host, FileStat, DirEntry } from './host';
export { MemoryHost } from './host';
export { ConfinedHost } from './confinedHost';
export { formatHoverAt, hoverAt, type HoverResult } from './hover';
export { DEFAULT_POLICY, REQUIREMENT_KEYS, THRESHOLD_KEYS, VERSION_KEYS, resolvePolicy, type Policy, type PolicyInput, type Requirements, type Thresholds } from './policy/policy';
export { parsePolicyFile, POLICY_FILE_NAME, POLICY_FILE_NAMES, POLICY_KEYS, type PolicyFile } from './policy/policyFile';
export { PROFILES, type ProfileName } from './policy/profiles';
export { ALL_RULES, RULE_IDS, ruleDocPath } from './rules';
export type { RuleMeta } from './rules/rule';
export type { Position, Range } from './text';
export { walkFiles, type WalkOptions } from './workspace/walk';
export { KubeIndex, KubeView } from './workspace/index';
export { IndexedFilesHost, indexFile, indexFiles, mayHoldManifests } from './workspace/indexFiles';
export { PolicyFileFinder, ignoredByPolicyFile, type LoadedPolicyFile } from './policy/discover';
export { toJsonReport, type JsonReport } from './report/json';
export { toSarif, type SarifOptions } from './report/sarif';
export { toText } from './report/text';
export { applyEdits, combineFixes, type FixStats } from './fixes';
export { cachingTreeLoader, includerHttpContext, isHttpSnippet, type TreeCache } from './formats/nginx/context';
export { NginxTreeCache } from './formats/nginx/treeCache';
export { loadNginxConfig, normalizePath, trailingPathGuesser, type NginxLoadOptions, type NginxTree, type PathGuess } from './formats/nginx/includes';
export { NGINX_BASES, STOCK_BASES, STOCK_FILES, baseFromLayout, type NginxBase } from './formats/nginx/stock';
export { clearParseCache } from './formats/nginx/parseCache';
export { loadReferencedFiles, namesReferencedFiles, type ReferencedFile, type ReferencedFiles } from './certs/referenced';
export type { NginxDirective } from './formats/nginx/ast';
export type { FormatFacts, FormatGatherOptions, FormatModule } from './formats/format';
export { formatModule, formatModules } from './formats/registry';

import type { Range } from './text';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
/** What a policy or setting may say about a rule. */
export type RuleLevel = Severity | 'off';

export const SEVERITY_ORDER: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

/** A Kubernetes object a finding is about. */
export interface ResourceRef {
  kind: string;
  name: string;
  namespace?: string;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A quick fix: edits to the finding's own file. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix a person would pick first. */
  preferred?: boolean;
}

/** Another place that explains the finding (an including file, the Secret an Ingress names). */
export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** The file as the caller named it (a path for the CLI, a path from a URI in the server). */
  file: string;
  range: Range;
  resource?: ResourceRef;
  fixes: Fix[];
  related: RelatedLocation[];
  /**
   * What the judgement assumed because the workspace does not say (an include that is not
   * there, a stock nginx.conf, a Secret kept elsewhere). Each is one sentence; the engine
   * also appends them to the message, so every front shows them.
   */
  assumptions?: string[];
}

/** The message with the finding's assumptions appended, as every front shows it. */
export function withAssumptions(message: string, assumptions: readonly string[] | undefined): string {
  if (!assumptions?.length) return message;
  return `${message} (assumed: ${assumptions.join('; ')})`;
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  );
}

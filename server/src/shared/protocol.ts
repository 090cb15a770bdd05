import { CertificateClientCommands } from './certificates';

export * from './certificates';
export * from './status';
export { plural, severityCounts } from '../core/words';

/** `tlsLens/probeTargets` → `ProbeTargetsResult`: the endpoints the workspace defines, for the Probe Endpoint input. */
export const ProbeTargetsRequest = 'tlsLens/probeTargets';

export interface ProbeTargetItem {
  /** host[:port], as the probe command takes it. */
  target: string;
  /** Where it is defined (a path) and its URI, with the 0-based line. */
  file: string;
  uri: string;
  line: number;
}

export interface ProbeTargetsResult {
  targets: ProbeTargetItem[];
  /** More were defined than were returned. */
  truncated: boolean;
}

/**
 * What a client tells the server in `initializationOptions`: the VS Code client shows rule
 * pages rendered (a Markdown preview), so "Show documentation" code actions call its command.
 */
export interface TlsLensInitializationOptions {
  showDocumentationCommand?: string;
}

/** Commands the server executes (`workspace/executeCommand`) and what they return. */
export const ServerCommands = {
  /** Lints every candidate file in the workspace folders, with progress; returns CheckWorkspaceResult. */
  checkWorkspace: 'tlsLens.server.checkWorkspace',
  /** Probes one live endpoint (ProbeParams), with progress and cancel; returns ProbeCommandResult (shared/probe.ts). */
  probe: 'tlsLens.server.probe',
  /** Arguments: a document URI. Applies its "Fix all" with `workspace/applyEdit` (for clients that do not resolve code actions). */
  fixAll: 'tlsLens.server.fixAll',
  /** Arguments: a rule id. Opens its page with `window/showDocument` (for clients without their own viewer). */
  showRuleDocumentation: 'tlsLens.server.showRuleDocumentation',
} as const;

export interface CheckWorkspaceResult {
  filesChecked: number;
  filesWithFindings: number;
  findings: { error: number; warning: number; info: number; hint: number };
  cancelled: boolean;
  /** Paths (or folders) that could not be read, with why. */
  errors: string[];
}

/** Client-side command ids contributed in package.json. */
export const ClientCommands = {
  checkWorkspace: 'tlsLens.checkWorkspace',
  restartServer: 'tlsLens.restartServer',
  showOutput: 'tlsLens.showOutput',
  probeEndpoint: 'tlsLens.probeEndpoint',
  /** Not in the palette: opens the configuration line a probe report links (its index in `configLinks`). */
  probeOpenConfig: 'tlsLens.probeOpenConfig',
  /** Arguments: a rule id. Opens its page rendered and read-only (Markdown preview). */
  showRuleDocumentation: 'tlsLens.showRuleDocumentation',
  /** Opens the policy file in effect for the active editor (the language status item's action). */
  openPolicyFile: 'tlsLens.openPolicyFile',
  ...CertificateClientCommands,
} as const;

import { CertificateClientCommands } from './certificates';

export * from './certificates';

/** Commands the server executes (`workspace/executeCommand`) and what they return. */
export const ServerCommands = {
  /** Lints every candidate file in the workspace folders, with progress; returns CheckWorkspaceResult. */
  checkWorkspace: 'tlsLens.server.checkWorkspace',
  /** Probes one live endpoint (ProbeParams), with progress and cancel; returns ProbeCommandResult (shared/probe.ts). */
  probe: 'tlsLens.server.probe',
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
  ...CertificateClientCommands,
} as const;

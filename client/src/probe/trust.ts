/**
 * Whether a probe must be confirmed first: a host taken from a file (a CodeLens over an
 * nginx `server_name` or a manifest host) in a workspace the person has not trusted. A host
 * typed into the command, or any probe in a trusted workspace, starts at once. No vscode
 * import: the command passes `vscode.workspace.isTrusted`.
 */
export function probeNeedsConfirmation(args: { fromFile?: string } | undefined, workspaceTrusted: boolean): boolean {
  return !workspaceTrusted && typeof args?.fromFile === 'string' && args.fromFile.length > 0;
}

/** The question asked; `file` as the workspace names it. */
export function confirmationMessage(target: string, file: string): string {
  return `Probe ${target}? The host comes from ${file} in a workspace you have not trusted; TLS Lens will connect to it over the network.`;
}

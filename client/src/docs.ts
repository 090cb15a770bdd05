/**
 * Rule pages, shown rendered and read-only: the Markdown preview of `docs/rules/<id>.md`
 * shipped in the extension, never the raw file in an editor. Diagnostics' links and the
 * "Show documentation" code action both end here.
 */
import * as vscode from 'vscode';
import { ClientCommands } from '../../server/src/shared/protocol';

const RULE_ID = /^[a-z0-9-]+\/[a-z0-9-]+$/;

/** The command URI a diagnostic's code links to (VS Code opens command links from Problems and hovers). */
export function ruleDocumentationLink(ruleId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: 'command', path: ClientCommands.showRuleDocumentation, query: JSON.stringify([ruleId]) });
}

/** Opens a rule's page in the Markdown preview; returns the page's URI, or undefined when the rule has none. */
export async function showRuleDocumentation(context: vscode.ExtensionContext, ruleId: unknown): Promise<vscode.Uri | undefined> {
  if (typeof ruleId !== 'string' || !RULE_ID.test(ruleId)) return undefined;
  const page = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', ...ruleId.split('/').map((p, i, all) => (i === all.length - 1 ? `${p}.md` : p)));
  try {
    await vscode.workspace.fs.stat(page);
  } catch {
    void vscode.window.showWarningMessage(`TLS Lens: no documentation page for ${ruleId}.`);
    return undefined;
  }
  await vscode.commands.executeCommand('markdown.showPreview', page);
  return page;
}

/** Diagnostics from the server link their rule's page as a file; in VS Code the link shows it rendered instead. */
export function linkRulePages(diagnostics: vscode.Diagnostic[]): vscode.Diagnostic[] {
  for (const d of diagnostics) {
    if (d.source !== 'tls-lens' || typeof d.code !== 'object' || d.code === null) continue;
    const id = String(d.code.value);
    if (RULE_ID.test(id)) d.code = { value: id, target: ruleDocumentationLink(id) };
  }
  return diagnostics;
}

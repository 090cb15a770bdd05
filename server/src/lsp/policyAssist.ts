import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionParams, type Hover, type Position, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ALL_RULES } from '../core';
import { policyCompletions, policyHover } from '../core/policy/assist';
import { policySchema, type PolicySchema } from '../core/policy/schema';
import { ruleDocFile } from '../install';
import { pathToUri } from './convert';
import type { DocumentLinter } from './diagnostics';

let schema: PolicySchema | undefined;

/** The policy schema the server's own completion and hover read (the one `schemas/` publishes). */
function theSchema(): PolicySchema {
  return (schema ??= policySchema(ALL_RULES));
}

/**
 * Completion in a policy file (`.tls-lens.yaml`, or the file `tlsLens.policyFile` names):
 * keys and values from the schema. Other documents get none from TLS Lens.
 */
export async function policyCompletion(documents: TextDocuments<TextDocument>, linter: DocumentLinter, params: CompletionParams, snippets: boolean): Promise<CompletionItem[]> {
  const doc = documents.get(params.textDocument.uri);
  if (!doc || (await linter.formatOf(doc)) !== 'policy') return [];
  return policyCompletions(doc.getText(), params.position, theSchema()).map((c, i) => {
    const newText = snippets || !c.snippet ? c.insertText : c.insertText.replace(/\$0/g, '');
    const item: CompletionItem = {
      label: c.label,
      kind: c.kind === 'key' ? CompletionItemKind.Property : CompletionItemKind.EnumMember,
      textEdit: { range: c.range, newText },
      insertTextFormat: snippets && c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      // Schema order (profiles, levels quietest first), not alphabetical.
      sortText: String(i).padStart(4, '0'),
    };
    if (c.detail) item.detail = c.detail;
    if (c.documentation) item.documentation = { kind: MarkupKind.Markdown, value: c.documentation };
    return item;
  });
}

/** The hover in a policy file: a key's or value's description; a rule id links its page. */
export function policyFileHover(text: string, position: Position, docsLink: (ruleId: string) => string | undefined): Hover | null {
  const h = policyHover(text, position, theSchema());
  if (!h) return null;
  const link = h.ruleId ? docsLink(h.ruleId) : undefined;
  return { contents: { kind: MarkupKind.Markdown, value: link ? `${h.markdown}\n\n[Documentation](${link})` : h.markdown }, range: h.range };
}

/** A rule page's file URI, for clients that open links themselves. */
export function ruleDocUri(ruleId: string): string | undefined {
  const f = ruleDocFile(ruleId);
  return f ? pathToUri(f) : undefined;
}

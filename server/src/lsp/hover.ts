import { MarkupKind, type Hover, type HoverParams, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { TextDoc, hoverAt, type Host } from '../core';
import { uriToPath } from './convert';

export function hover(documents: TextDocuments<TextDocument>, host: Host, params: HoverParams): Hover | null {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return null;
  const result = hoverAt(new TextDoc(uriToPath(doc.uri), doc.getText(), doc.languageId), params.position, host.now());
  return result ? { contents: { kind: MarkupKind.Markdown, value: result.markdown }, range: result.range } : null;
}

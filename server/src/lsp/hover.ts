import { MarkupKind, type Hover, type HoverParams, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { detectFormat, formatHoverAt, formatModule, hoverAt, overSizeCap, type Host } from '../core';
import type { DocumentLinter } from './diagnostics';
import { policyFileHover } from './policyAssist';

/**
 * The hover for a position; nothing where TLS Lens is off, the file ignored or over the size
 * cap. In a policy file, the schema's description of the key or value (`docsLink` gives a
 * rule id's page link).
 */
export async function hover(documents: TextDocuments<TextDocument>, linter: DocumentLinter, host: Host, params: HoverParams, docsLink: (ruleId: string) => string | undefined): Promise<Hover | null> {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return null;
  const { textDoc, policy, enabled } = await linter.prepare(doc);
  if (!enabled || overSizeCap(textDoc.text, policy)) return null;
  if (detectFormat(textDoc) === 'policy') return policyFileHover(textDoc.text, params.position, docsLink);
  // A registered format's own hover (HAProxy keywords, effective settings, the files a path names).
  // Only a format with its own hover reads its facts for one (nginx's hover below reads what it needs).
  const own = formatModule(detectFormat(textDoc))?.hover ? formatHoverAt(textDoc, params.position, host.now(), policy, await linter.facts(textDoc, policy)) : undefined;
  if (own) return { contents: { kind: MarkupKind.Markdown, value: own.markdown }, range: own.range };
  const context = await linter.httpContext(textDoc, undefined, undefined, policy);
  // The files the nginx file names (certificates, keys, DH parameters): hovering a path shows what it holds.
  const referenced = await linter.referencedFilesForHover(textDoc, policy);
  const result = hoverAt(textDoc, params.position, host.now(), policy, context, referenced, await linter.included(textDoc, policy));
  return result ? { contents: { kind: MarkupKind.Markdown, value: result.markdown }, range: result.range } : null;
}

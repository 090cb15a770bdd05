import type { CodeLens, CodeLensParams, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { overSizeCap } from '../core';
import { endpointsInDocument } from '../core/probe/targets';
import { ClientCommands } from '../shared/protocol';
import type { DocumentLinter } from './diagnostics';

/**
 * A "Probe" lens above each plain `server_name` of an nginx TLS server. It only offers the
 * client's command (with the file it came from, so an untrusted workspace confirms first);
 * nothing is contacted until a person clicks it. (The document as the linter sees it: the
 * same name, so the parse the lint made is shared.)
 */
export async function probeLenses(documents: TextDocuments<TextDocument>, linter: DocumentLinter, params: CodeLensParams): Promise<CodeLens[]> {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  // Nothing is read where TLS Lens is off or the file is over the size cap.
  const { textDoc, policy, enabled } = await linter.prepare(doc);
  if (!enabled || overSizeCap(textDoc.text, policy)) return [];
  return endpointsInDocument(textDoc).map((e) => ({
    range: e.range,
    command: { title: `Probe ${e.target}`, command: ClientCommands.probeEndpoint, arguments: [{ target: e.target, fromFile: doc.uri }] },
  }));
}

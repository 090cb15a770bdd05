import type { CodeLens, CodeLensParams, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { TextDoc } from '../core';
import { endpointsInDocument } from '../core/probe/targets';
import { ClientCommands } from '../shared/protocol';
import { uriToPath } from './convert';

/**
 * A "Probe" lens above each plain `server_name` of an nginx TLS server. It only offers the
 * client's command (with the file it came from, so an untrusted workspace confirms first);
 * nothing is contacted until a person clicks it.
 */
export function probeLenses(documents: TextDocuments<TextDocument>, params: CodeLensParams): CodeLens[] {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  return endpointsInDocument(new TextDoc(uriToPath(doc.uri), doc.getText(), doc.languageId)).map((e) => ({
    range: e.range,
    command: { title: `Probe ${e.target}`, command: ClientCommands.probeEndpoint, arguments: [{ target: e.target, fromFile: doc.uri }] },
  }));
}

import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { TextDoc, detectFormat } from '../core';
import type { FileStatus, StatusParams } from '../shared/status';
import { uriToPath } from './convert';
import type { DocumentLinter } from './diagnostics';
import type { PolicyResolver } from './policy';
import type { SettingsCache } from './settings';

/** `tlsLens/status`: what governs a file (profile, policy file, overridden settings), for the editor's status item. */
export async function fileStatus(
  documents: TextDocuments<TextDocument>,
  linter: DocumentLinter,
  policies: PolicyResolver,
  settings: SettingsCache,
  params: StatusParams,
): Promise<FileStatus | null> {
  const uri = params?.textDocument?.uri;
  if (typeof uri !== 'string') return null;
  const file = uriToPath(uri);
  const doc = documents.get(uri);
  const format = doc ? await linter.formatOf(doc) : detectFormat(new TextDoc(file, ''));
  return policies.status(file, await settings.get(uri), format);
}

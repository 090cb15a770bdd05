import type { CodeLens, CodeLensParams, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { overSizeCap, type Host } from '../core';
import { inventoryDocument } from '../core/certs/inventory';
import { materialSites } from '../core/certs/sites';
import { ClientCommands } from '../shared/protocol';
import type { DocumentLinter } from './diagnostics';
import type { SettingsCache } from './settings';

/**
 * Lenses are made for the first this many sites of a document; a huge bundle gets one more
 * lens saying how many were left out (the inventory and `tls-lens inspect` list them all).
 */
export const MAX_LENS_SITES = 1000;

/**
 * A CodeLens above each certificate (`CN=api.example.com · 3 SANs · expires 2027-01-10 (49 d)`,
 * then "Show details") and each private key (`RSA 2048 private key`). Both run the client
 * command that opens the details view for the bundle.
 */
export async function codeLenses(
  documents: TextDocuments<TextDocument>,
  linter: DocumentLinter,
  settings: SettingsCache,
  host: Host,
  params: CodeLensParams,
): Promise<CodeLens[]> {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  if (!(await settings.get(doc.uri)).codeLens) return [];
  const { textDoc, policy, enabled } = await linter.prepare(doc);
  if (!enabled || overSizeCap(textDoc.text, policy)) return [];
  const lenses: CodeLens[] = [];
  const sites = materialSites(textDoc);
  const shown = sites.slice(0, MAX_LENS_SITES);
  for (const e of inventoryDocument(textDoc, host.now(), policy.thresholds, { sites: shown })) {
    const args: unknown[] = [doc.uri, e.anchor.start];
    if (e.kind === 'certificate' && e.chain) args.push(e.chain.index);
    const range = e.anchor;
    lenses.push({ range, command: { title: e.title, command: ClientCommands.showCertificateDetails, arguments: args } });
    if (e.kind === 'certificate') {
      const chain = e.chain && e.chain.size > 1 ? ` (${e.chain.index + 1} of ${e.chain.size})` : '';
      lenses.push({ range, command: { title: `Show details${chain}`, command: ClientCommands.showCertificateDetails, arguments: args } });
    }
  }
  const first = sites[MAX_LENS_SITES];
  if (first) {
    const more = sites.length - MAX_LENS_SITES;
    // VS Code's own command for the contributed view; other clients show the title only.
    lenses.push({ range: first.anchor, command: { title: `${more} more certificate/key block${more === 1 ? '' : 's'} without a CodeLens: see the Certificates view or tls-lens inspect`, command: 'tlsLens.certificates.focus' } });
  }
  return lenses;
}

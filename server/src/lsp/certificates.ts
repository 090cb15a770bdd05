import * as path from 'node:path';
import {
  CodeLensRefreshRequest,
  type CancellationToken,
  type CodeLens,
  type CodeLensParams,
  type ClientCapabilities,
  type Connection,
  type TextDocuments,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { overSizeCap, type Host } from '../core';
import { certificateDetails, inventoryPaths } from '../core/certs/inventory';
import { readMaterialFile } from '../core/certs/material';
import {
  CertificateRequests,
  type CertificateDetails,
  type CertificateDetailsParams,
  type CertificateInventoryParams,
  type CertificateInventoryResult,
} from '../shared/protocol';
import { codeLenses } from './codeLens';
import { pathToUri, uriToPath } from './convert';
import type { DocumentLinter } from './diagnostics';
import type { PolicyResolver } from './policy';
import type { SettingsCache } from './settings';

export interface CertificateDeps {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  linter: DocumentLinter;
  settings: SettingsCache;
  policies: PolicyResolver;
  host: Host;
  folders: () => readonly string[];
}

/**
 * CodeLens on certificates and keys, the details of the bundle at a position
 * (`tlsLens/certificateDetails`) and the workspace inventory (`tlsLens/certificateInventory`).
 */
export class CertificateFeatures {
  private canRefreshCodeLens = false;
  private canCreateProgress = false;

  constructor(private readonly deps: CertificateDeps) {
    const { connection } = deps;
    connection.onRequest(CertificateRequests.details, (params: CertificateDetailsParams) => this.details(params));
    connection.onRequest(CertificateRequests.inventory, (params: CertificateInventoryParams | undefined, token: CancellationToken) => {
      const reporter = params?.workDoneToken !== undefined ? connection.window.attachWorkDoneProgress(params.workDoneToken) : undefined;
      return this.inventory(reporter, token);
    });
  }

  /** The lenses above each certificate and key of a document (the server adds other lenses beside them). */
  codeLenses(params: CodeLensParams): Promise<CodeLens[]> {
    const { documents, linter, settings, host } = this.deps;
    return codeLenses(documents, linter, settings, host, params);
  }

  initialize(capabilities: ClientCapabilities): void {
    this.canRefreshCodeLens = capabilities.workspace?.codeLens?.refreshSupport === true;
    this.canCreateProgress = capabilities.window?.workDoneProgress === true;
  }

  /** Settings or policies changed: lens titles (thresholds, on/off) may differ. */
  refresh(): void {
    if (!this.canRefreshCodeLens) return;
    this.deps.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  }

  private async details(params: CertificateDetailsParams): Promise<CertificateDetails | null> {
    const { documents, linter, host, policies, settings } = this.deps;
    const uri = params.textDocument.uri;
    const open = documents.get(uri);
    if (open) {
      const { textDoc, policy, enabled } = await linter.prepare(open);
      if (!enabled || overSizeCap(textDoc.text, policy)) return null;
      return certificateDetails(textDoc, params.position, host.now(), policy.thresholds, pick(params)) ?? null;
    }
    const file = uriToPath(uri);
    const { policy, enabled } = await policies.resolve(file, await settings.get(uri));
    if (!enabled) return null;
    // A closed file: text, or a binary container (DER, PKCS#7, PKCS#12, JKS) read from its bytes.
    const read = await readMaterialFile(host, file, file, policy);
    if (!('doc' in read)) return null;
    return certificateDetails(read.doc, params.position, host.now(), policy.thresholds, { ...pick(params), sites: read.sites, ...(read.container ? { container: read.container } : {}) }) ?? null;
  }

  private async inventory(given: WorkDoneProgressReporter | undefined, token: CancellationToken): Promise<CertificateInventoryResult> {
    const { connection, documents, host, policies, settings, folders } = this.deps;
    // Without a client token, a server-initiated progress (cancellable from the client's UI).
    const created = given || !this.canCreateProgress ? undefined : await connection.window.createWorkDoneProgress().catch(() => undefined);
    const progress: WorkDoneProgressReporter | undefined = given ?? created;
    progress?.begin('TLS Lens: certificate inventory', 0, 'finding files…', true);
    try {
      const open = new Map(documents.all().map((d) => [uriToPath(d.uri), d.getText()]));
      const inv = await inventoryPaths(host, folders(), {
        now: host.now(),
        isCancelled: () => token.isCancellationRequested || (created?.token.isCancellationRequested ?? false),
        text: (file) => open.get(file),
        onFile: (file, i, n) => progress?.report(Math.round((100 * i) / Math.max(1, n)), `${i + 1}/${n} ${path.basename(file)}`),
        policyFor: async (file) => {
          const folder = policies.folderOf(file);
          const { policy, enabled } = await policies.resolve(file, await settings.get(pathToUri(folder ?? file)));
          return enabled ? policy : undefined;
        },
      });
      return {
        entries: inv.entries.map((e) => ({ ...e, uri: pathToUri(e.file) })),
        filesScanned: inv.filesScanned,
        cancelled: inv.cancelled,
        errors: inv.errors,
        notes: inv.notes.map((n) => ({ ...n, uri: pathToUri(n.file) })),
      };
    } finally {
      progress?.done();
    }
  }
}

function pick(params: CertificateDetailsParams): { bundleIndex?: number } {
  return typeof params.bundleIndex === 'number' ? { bundleIndex: params.bundleIndex } : {};
}

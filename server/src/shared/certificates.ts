/**
 * The certificate requests between the client and the server (`tlsLens/…`), and the
 * records they carry. The records are the core's inventory types (plain JSON).
 */
import type { InventoryEntry, InventoryNote } from '../core/certs/inventory';
import type { Position } from '../core/text';

export type {
  CertificateDetails,
  CertificateDetailsItem,
  CertificateStatus,
  InventoryCertificate,
  InventoryEntry,
  InventoryKey,
  InventoryLevel,
  InventoryNote,
} from '../core/certs/inventory';
export type { CertificateFact } from '../core/x509/facts';

export const CertificateRequests = {
  /** `CertificateDetailsParams` → `CertificateDetails | null`: every certificate of the bundle at a position. */
  details: 'tlsLens/certificateDetails',
  /** `CertificateInventoryParams` → `CertificateInventoryResult`: the workspace inventory (work-done progress, cancellable). */
  inventory: 'tlsLens/certificateInventory',
} as const;

export interface CertificateDetailsParams {
  /** An open document, or any file the server can read. */
  textDocument: { uri: string };
  /** Inside a certificate or key, or on its anchor line (where the CodeLens is). */
  position: Position;
  /** Which certificate when several share that line (`chain.index` of the entry). */
  bundleIndex?: number;
}

export interface CertificateInventoryParams {
  workDoneToken?: string | number;
}

export interface CertificateInventoryResult {
  /** Sorted soonest expiry first (unreadable certificates first, keys last); `file` is a path, `uri` its URI. */
  entries: Array<InventoryEntry & { uri: string }>;
  filesScanned: number;
  cancelled: boolean;
  /** Paths that could not be read, with why. */
  errors: string[];
  /** What binary containers could not be read in full (encrypted parts without a password…), by file. */
  notes: Array<InventoryNote & { uri: string }>;
}

/** Client commands for certificates (contributed in package.json). */
export const CertificateClientCommands = {
  /** Arguments: a document URI, a position and optionally the certificate's `chain.index` (as the CodeLens passes them). */
  showCertificateDetails: 'tlsLens.showCertificateDetails',
  refreshCertificates: 'tlsLens.refreshCertificates',
  exportCertificateInventory: 'tlsLens.exportCertificateInventory',
  /** The Certificates view's context menu; each takes the view's node. */
  copyCertificateFingerprint: 'tlsLens.copyCertificateFingerprint',
  copyCertificatePem: 'tlsLens.copyCertificatePem',
  revealCertificate: 'tlsLens.revealCertificate',
  probeCertificateHost: 'tlsLens.probeCertificateHost',
} as const;

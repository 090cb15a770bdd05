import { range } from '../../text';
import type { MaterialSite } from '../sites';

/** The binary containers TLS Lens reads from a file's bytes. */
export type ContainerKind = 'der' | 'pkcs7' | 'pkcs12' | 'jks' | 'jceks';

/** Something a reader could not do or wants said: a finding (`cert/container`) and a line on the details page. */
export interface ContainerNote {
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** Shown on the details page only (a fact about the file, not a problem to report). */
  detailsOnly?: boolean;
}

/** What a container holds: its certificates and keys as material sites (all at the file's start), and notes. */
export interface ContainerRead {
  kind: ContainerKind;
  /** "PKCS#12 keystore", "JKS keystore", "PKCS#7 certificate bundle", "DER certificate". */
  title: string;
  sites: MaterialSite[];
  notes: ContainerNote[];
}

/** A password for a keystore and where it came from (the source is what messages name; the value never leaves here). */
export interface KeystorePassword {
  value: string;
  /** e.g. `keystorePasswords in .tls-lens.yaml`, `the environment variable P12_PASS`. */
  source: string;
}

/** A binary file has no lines: everything it holds is located at its start. */
export const FILE_START = range(0, 0, 0, 0);

export const CONTAINER_TITLES: Readonly<Record<ContainerKind, string>> = {
  der: 'DER certificate',
  pkcs7: 'PKCS#7 certificate bundle',
  pkcs12: 'PKCS#12 keystore',
  jks: 'JKS keystore',
  jceks: 'JCEKS keystore',
};

/** A site for a certificate or key found in a container. */
export function containerSite(encoding: ContainerKind, label: 'CERTIFICATE' | 'PRIVATE KEY', extra: Partial<MaterialSite> = {}): MaterialSite {
  return { encoding, label, range: range(0, 0, 0, 0), anchor: range(0, 0, 0, 0), ...extra };
}

/** Numbers the certificates of one set or chain (`bundleIndex` of `bundleSize`). */
export function numberCertificates(sites: readonly MaterialSite[]): void {
  const certs = sites.filter((s) => s.label === 'CERTIFICATE');
  certs.forEach((s, i) => {
    s.bundleIndex = i;
    s.bundleSize = certs.length;
  });
}

import { describePublicKey, describeValidity, isoDate, type CertificateSummary } from './certificate';

/** One labelled fact about a certificate, as every front shows it (hover, details view, `tls-lens inspect`). */
export interface CertificateFact {
  label: string;
  value: string;
  /** Values a front may show as a list (SANs, URLs). */
  items?: string[];
}

/**
 * The facts shown about a certificate, in display order. Fronts render these rows and
 * add nothing of their own, so the hover, the details view and `inspect` agree.
 */
export function certificateFacts(cert: CertificateSummary, now: Date): CertificateFact[] {
  const sans = cert.sans.map((s) => `${s.type}:${s.value}`);
  return [
    { label: 'Subject', value: cert.subject || '(empty)' },
    { label: 'Issuer', value: (cert.issuer || '(empty)') + (cert.selfIssued ? ' (self-signed)' : '') },
    { label: 'SANs', value: sans.length ? sans.join(', ') : '(none)', items: sans },
    { label: 'Valid', value: `${isoDate(cert.notBefore)} → ${isoDate(cert.notAfter)}, ${describeValidity(cert, now)}` },
    { label: 'Key', value: describePublicKey(cert.publicKey) },
    { label: 'Signature', value: cert.signatureAlgorithm },
    { label: 'Serial', value: cert.serialNumber },
    { label: 'SHA-256', value: cert.sha256Fingerprint },
  ];
}

import { describePublicKey, describeValidity, isoDate, type CertificateSummary } from './certificate';
import { describePrivateKeyShape, type PrivateKeySummary } from './keys';

/** One labelled fact about a certificate, as every front shows it (hover, details view, `tls-lens inspect`). */
export interface CertificateFact {
  label: string;
  value: string;
  /** Values a front may show as a list (SANs, URLs). */
  items?: string[];
  /** Hex and identifiers a front shows in a monospace font (serial, fingerprints, key ids). */
  monospace?: boolean;
  /** The items are sentences, not values: shown as text, never as code. */
  prose?: boolean;
}

function list(label: string, items: readonly string[] | undefined, none?: string): CertificateFact[] {
  if (!items || (items.length === 0 && none === undefined)) return [];
  return [{ label, value: items.length ? items.join(', ') : none!, items: [...items] }];
}

/**
 * The facts shown about a certificate, in display order. Fronts render these rows and
 * add nothing of their own, so the hover, the details view and `inspect` agree. Rows for
 * extensions the certificate lacks are left out.
 */
export function certificateFacts(cert: CertificateSummary, now: Date): CertificateFact[] {
  const sans = cert.sans.map((s) => `${s.type}:${s.value}`);
  const facts: CertificateFact[] = [
    { label: 'Subject', value: cert.subject || '(empty)' },
    { label: 'Issuer', value: (cert.issuer || '(empty)') + (cert.selfIssued ? ' (self-signed)' : '') },
    { label: 'SANs', value: sans.length ? sans.join(', ') : '(none)', items: sans },
    { label: 'Valid', value: `${isoDate(cert.notBefore)} → ${isoDate(cert.notAfter)}, ${describeValidity(cert, now)}` },
    { label: 'Key', value: describePublicKey(cert.publicKey) },
    { label: 'Signature', value: cert.signatureAlgorithm },
    { label: 'Serial', value: cert.serialNumber + (cert.negativeSerial ? ' (negative)' : ''), monospace: true },
    { label: 'SHA-256', value: cert.sha256Fingerprint, monospace: true },
    { label: 'SHA-1', value: cert.sha1Fingerprint, monospace: true },
  ];
  if (cert.version !== 3) facts.push({ label: 'Version', value: `v${cert.version}` });
  if (cert.basicConstraints) {
    const bc = cert.basicConstraints;
    facts.push({ label: 'Basic constraints', value: bc.ca ? `CA${bc.pathLength !== undefined ? `, path length ${bc.pathLength}` : ''}` : 'not a CA' });
  }
  if (cert.nameConstraints) {
    const nc = cert.nameConstraints;
    const show = (t: { type: string; value: string }): string => `${t.type}:${t.value}`;
    const items = [...nc.permitted.map((t) => `permitted ${show(t)}`), ...nc.excluded.map((t) => `excluded ${show(t)}`)];
    facts.push({ label: 'Name constraints', value: items.join(', ') || '(none)', items });
  }
  facts.push(...list('Key usage', cert.keyUsage, '(none)'));
  facts.push(...list('Extended key usage', cert.extendedKeyUsage, '(none)'));
  if (cert.subjectKeyIdentifier) facts.push({ label: 'Subject key ID', value: cert.subjectKeyIdentifier, monospace: true });
  if (cert.authorityKeyIdentifier) facts.push({ label: 'Authority key ID', value: cert.authorityKeyIdentifier, monospace: true });
  facts.push(...list('OCSP', cert.ocspUrls));
  facts.push(...list('CA issuers', cert.caIssuerUrls));
  facts.push(...list('CRL', cert.crlUrls));
  if (cert.criticalUnknownExtensions.length) {
    facts.push({ label: 'Unknown critical extensions', value: `${cert.criticalUnknownExtensions.join(', ')} (TLS clients reject this certificate)`, items: [...cert.criticalUnknownExtensions] });
  }
  // What RFC 5280 forbids but this certificate does: the rest above is read as usual.
  if (cert.problems.length) {
    const items = cert.problems.map((p) => p.message);
    facts.push({ label: 'Problems', value: items.join('; '), items, prose: true });
  }
  return facts;
}

/** The facts shown about a private key: never any of its material. */
export function privateKeyFacts(key: PrivateKeySummary, matches?: string): CertificateFact[] {
  const facts: CertificateFact[] = [{ label: 'Key', value: describePrivateKeyShape(key) }];
  if (matches !== undefined) facts.push({ label: 'Matches', value: matches });
  return facts;
}

import { decodeCertificate, type CertificateSummary } from '../x509/certificate';
import { describePrivateKey, type PrivateKeySummary } from '../x509/keys';
import { isCertificateSite, siteGroup, type MaterialSite } from './sites';

/** The summary of a private-key site (never its material); undefined for other sites or unreadable ones. */
const keyOfSite = new WeakMap<MaterialSite, PrivateKeySummary>();

export function privateKeyOfSite(site: MaterialSite): PrivateKeySummary | undefined {
  if (site.keySummary) return site.keySummary;
  if (!site.der && !site.encrypted) return undefined;
  // Several servers name one key file: its summary is looked up by the site, not hashed again for each.
  let key = keyOfSite.get(site);
  if (!key) keyOfSite.set(site, (key = describePrivateKey(site.label, site.der ?? new Uint8Array(), site.encrypted === true)));
  return key;
}

/** The decoded certificate of a site, when it is one and reads. */
export function certificateOfSite(site: MaterialSite): CertificateSummary | undefined {
  if (!isCertificateSite(site) || !site.der || site.problem) return undefined;
  const d = decodeCertificate(site.der);
  return d.ok ? d.cert : undefined;
}

/**
 * The certificates a private key is judged against: those of its group (same Secret, same
 * kubeconfig user) or, for PEM written in a file, the file's certificates.
 */
export function certificatesNear(sites: readonly MaterialSite[], keySite: MaterialSite): Array<{ site: MaterialSite; cert: CertificateSummary }> {
  const out: Array<{ site: MaterialSite; cert: CertificateSummary }> = [];
  for (const s of siteGroup(sites, keySite)) {
    const cert = certificateOfSite(s);
    if (cert) out.push({ site: s, cert });
  }
  return out;
}

/** The first certificate near a key whose public key is the key's. */
export function matchingCertificate(sites: readonly MaterialSite[], keySite: MaterialSite): { site: MaterialSite; cert: CertificateSummary } | undefined {
  const key = privateKeyOfSite(keySite);
  if (!key?.spkiSha256) return undefined;
  return certificatesNear(sites, keySite).find((c) => c.cert.spkiSha256 === key.spkiSha256);
}

/** How a front names a certificate in one line: its CN or subject. */
export function certificateName(cert: CertificateSummary): string {
  return cert.subjectCommonName !== undefined ? `CN=${cert.subjectCommonName}` : cert.subject || '(empty subject)';
}

/**
 * What the "Matches" row of a private key says: the certificate beside it whose public key
 * is the key's, or that none of those beside it is; undefined when nothing can be compared.
 */
export function keyMatchDescription(sites: readonly MaterialSite[], keySite: MaterialSite): string | undefined {
  const key = privateKeyOfSite(keySite);
  if (!key?.spkiSha256) return undefined;
  const match = matchingCertificate(sites, keySite);
  if (match) return `certificate ${certificateName(match.cert)}${match.site.container ? ` (${match.site.container})` : ''}`;
  const near = certificatesNear(sites, keySite);
  return near.length ? `none of the ${near.length === 1 ? 'certificate' : `${near.length} certificates`} beside it` : undefined;
}

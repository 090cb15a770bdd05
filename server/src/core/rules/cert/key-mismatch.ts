import { judgesDocument } from '../../certs/judge';
import { certificateName, certificatesNear, matchingCertificate, privateKeyOfSite } from '../../certs/keys';
import { isPrivateKeySite } from '../../certs/sites';
import { isCa } from '../../x509/certificate';
import type { Rule } from '../rule';

/**
 * A private key beside leaf certificates (same file, same Secret, same kubeconfig user)
 * that belongs to none of them: the server or client would fail to load the pair.
 */
export const certKeyMismatch: Rule = {
  id: 'cert/key-mismatch',
  title: 'Private key does not match its certificate',
  defaultSeverity: 'error',
  formats: ['pem', 'nginx', 'yaml', 'kubernetes', 'text'],
  check(ctx) {
    if (!judgesDocument(ctx)) return;
    const sites = ctx.materialSites();
    for (const site of sites) {
      if (!isPrivateKeySite(site) || site.problem || site.encrypted) continue;
      const key = privateKeyOfSite(site);
      if (!key?.spkiSha256) continue;
      const leaves = certificatesNear(sites, site).filter((c) => !isCa(c.cert));
      if (leaves.length === 0 || matchingCertificate(sites, site)) continue;
      const leaf = leaves[0]!;
      ctx.report({
        range: site.anchor,
        message: `this private key does not match ${certificateName(leaf.cert)}${leaf.site.container ? ` (${leaf.site.container})` : ''}${leaves.length > 1 ? ` or the ${leaves.length - 1} other leaf certificate${leaves.length > 2 ? 's' : ''} beside it` : ''}`,
        related: [{ file: ctx.doc.file, range: leaf.site.anchor, message: 'the certificate' }],
      });
    }
  },
};

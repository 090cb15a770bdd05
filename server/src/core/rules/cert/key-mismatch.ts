import { CERTIFICATE_FORMATS, judgesDocument, leafOf, namedUses, sitesNamedBy } from '../../certs/judge';
import { certificateName, certificatesNear, matchingCertificate, privateKeyOfSite } from '../../certs/keys';
import { isPrivateKeySite } from '../../certs/sites';
import { isCa } from '../../x509/certificate';
import type { MaterialRole } from '../../formats/format';
import type { Rule, RuleContext } from '../rule';

/**
 * A private key beside leaf certificates (same file, same Secret, same kubeconfig user)
 * that belongs to none of them: the server or client would fail to load the pair.
 */
export const certKeyMismatch: Rule = {
  id: 'cert/key-mismatch',
  title: 'Private key does not match its certificate',
  defaultSeverity: 'error',
  formats: CERTIFICATE_FORMATS,
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
    if (ctx.format === 'nginx' && ctx.nginxReferencedFiles().size > 0) nginxPairs(ctx);
    namedPairs(ctx);
  },
};

const PAIRED: ReadonlySet<MaterialRole> = new Set(['certificate', 'key']);

/**
 * A certificate file a registered format names (HAProxy's crt) and its key, in the same file
 * or beside it (`<crt>.key`): the key must belong to the file's leaf, or the server does not
 * start.
 */
function namedPairs(ctx: RuleContext): void {
  const uses = namedUses(ctx, PAIRED);
  const reported = new Set<string>();
  for (const use of uses) {
    if (use.material.role !== 'certificate') continue;
    const leaf = leafOf(use.sites);
    if (!leaf) continue;
    const keyUse = [...(use.material.keySeparate ? [] : [use]), ...uses.filter((u) => u.material.role === 'key' && u.material.group === use.material.group && u.range === use.range)].find((u) => u.sites.some((s) => isPrivateKeySite(s) && !s.problem && !s.encrypted));
    const keySite = keyUse?.sites.find((s) => isPrivateKeySite(s) && !s.problem && !s.encrypted);
    if (!keyUse || !keySite) continue;
    const key = privateKeyOfSite(keySite);
    const at = `${use.range.start.line}:${use.range.start.character}:${use.ref.path}`;
    if (!key?.spkiSha256 || key.spkiSha256 === leaf.cert.spkiSha256 || reported.has(at)) continue;
    reported.add(at);
    ctx.report({
      range: use.range,
      message: `the private key in ${keyUse.ref.written} does not match ${certificateName(leaf.cert)} in ${use.ref.written} (${use.material.by}); the server refuses to load the pair`,
    });
  }
}

/**
 * nginx pairs the n-th `ssl_certificate` with the n-th `ssl_certificate_key` of a server
 * (an RSA and an ECDSA pair may coexist); both files read, their keys must match.
 */
function nginxPairs(ctx: RuleContext): void {
  const reported = new Set<unknown>();
  for (const server of ctx.nginxEffective().servers) {
    for (const [certName, keyName] of [['ssl_certificate', 'ssl_certificate_key'], ['proxy_ssl_certificate', 'proxy_ssl_certificate_key']] as const) {
      const certs = server.settings.get(certName)?.directives ?? [];
      const keys = server.settings.get(keyName)?.directives ?? [];
      keys.forEach((keyDirective, i) => {
        if (keyDirective.file !== undefined || reported.has(keyDirective)) return;
        const leaf = leafOf(sitesNamedBy(ctx, certs[i]));
        const keySite = sitesNamedBy(ctx, keyDirective)?.find((s) => isPrivateKeySite(s) && !s.problem && !s.encrypted);
        if (!leaf || !keySite) return;
        const key = privateKeyOfSite(keySite);
        if (!key?.spkiSha256 || key.spkiSha256 === leaf.cert.spkiSha256) return;
        reported.add(keyDirective);
        ctx.report({
          range: keyDirective.args[0]!.range,
          message: `the key in ${keyDirective.args[0]!.value} does not match ${certificateName(leaf.cert)} in ${certs[i]!.args[0]!.value} (${certName}); nginx refuses to start ("key values mismatch")`,
        });
      });
    }
  }
}

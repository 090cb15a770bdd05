import { CERTIFICATE_FORMATS, bundles, judgesDocument, namedUses, ordinal } from '../../certs/judge';
import type { MaterialRole } from '../../formats/format';
import type { Range } from '../../text';
import { certificateName, certificateOfSite } from '../../certs/keys';
import type { MaterialSite } from '../../certs/sites';
import { isCa, type CertificateSummary } from '../../x509/certificate';
import { signatureVerifies } from '../../x509/chain';
import type { Rule } from '../rule';

interface Link {
  site: MaterialSite;
  cert: CertificateSummary;
}

/**
 * The order and links of a certificate chain as a server sends it (RFC 8446 §4.4.2: the
 * leaf first, each following certificate certifying the one before it). Bundles of CA
 * certificates only (trust stores, `ca.crt`) are not chains and are not judged.
 */
export const certChain: Rule = {
  id: 'cert/chain',
  title: 'Certificate chain problem',
  defaultSeverity: 'warning',
  formats: CERTIFICATE_FORMATS,
  check(ctx) {
    if (!judgesDocument(ctx)) return;
    for (const bundle of bundles(ctx.materialSites())) {
      const links: Link[] = [];
      for (const site of bundle) {
        const cert = certificateOfSite(site);
        if (!cert) return;
        links.push({ site, cert });
      }
      judgeChain(links, ctx.report.bind(ctx), (site) => site.anchor);
    }
    // The chain file a server sends (nginx ssl_certificate, HAProxy crt), judged where it is named.
    for (const use of namedUses(ctx, SENT_ROLES)) {
      for (const bundle of bundles(use.sites)) {
        const links: Link[] = [];
        for (const site of bundle) {
          const cert = certificateOfSite(site);
          if (cert) links.push({ site, cert });
        }
        if (links.length === bundle.length) judgeChain(links, ctx.report.bind(ctx), () => use.range);
      }
    }
  },
};

const SENT_ROLES: ReadonlySet<MaterialRole> = new Set(['certificate']);

function where(l: Link, i: number, n: number): string {
  return `${ordinal(i + 1)} of ${n}${l.site.container ? ` in ${l.site.container}` : ''}`;
}

function judgeChain(links: readonly Link[], report: Parameters<Rule['check']>[0]['report'], at: (site: MaterialSite) => Range): void {
  const n = links.length;
  if (n === 0) return;
  const leafIndex = links.findIndex((l) => !isCa(l.cert));
  if (leafIndex < 0) return; // a CA bundle
  if (links.every((l) => !isCa(l.cert)) && n > 1) return; // several leaves and no CA: a collection (pinned certificates), not a chain
  const name = (i: number): string => `${certificateName(links[i]!.cert)} (${where(links[i]!, i, n)})`;
  if (leafIndex > 0) {
    report({ range: at(links[leafIndex]!.site), message: `the leaf ${name(leafIndex)} is not first: servers send the leaf first, then its issuers`, severity: 'error' });
    return;
  }
  if (links.slice(1).some((l) => !isCa(l.cert))) {
    const j = links.findIndex((l, i) => i > 0 && !isCa(l.cert));
    report({ range: at(links[j]!.site), message: `${name(j)} is a second leaf in this chain: a chain holds one leaf and its CAs`, severity: 'error' });
    return;
  }
  for (let i = 0; i < n; i++) {
    const cur = links[i]!;
    if (cur.cert.selfIssued) {
      if (i < n - 1) report({ range: at(links[i + 1]!.site), message: `${name(i + 1)} follows the self-signed ${name(i)}: nothing certifies a root` });
      else if (i > 0) report({ range: at(cur.site), message: `the root ${name(i)} is included; clients must already trust it, so servers should not send it (RFC 8446 §4.4.2)`, severity: 'info' });
      return;
    }
    const next = links[i + 1];
    if (next && next.cert.subjectDer === cur.cert.issuerDer) {
      const ok = next.site.der && cur.site.der ? signatureVerifies(cur.site.der, next.site.der) : undefined;
      if (ok === false) {
        report({ range: at(cur.site), message: `the signature of ${name(i)} does not verify with the key of its issuer ${name(i + 1)}`, severity: 'error' });
        return;
      }
      continue;
    }
    const found = links.findIndex((l) => l.cert.subjectDer === cur.cert.issuerDer);
    if (found >= 0) {
      report({ range: at((next ?? cur).site), message: `wrong order: the issuer of ${name(i)} is ${name(found)}, not the certificate after it`, severity: 'error' });
      return;
    }
    if (next) {
      report({ range: at(next.site), message: `${name(i)} is issued by "${cur.cert.issuer}", but the next certificate is "${next.cert.subject}": an intermediate is missing or this certificate does not belong here`, severity: 'error' });
      return;
    }
    // The last certificate's issuer is not in the bundle: fine when that is a root clients trust
    // (the usual "leaf + intermediates" file). A lone leaf of a public CA lacks its intermediate.
    if (n === 1 && cur.cert.caIssuerUrls.length > 0) {
      report({ range: at(cur.site), message: `${name(i)} comes without its intermediate ("${cur.cert.issuer}"): clients that do not have it cannot build the chain. Serve the full chain (leaf then intermediates)` });
    }
    return;
  }
}

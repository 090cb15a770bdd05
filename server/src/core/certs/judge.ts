import type { MaterialRole, NamedMaterial } from '../formats/format';
import type { FormatKind } from '../formats/detect';
import type { NginxDirective } from '../formats/nginx/ast';
import type { RuleContext } from '../rules/rule';
import { referencedSites, type ReferencedFile } from './referenced';
import type { Range } from '../text';
import type { Thresholds } from '../policy/policy';
import { isCa, type CertificateProblem, type CertificateSummary } from '../x509/certificate';
import { certificateName, certificateOfSite } from './keys';
import { bundleOf, isCertificateSite, type MaterialSite } from './sites';

/**
 * The built-in formats certificate rules read (every one that can hold certificates, binary
 * containers too); registered formats (nginx, HAProxy) get them as `FORMAT_NEUTRAL_RULES`.
 */
export const CERTIFICATE_FORMATS: readonly FormatKind[] = ['pem', 'yaml', 'kubernetes', 'text', 'container'];

/** One readable certificate of a document, with where it is and what a message calls it. */
export interface JudgedCertificate {
  site: MaterialSite;
  cert: CertificateSummary;
  /** Where its findings go. */
  range: Range;
  /** "certificate CN=api.example.com (2nd of 3 in Secret default/web · tls.crt)". */
  name: string;
}

/**
 * Whether certificate rules judge this document. Plain text and Markdown hold example
 * certificates far more often than live ones; JSON files are judged.
 */
export function judgesDocument(ctx: RuleContext): boolean {
  if (ctx.format !== 'text') return true;
  return /\.json$/i.test(ctx.doc.file);
}

export function describeSite(site: MaterialSite, cert: CertificateSummary): string {
  const where: string[] = [];
  if (site.bundleSize !== undefined && site.bundleSize > 1 && site.bundleIndex !== undefined) where.push(`${ordinal(site.bundleIndex + 1)} of ${site.bundleSize}`);
  if (site.container) where.push(`in ${site.container}`);
  const kind = isCa(cert) ? 'CA certificate' : 'certificate';
  return `${kind} ${certificateName(cert)}${where.length ? ` (${where.join(' ')})` : ''}`;
}

export function ordinal(n: number): string {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return n + (s[(v - 20) % 10] ?? s[v] ?? s[0]!);
}

/** A file a registered format names (`RuleContext.namedMaterial`) that the caller could read. */
export interface NamedUse {
  material: NamedMaterial;
  ref: ReferencedFile;
  sites: MaterialSite[];
  /** The path argument: where findings about the file go. */
  range: Range;
}

/** The files with these roles the document names (any registered format), when they were read. */
export function namedUses(ctx: RuleContext, roles: ReadonlySet<MaterialRole>): NamedUse[] {
  const out: NamedUse[] = [];
  for (const m of ctx.namedMaterial()) {
    if (!roles.has(m.role) || !m.file) continue;
    out.push({ material: m, ref: m.file, sites: referencedSites(m.file), range: m.range });
  }
  return out;
}

const CERTIFICATE_ROLES: ReadonlySet<MaterialRole> = new Set(['certificate', 'ca']);

/**
 * The readable certificates of a document (decoded lazily through the shared cache); in an
 * nginx file, or a registered format's, also those of the certificate files it names,
 * located at the path that names them.
 */
export function judgedCertificates(ctx: RuleContext): JudgedCertificate[] {
  if (!judgesDocument(ctx)) return [];
  const out: JudgedCertificate[] = [];
  for (const site of ctx.materialSites()) {
    if (!isCertificateSite(site)) continue;
    const cert = certificateOfSite(site);
    if (!cert) continue;
    out.push({ site, cert, range: site.anchor, name: describeSite(site, cert) });
  }
  for (const use of namedUses(ctx, CERTIFICATE_ROLES)) {
    for (const site of use.sites) {
      const cert = certificateOfSite(site);
      if (cert) out.push({ site, cert, range: use.range, name: `${describeSite(site, cert)}, named by ${use.material.by},` });
    }
  }
  return out;
}

/**
 * Reports the decoder's RFC 5280 problems (`CertificateProblem`) of the kinds a rule owns, on
 * every judged certificate: the rule's default severity for warnings, the problem's own
 * severity otherwise (a critical malformed extension, a fault OpenSSL refuses to verify).
 */
export function reportCertificateProblems(ctx: RuleContext, owns: (kind: CertificateProblem['kind']) => boolean): void {
  for (const c of judgedCertificates(ctx)) {
    for (const p of c.cert.problems) {
      if (!owns(p.kind)) continue;
      ctx.report({ range: c.range, message: `${c.name}: ${p.message}`, severity: p.severity === 'warning' ? undefined : p.severity });
    }
  }
}

/** The bundles (certificate lists in order) of a document's sites; sets (PKCS#7, PKCS#12) are not chains and are left out. */
export function bundles(sites: readonly MaterialSite[]): MaterialSite[][] {
  const seen = new Set<MaterialSite>();
  const out: MaterialSite[][] = [];
  for (const s of sites) {
    if (!isCertificateSite(s) || seen.has(s) || s.collection) continue;
    const b = bundleOf(sites, s);
    for (const x of b) seen.add(x);
    out.push(b);
  }
  return out;
}

/** A leaf that looks publicly trusted: issued by another CA that publishes where its certificate and status live, for names under public suffixes. */
export function looksPubliclyTrusted(cert: CertificateSummary): boolean {
  if (isCa(cert) || cert.selfIssued) return false;
  if (cert.caIssuerUrls.length === 0 && cert.ocspUrls.length === 0 && cert.crlUrls.length === 0) return false;
  if (cert.extendedKeyUsage && !cert.extendedKeyUsage.includes('serverAuth')) return false;
  const dns = cert.sans.filter((s) => s.type === 'DNS').map((s) => s.value.toLowerCase());
  if (dns.length === 0) return false;
  return dns.every((d) => d.includes('.') && !/\.(local|internal|lan|home|corp|localhost|test|example|invalid|svc|cluster\.local|consul)$/.test(d));
}

/**
 * The longest validity a publicly trusted TLS leaf may have when issued at `notBefore`:
 * CA/Browser Forum Baseline Requirements §6.3.2 as amended by ballot SC081.
 */
export function cabForumMaxDays(notBefore: Date): number {
  const t = notBefore.getTime();
  if (t >= Date.UTC(2029, 2, 15)) return 47;
  if (t >= Date.UTC(2027, 2, 15)) return 100;
  if (t >= Date.UTC(2026, 2, 15)) return 200;
  if (t >= Date.UTC(2020, 8, 1)) return 398;
  if (t >= Date.UTC(2018, 2, 1)) return 825;
  return 39 * 30;
}

/** A glob (`**`, `*`, `?`) matched against any tail of a path on segment boundaries. */
export function globMatches(pattern: string, path: string): boolean {
  const p = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      if (p[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i++;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const anchored = p.startsWith('/') ? `^${re.slice(1)}` : `(?:^|/)${re}`;
  return new RegExp(`${anchored}(?:/|$)`).test(path.replace(/\\/g, '/').replace(/^\/+/, ''));
}

/** The sites of the file an effective nginx value names (its first argument), when the caller read it. */
export function sitesNamedBy(ctx: RuleContext, d: NginxDirective | undefined): MaterialSite[] | undefined {
  const written = d?.args[0]?.value;
  if (written === undefined) return undefined;
  const ref = ctx.nginxReferencedFiles().get(written);
  return ref ? referencedSites(ref) : undefined;
}

/** The leaf of a certificate file: its first certificate that is not a CA (a misordered chain), else its first that reads. */
export function leafOf(sites: readonly MaterialSite[] | undefined): { site: MaterialSite; cert: CertificateSummary } | undefined {
  let first: { site: MaterialSite; cert: CertificateSummary } | undefined;
  for (const site of sites ?? []) {
    const cert = certificateOfSite(site);
    if (!cert) continue;
    if (!isCa(cert)) return { site, cert };
    first ??= { site, cert };
  }
  return first;
}

const DAY = 86_400_000;

type ExpiryThresholds = Pick<Thresholds, 'certificateExpiryWarningDays' | 'certificateExpiryErrorDays' | 'certificateExpiryWarningLifetimePercent' | 'certificateExpiryErrorLifetimePercent'>;

/**
 * The warning and error thresholds (ms before notAfter) for one certificate: the policy's
 * days, but for short-lived certificates a share of their lifetime, so a 24-hour mesh leaf
 * that rotates at half-life is not always "expiring".
 */
export function expiryThresholds(cert: Pick<CertificateSummary, 'notBefore' | 'notAfter'>, t: ExpiryThresholds): { warning: number; error: number } {
  const lifetime = Math.max(0, cert.notAfter.getTime() - cert.notBefore.getTime());
  return {
    warning: Math.min(t.certificateExpiryWarningDays * DAY, (lifetime * t.certificateExpiryWarningLifetimePercent) / 100),
    error: Math.min(t.certificateExpiryErrorDays * DAY, (lifetime * t.certificateExpiryErrorLifetimePercent) / 100),
  };
}

/** Where a certificate stands in time: what `cert/expired`, `cert/not-yet-valid`, `cert/expiring` and the inventory all say. */
export type ExpiryStanding = 'ok' | 'expiring' | 'expired' | 'not-yet-valid';

/** The one expiry judgement: the standing at `now`, and for `expiring` how urgent (by `expiryThresholds`). */
export function judgeExpiry(cert: Pick<CertificateSummary, 'notBefore' | 'notAfter'>, now: Date, t: ExpiryThresholds): { standing: ExpiryStanding; severity?: 'warning' | 'error' } {
  const left = cert.notAfter.getTime() - now.getTime();
  if (left < 0) return { standing: 'expired', severity: 'error' };
  if (cert.notBefore.getTime() > now.getTime()) return { standing: 'not-yet-valid', severity: 'error' };
  const { warning, error } = expiryThresholds(cert, t);
  if (left < error) return { standing: 'expiring', severity: 'error' };
  if (left < warning) return { standing: 'expiring', severity: 'warning' };
  return { standing: 'ok' };
}

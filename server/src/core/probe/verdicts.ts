/**
 * The findings a policy implies for a live endpoint, from a ProbeResult alone (so they can
 * be tested from constructed results). Each carries a `probe/…` rule id documented in
 * docs/rules/probe/; the policy's per-rule levels apply as they do to files. A finding's
 * `file` is the endpoint ("host:port") and its range is empty.
 */
import { judgeExpiry } from '../certs/judge';
import { WEAK_SUITE_CLASSES, weakClassCounts } from '../rules/nginx/weak-ciphers';
import { PROBE_RULES } from '../rules/probe';
import type { RuleMeta } from '../rules/rule';
import type { Finding, Severity } from '../findings';
import type { Policy } from '../policy/policy';
import { describePublicKey, describeValidity, isRsaKey, isoDate } from '../x509/certificate';
import { sansCoverHost } from '../x509/names';
import { escapeControls } from '../escape';
import { targetLabel } from './errors';
import { describeTrustError } from './handshake';
import { acceptedSuites, acceptedVersions, enumerated, liveChain, nameToVerify, otherLeaves, servedLeaves, type AcceptedSuite, type ChainEntry } from './facts';
import type { ProbeResult } from './types';
import { plural } from '../words';

/** Why each old version is weak (RFC 7568 for SSL 3.0, RFC 8996 for TLS 1.0 and 1.1). */
const OLD_VERSIONS: Record<string, { why: string; severity: Severity }> = {
  SSLv2: { why: 'prohibited by RFC 6176', severity: 'error' },
  SSLv3: { why: 'deprecated by RFC 7568 (POODLE)', severity: 'error' },
  TLSv1: { why: 'deprecated by RFC 8996', severity: 'warning' },
  'TLSv1.1': { why: 'deprecated by RFC 8996', severity: 'warning' },
};


function names(suites: readonly AcceptedSuite[]): string {
  const uniq = [...new Set(suites.map((s) => s.name))];
  return uniq.slice(0, 4).join(', ') + (uniq.length > 4 ? `, … (${uniq.length} in all)` : '');
}

export function probeFindings(r: ProbeResult, policy: Policy, now: Date): Finding[] {
  const file = targetLabel(r.target.host, r.target.port);
  const out: Finding[] = [];
  const report = (rule: RuleMeta, message: string, proposed?: Severity): void => {
    const level = policy.rules[rule.id];
    if (level === 'off') return;
    const severity = level ?? proposed ?? rule.defaultSeverity;
    out.push({ ruleId: rule.id, severity, message: escapeControls(message), file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, fixes: [], related: [] });
  };
  const profile = policy.profile;
  const scope = enumerated(r) ? '' : ' (only the negotiated version and suite are known: the scan did not run)';

  /** The certificates of one chain: decodable, expiry, key size, signatures. `keyType` names a chain other than the main one ("ECDSA"). */
  const judgeChain = (chain: ChainEntry[], keyType = ''): void => {
    chain.forEach((c, i) => {
      const what = i === 0 ? `the ${keyType ? `${keyType} ` : ''}leaf certificate` : `${keyType ? `the ${keyType} chain's ` : 'chain '}certificate ${i + 1}`;
      if (!c.cert) {
        report(PROBE_RULES.incomplete, `${what} cannot be decoded: ${c.error ?? 'unknown error'}`);
        return;
      }
      const cert = c.cert;
      const subject = cert.subject || '(empty subject)';
      // The same judgement as cert/expiring: days, or a share of the lifetime for short-lived certificates.
      const expiry = judgeExpiry(cert, now, policy.thresholds);
      if (expiry.standing === 'not-yet-valid') report(PROBE_RULES.certificateExpiry, `${what} (${subject}) is ${describeValidity(cert, now)}`, 'error');
      else if (expiry.severity) report(PROBE_RULES.certificateExpiry, `${what} (${subject}) ${describeValidity(cert, now)} (${isoDate(cert.notAfter)})`, expiry.severity);
      const minRsa = Math.max(2048, profile.rsaKeySize ?? 2048);
      if (isRsaKey(cert.publicKey) && cert.publicKey.bits !== undefined && cert.publicKey.bits < minRsa) {
        report(PROBE_RULES.weakCertificate, `${what} (${subject}) has a ${describePublicKey(cert.publicKey)} key; the ${profile.name} profile asks for at least ${minRsa} bits`, cert.publicKey.bits < 1024 ? 'error' : 'warning');
      }
      // A root's own signature is never checked by clients; every other signature is.
      if (!cert.selfIssued && /SHA-1|MD5/i.test(cert.signatureAlgorithm)) {
        report(PROBE_RULES.weakCertificate, `${what} (${subject}) is signed with ${cert.signatureAlgorithm}, which browsers reject (CA/B Forum BR 7.1.3)`, /MD5/i.test(cert.signatureAlgorithm) ? 'error' : 'warning');
      }
    });
  };

  // Versions beyond the profile.
  const allowedVersions = new Set<string>(profile.protocols);
  for (const v of acceptedVersions(r)) {
    if (allowedVersions.has(v)) continue;
    const old = OLD_VERSIONS[v];
    report(
      PROBE_RULES.weakProtocol,
      `accepts ${v}${old ? `, ${old.why}` : ''}; the ${profile.name} profile allows ${profile.protocols.join(', ')}${scope}`,
      old?.severity ?? 'warning',
    );
  }

  // Suites, by the classes nginx/weak-ciphers judges configuration with.
  const suites = acceptedSuites(r);
  const allowed = new Set(profile.ciphers.openssl);
  const allowed13 = new Set(profile.ciphersuites);
  const flagged = new Set<number>();
  for (const cls of WEAK_SUITE_CLASSES) {
    const hits = suites.filter((a) => a.suite && !flagged.has(a.code) && !allowed13.has(a.suite.iana) && weakClassCounts(cls, a.suite, allowed));
    if (hits.length === 0) continue;
    for (const h of hits) flagged.add(h.code);
    if (cls.id === 'nofs') {
      const anyFs = suites.some((a) => a.suite?.forwardSecrecy);
      report(
        PROBE_RULES.noForwardSecrecy,
        `accepts suites without forward secrecy (static key exchange): ${names(hits)}${anyFs ? '' : '; no accepted suite has forward secrecy'}${scope}`,
        anyFs ? 'warning' : 'error',
      );
    } else {
      report(PROBE_RULES.weakCipher, `accepts suites with ${cls.label}: ${names(hits)}${scope}`, cls.severity);
    }
  }
  const unknown = suites.filter((a) => !a.suite && a.code >= 0);
  if (unknown.length) report(PROBE_RULES.incomplete, `accepts suites TLS Lens does not know: ${names(unknown)}`, 'info');

  // The live chain.
  const chain = liveChain(r);
  const h = r.handshake;
  // With certificates of several key types, the main chain's messages name its type too.
  const served = servedLeaves(r);
  const mainType = served.length > 1 ? served.find((l) => l.primary)?.keyType : undefined;
  if (h && !h.trusted) {
    report(PROBE_RULES.untrustedChain, `the ${mainType ? `${mainType} ` : ''}chain does not verify: ${h.trustError ? describeTrustError(h.trustError) : 'no reason given'}; the server sends ${plural(chain.length, 'certificate')}`);
  }
  judgeChain(chain, mainType);
  // The name.
  const leaf = chain[0]?.cert;
  const name = nameToVerify(r);
  if (leaf) {
    if (!sansCoverHost(leaf.sans, name)) {
      const sans = leaf.sans.map((s) => `${s.type}:${s.value}`).join(', ') || 'none';
      report(PROBE_RULES.hostnameMismatch, `the certificate does not cover ${name} (SANs: ${sans})`);
    }
  } else if (h && !h.hostnameMatches) {
    report(PROBE_RULES.hostnameMismatch, h.hostnameError ?? `the certificate does not cover ${name}`);
  }

  // The other certificates (an ECDSA one beside an RSA one …), each judged as the main one is.
  for (const o of otherLeaves(r)) {
    const sent = `the ${o.keyType} certificate (sent to clients offering ${o.keyType} signatures, ${o.versions.join(' and ')})`;
    if (!o.trusted) report(PROBE_RULES.untrustedChain, `${sent} does not verify: ${o.trustError ? describeTrustError(o.trustError) : 'no reason given'}; the server sends ${o.chain.length} certificate(s) with it`);
    judgeChain(o.chain, o.keyType);
    const l = o.chain[0]?.cert;
    if (l && !sansCoverHost(l.sans, name)) report(PROBE_RULES.hostnameMismatch, `${sent} does not cover ${name} (SANs: ${l.sans.map((x) => `${x.type}:${x.value}`).join(', ') || 'none'})`);
  }

  // HSTS (RFC 6797).
  const hsts = h?.hsts;
  const minAge = policy.thresholds.hstsMinAgeSeconds;
  if (hsts) {
    if (!hsts.present) report(PROBE_RULES.missingHsts, `HEAD / has no Strict-Transport-Security header; browsers may be downgraded to plain HTTP (the ${profile.name} profile asks for max-age ≥ ${minAge})`);
    else if (hsts.invalid) report(PROBE_RULES.missingHsts, `the Strict-Transport-Security header is invalid and ignored by browsers: ${hsts.invalid} ("${hsts.raw ?? ''}")`);
    else if (hsts.maxAge === 0) report(PROBE_RULES.missingHsts, 'Strict-Transport-Security max-age=0 tells browsers to forget HSTS for this host');
    else if (hsts.maxAge !== undefined && hsts.maxAge < minAge) report(PROBE_RULES.missingHsts, `Strict-Transport-Security max-age=${hsts.maxAge} is shorter than ${minAge} s (${Math.round(minAge / 86400)} days)`);
  }

  // OCSP staple (RFC 6066 §8; RFC 6960 for the response).
  const ocsp = h?.ocsp;
  if (ocsp && !ocsp.stapled && profile.ocspStaple) report(PROBE_RULES.ocspStaple, `no OCSP response is stapled; the ${profile.name} profile recommends stapling`, 'info');
  if (ocsp?.stapled) {
    if (ocsp.problem) report(PROBE_RULES.ocspStaple, `the OCSP staple does not count: ${ocsp.problem}`, 'warning');
    else if (ocsp.status === 'revoked') report(PROBE_RULES.ocspStaple, 'the stapled OCSP response says the certificate is REVOKED', 'error');
    else if (ocsp.status === 'unknown') report(PROBE_RULES.ocspStaple, 'the stapled OCSP response says the responder does not know the certificate', 'warning');
    else if (ocsp.nextUpdate && Date.parse(ocsp.nextUpdate) < now.getTime()) report(PROBE_RULES.ocspStaple, `the stapled OCSP response is stale (nextUpdate ${ocsp.nextUpdate}); clients may reject it`, 'warning');
  }

  // Vulnerability checks by raw handshakes (scan/heartbleed.ts, compression.ts, ccsInjection.ts) and node:tls (renegotiation.ts).
  const checks = r.scan?.checks;
  if (checks?.heartbleed?.vulnerable) report(PROBE_RULES.heartbleed, `${checks.heartbleed.version}: ${checks.heartbleed.detail}`);
  if (checks?.ccsInjection?.vulnerable) report(PROBE_RULES.ccsInjection, `${checks.ccsInjection.version}: ${checks.ccsInjection.detail}`);
  if (checks?.compression?.vulnerable) report(PROBE_RULES.tlsCompression, checks.compression.detail);
  for (const [name, c] of [['Heartbleed', checks?.heartbleed], ['TLS compression', checks?.compression], ['CCS injection', checks?.ccsInjection]] as const) {
    if (c && c.vulnerable === undefined && !/^not tested: the deadline/.test(c.detail)) report(PROBE_RULES.incomplete, `the ${name} check could not tell: ${c.detail}`);
  }
  const legacyAccepted = r.scan?.versions.some((v) => v.accepted && v.version !== 'TLSv1.3' && v.version !== 'SSLv2');
  if (legacyAccepted && r.scan?.secureRenegotiation === false) {
    report(PROBE_RULES.insecureRenegotiation, 'the ServerHello carries no renegotiation_info (RFC 5746): if the server renegotiates at all, a man in the middle can splice his own request in front of a client\'s (CVE-2009-3555)');
  }
  const reneg = h?.clientRenegotiation;
  if (reneg?.vulnerable) {
    report(
      PROBE_RULES.clientRenegotiation,
      `${reneg.detail}: any client can make it repeat its private-key operation on one connection (a denial of service, CVE-2011-1473)${r.scan?.secureRenegotiation === false ? ', and without RFC 5746 that renegotiation is the CVE-2009-3555 injection' : ''}`,
      r.scan?.secureRenegotiation === false ? 'error' : undefined,
    );
  }
  if (r.scan?.fallbackScsv === false) {
    const accepted = acceptedVersions(r);
    const old = accepted.filter((v) => v === 'SSLv3' || v === 'TLSv1' || v === 'TLSv1.1');
    report(
      PROBE_RULES.fallbackScsv,
      old.length
        ? `a ClientHello for a lower version with TLS_FALLBACK_SCSV was accepted instead of refused with inappropriate_fallback: a man in the middle can push clients that retry with lower versions down to ${old.join(', ')}`
        : `a ClientHello for a lower version with TLS_FALLBACK_SCSV was accepted instead of refused with inappropriate_fallback; only TLS 1.2 and 1.3 are accepted, and TLS 1.3's downgrade sentinel (RFC 8446 §4.1.3) protects clients that speak it`,
      old.length ? 'warning' : 'info',
    );
  }

  // What did not run.
  for (const e of r.errors) report(PROBE_RULES.incomplete, `${e.phase}: ${e.message}`);
  if (r.notReached?.length) {
    report(PROBE_RULES.incomplete, `the deadline${r.deadlineMs ? ` of ${r.deadlineMs} ms` : ''} ended the probe before: ${r.notReached.join('; ')}; what was not tested is not judged (give a longer --deadline)`);
  }
  return out;
}

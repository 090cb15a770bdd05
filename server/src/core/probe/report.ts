/**
 * The probe report every front shows: JSON-safe (no Buffers), the same for the CLI's
 * `--format json`, the language server's command result and the webview. Certificates are
 * public; nothing here can hold key material (the client key is never part of a result).
 */
import { escapeControls } from '../escape';
import { compareFindings, type Finding, type Severity } from '../findings';
import type { Policy } from '../policy/policy';
import { toJsonReport, type JsonReport } from '../report/json';
import { certificatePem } from '../x509/certificate';
import { certificateFacts, type CertificateFact } from '../x509/facts';
import { targetLabel } from './errors';
import { acceptedSuites, liveChain, liveChainSource, nameToVerify, servedLeaves, suiteOf, hexCode, type ChainEntry } from './facts';
import { explainGrade, gradeProbe, type ProbeGrade } from './grade';
import { describeTrustError } from './handshake';
import type { ConfigLink, ProbeConfigComparison } from './config/types';
import { signatureSchemeName } from './scan/signatureAlgorithms';
import { protocolLabel } from './starttls/ports';
import type { HandshakeResult, ProbeError, ProbeErrorCode, ProbeResult, ProbeTarget, ScanResult, VulnerabilityCheck } from './types';
import { probeFindings } from './verdicts';
import { checkRows, describeServedCertificates, describeSignatureAlgorithms, describeChainAsSent, describeNotReached, describeService, describeShortHellos } from './describe';
import { plural, severityCounts } from '../words';

export interface ProbeReportCertificate {
  facts: CertificateFact[];
  pem: string;
  /** Decoding failed: why. */
  error?: string;
}

export interface ProbeReport {
  version: 1;
  /** "host:port". */
  endpoint: string;
  sni?: string;
  connectTo?: string;
  address?: string;
  /**
   * How TLS starts and what runs inside it: `label` "SMTP STARTTLS" (the protocol's upgrade
   * first), "IMAP over TLS" (implicit TLS), "HTTPS"; `chosenBy` says whether an option or the
   * well-known port decided (absent: HTTPS by default).
   */
  service: { label: string; application: string; starttls?: string; chosenBy?: 'option' | 'port' };
  startedAt: string;
  durationMs: number;
  profile: string;
  grade: ProbeGrade;
  /** With "compare with config": `config`, the configuration lines each finding comes from. */
  findings: Array<JsonReport['findings'][number] & { config?: ConfigLink[] }>;
  /** "Compare with config": where the endpoint is defined in the workspace (absent when not asked for). */
  config?: ProbeConfigComparison;
  /**
   * Per version: accepted or not, the accepted suites (IANA names) — in the server's order of
   * preference when `serverOrder` (the first is the one it prefers) —, for TLS 1.2 and 1.3 the
   * signature algorithms it accepts offered alone (`anySignatureAlgorithm`: it accepted an
   * unassigned one too), and suites it breaks on when it picks them.
   */
  protocols: {
    version: string;
    accepted: boolean;
    suites: string[];
    serverOrder?: boolean;
    refusal?: string;
    signatureAlgorithms?: string[];
    anySignatureAlgorithm?: boolean;
    breaksOn?: string[];
  }[];
  enumerated: boolean;
  groups?: string[];
  secureRenegotiation?: boolean;
  fallbackScsv?: boolean;
  dhBits?: number;
  /** The vulnerability checks (raw handshakes on the highest TLS ≤ 1.2 version; renegotiation by node:tls). */
  checks?: { heartbleed?: VulnerabilityCheck; compression?: VulnerabilityCheck; ccsInjection?: VulnerabilityCheck; clientRenegotiation?: VulnerabilityCheck };
  /** The server refused a ClientHello offering every suite; suites were offered in short hellos. */
  shortHellos?: ScanResult['shortHellos'];
  negotiated?: { protocol: string; cipher: string; alpn?: string };
  trust?: { trusted: boolean; error?: string };
  hostname: { name: string; matches?: boolean; error?: string };
  certificates: ProbeReportCertificate[];
  /**
   * The certificates above as the server sends them: read in clear from the TLS ≤ 1.2
   * Certificate message ('scan') or from the full handshake without what Node adds from the
   * local trust store ('handshake'); whether the last one is a self-signed root.
   */
  chain?: { source: 'scan' | 'handshake'; sent: number; rootIncluded: boolean };
  /**
   * The certificate of each key type the server has (one key type's signature algorithms
   * offered at a time, TLS 1.3 and 1.2): `primary` is the chain above; the others with their
   * own chain, trust and facts. Absent when the check did not run.
   */
  servedCertificates?: { keyType: string; versions: string[]; primary: boolean; sha256?: string; subject?: string; trusted: boolean; trustError?: string; chain: ProbeReportCertificate[] }[];
  ocsp?: HandshakeResult['ocsp'];
  hsts?: HandshakeResult['hsts'];
  resumption?: HandshakeResult['resumption'];
  timing?: HandshakeResult['timing'];
  errors: ProbeResult['errors'];
  /** The total budget the probe ran under (`--deadline`), ms. */
  deadlineMs?: number;
  /** What the deadline kept the probe from reaching. */
  notReached?: string[];
}

/** What `--format json` prints when the endpoint cannot be probed at all (one object, like a report). */
export interface ProbeErrorReport {
  version: 1;
  endpoint: string;
  sni?: string;
  service: ProbeReport['service'];
  error: { code: ProbeErrorCode; message: string; notReached?: string[] };
}

export function probeErrorReport(target: ProbeTarget, e: ProbeError): ProbeErrorReport {
  const out: ProbeErrorReport = { version: 1, endpoint: targetLabel(target.host, target.port), service: serviceOf(target), error: { code: e.code, message: e.message } };
  if (target.sni) out.sni = target.sni;
  if (e.notReached?.length) out.error.notReached = e.notReached;
  return out;
}

function reportCertificate(c: ChainEntry, now: Date): ProbeReportCertificate {
  return c.cert ? { facts: certificateFacts(c.cert, now), pem: pem(c.der) } : { facts: [], pem: pem(c.der), error: c.error ?? 'cannot be decoded' };
}

const pem = certificatePem;

export function buildProbeReport(r: ProbeResult, policy: Policy, now: Date): ProbeReport {
  const findings = probeFindings(r, policy, now).sort(compareFindings);
  const h = r.handshake;
  const report: ProbeReport = {
    version: 1,
    endpoint: targetLabel(r.target.host, r.target.port),
    service: serviceOf(r.target),
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    profile: policy.profile.name,
    grade: gradeProbe(r, now),
    findings: toJsonReport(findings).findings,
    protocols: r.scan
      ? r.scan.versions.map((v) => {
          const p: ProbeReport['protocols'][number] = { version: v.version, accepted: v.accepted, suites: v.suites.map((c) => suiteOf(v.version, c)?.iana ?? hexCode(c, v.version)) };
          if (v.serverOrder !== undefined) p.serverOrder = v.serverOrder;
          if (v.refusal) p.refusal = v.refusal;
          if (v.signatureAlgorithms) p.signatureAlgorithms = v.signatureAlgorithms.map(signatureSchemeName);
          if (v.anySignatureAlgorithm) p.anySignatureAlgorithm = true;
          if (v.breaksOn?.length) p.breaksOn = v.breaksOn.map((c) => suiteOf(v.version, c)?.iana ?? hexCode(c, v.version));
          return p;
        })
      : h
        ? [{ version: h.protocol, accepted: true, suites: acceptedSuites(r).map((s) => s.name) }]
        : [],
    enumerated: r.scan !== undefined,
    hostname: { name: nameToVerify(r) },
    certificates: liveChain(r).map((c) => reportCertificate(c, now)),
    errors: r.errors,
  };
  const source = liveChainSource(r);
  if (source) {
    const chain = liveChain(r);
    const last = chain.at(-1)?.cert;
    report.chain = { source, sent: chain.length, rootIncluded: chain.length > 1 && !!last?.selfIssued };
  }
  const served = servedLeaves(r);
  if (served.length) {
    report.servedCertificates = served.map((l) => {
      const leaf = l.chain[0]?.cert;
      const out: NonNullable<ProbeReport['servedCertificates']>[number] = { keyType: l.keyType, versions: l.versions, primary: l.primary, trusted: l.trusted, chain: l.primary ? [] : l.chain.map((c) => reportCertificate(c, now)) };
      if (leaf) {
        out.sha256 = leaf.sha256Fingerprint;
        out.subject = leaf.subject;
      }
      if (l.trustError) out.trustError = describeTrustError(l.trustError);
      return out;
    });
  }
  if (r.deadlineMs) report.deadlineMs = r.deadlineMs;
  if (r.notReached?.length) report.notReached = r.notReached;
  if (r.target.sni) report.sni = r.target.sni;
  if (r.target.connectTo) report.connectTo = r.target.connectTo;
  if (r.address) report.address = r.address;
  if (r.scan) {
    report.groups = r.scan.groups;
    if (r.scan.secureRenegotiation !== undefined) report.secureRenegotiation = r.scan.secureRenegotiation;
    if (r.scan.fallbackScsv !== undefined) report.fallbackScsv = r.scan.fallbackScsv;
    if (r.scan.dhBits !== undefined) report.dhBits = r.scan.dhBits;
    if (r.scan.shortHellos) report.shortHellos = r.scan.shortHellos;
    if (r.scan.checks) report.checks = { ...r.scan.checks };
  }
  if (h?.clientRenegotiation) (report.checks ??= {}).clientRenegotiation = h.clientRenegotiation;
  if (h) {
    report.negotiated = { protocol: h.protocol, cipher: h.cipher.standardName ?? h.cipher.name };
    if (h.alpn) report.negotiated.alpn = h.alpn;
    report.trust = h.trustError ? { trusted: h.trusted, error: describeTrustError(h.trustError) } : { trusted: h.trusted };
    report.hostname.matches = !findings.some((f) => f.ruleId === 'probe/hostname-mismatch');
    if (h.hostnameError) report.hostname.error = h.hostnameError;
    if (h.ocsp) report.ocsp = h.ocsp;
    if (h.hsts) report.hsts = h.hsts;
    if (h.resumption) report.resumption = h.resumption;
    report.timing = h.timing;
  }
  return report;
}

function serviceOf(t: ProbeTarget): ProbeReport['service'] {
  const out: ProbeReport['service'] = { label: protocolLabel(t), application: t.application ?? 'http' };
  if (t.starttls) out.starttls = t.starttls;
  if (t.protocolChosenBy) out.chosenBy = t.protocolChosenBy;
  return out;
}

const LABEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'info', hint: 'hint' };

function yesNo(b: boolean | undefined): string {
  return b === undefined ? 'unknown' : b ? 'yes' : 'no';
}

/** Plain text for a terminal. */
export function probeReportText(rep: ProbeReport): string {
  const out: string[] = [];
  out.push(`${rep.endpoint}${rep.sni ? ` (SNI ${rep.sni})` : ''}${rep.address ? ` → ${rep.address}` : ''}, ${rep.durationMs} ms, profile ${rep.profile}`);
  const service = describeService(rep);
  if (service) out.push(`Protocol: ${service}`);
  out.push(`Grade ${explainGrade(rep.grade).join('\n  ')}`);
  out.push('');
  out.push(rep.enumerated ? 'Protocols and suites:' : 'Negotiated (versions and suites not enumerated):');
  for (const p of rep.protocols) {
    out.push(`  ${p.version.padEnd(8)} ${p.accepted ? 'accepted' : 'refused'}${p.serverOrder === undefined ? '' : p.serverOrder ? ', server order (most preferred first)' : ', client order'}`);
    p.suites.forEach((s, i) => out.push(`    ${s}${i === 0 && p.serverOrder ? '  (preferred)' : ''}`));
    const sigs = describeSignatureAlgorithms(p);
    if (sigs) out.push(`    signature algorithms: ${sigs}`);
    if (p.breaksOn?.length) out.push(`    the server closes the connection when it picks: ${p.breaksOn.join(', ')}`);
  }
  const shortHellos = describeShortHellos(rep);
  if (shortHellos) out.push(`Short ClientHellos: ${shortHellos}`);
  if (rep.groups?.length) out.push(`Groups: ${rep.groups.join(', ')}`);
  if (rep.negotiated) out.push(`Negotiated: ${rep.negotiated.protocol} ${rep.negotiated.cipher}${rep.negotiated.alpn ? `, ALPN ${rep.negotiated.alpn}` : ''}`);
  if (rep.trust) out.push(`Trusted: ${rep.trust.trusted ? 'yes' : `no — ${rep.trust.error ?? ''}`}`);
  out.push(`Name ${rep.hostname.name}: ${rep.hostname.matches === undefined ? 'not checked' : rep.hostname.matches ? 'covered' : 'NOT covered'}`);
  if (rep.ocsp) out.push(`OCSP staple: ${rep.ocsp.stapled ? `${rep.ocsp.status ?? 'present'}${rep.ocsp.nextUpdate ? `, next update ${rep.ocsp.nextUpdate}` : ''}${rep.ocsp.problem ? ` (${rep.ocsp.problem})` : ''}` : 'none'}`);
  if (rep.hsts) out.push(`HSTS: ${rep.hsts.present ? rep.hsts.raw ?? '' : 'none'}`);
  if (rep.resumption) out.push(`Resumption: ticket ${yesNo(rep.resumption.ticket)}, resumed ${yesNo(rep.resumption.resumed)}`);
  if (rep.secureRenegotiation !== undefined) out.push(`Secure renegotiation: ${yesNo(rep.secureRenegotiation)}`);
  if (rep.fallbackScsv !== undefined) out.push(`Fallback SCSV: ${yesNo(rep.fallbackScsv)}`);
  for (const [label, c] of checkRows(rep)) out.push(`${label}: ${c}`);
  if (rep.timing) out.push(`Timing: TCP ${rep.timing.connectMs} ms, TLS ${rep.timing.tlsMs} ms`);
  const chain = describeChainAsSent(rep);
  if (chain) out.push(`Chain as sent: ${chain}`);
  const late = describeNotReached(rep);
  if (late) out.push(`Not reached: ${late}`);
  rep.certificates.forEach((c, i) => {
    out.push(`Certificate ${i + 1}:`);
    if (c.error) out.push(`  ${c.error}`);
    for (const f of c.facts) out.push(`  ${f.label}: ${f.value}`);
  });
  if (rep.servedCertificates?.length) {
    out.push('Certificates by key type (one key type\'s signature algorithms offered at a time):');
    for (const line of describeServedCertificates(rep)) out.push(`  ${line}`);
    for (const sc of rep.servedCertificates.filter((x) => !x.primary)) {
      sc.chain.forEach((c, i) => {
        out.push(`${sc.keyType} certificate${i ? ` chain ${i + 1}` : ''}:`);
        if (c.error) out.push(`  ${c.error}`);
        for (const f of c.facts) out.push(`  ${f.label}: ${f.value}`);
      });
    }
  }
  out.push('');
  if (rep.config) out.push(...configText(rep.config), '');
  for (const f of rep.findings) {
    out.push(`${rep.endpoint}: ${LABEL[f.severity]} ${f.message} [${f.ruleId}]`);
    for (const l of f.config ?? []) out.push(`  config: ${l.file}:${l.range.start.line + 1}:${l.range.start.character + 1} ${l.label}`);
  }
  const count = (s: Severity): number => rep.findings.filter((f) => f.severity === s).length;
  out.push(rep.findings.length ? `${severityCounts({ error: count('error'), warning: count('warning'), info: count('info'), hint: count('hint') })}.` : 'No findings.');
  return out.map(escapeControls).join('\n') + '\n';
}

function configText(c: ProbeConfigComparison): string[] {
  const others = (c.searched.formats ?? []).map((f) => `, ${plural(f.files, `${f.title} file`)}`).join('');
  const out = [`Configuration of ${c.name}:${c.port} (${plural(c.searched.nginxFiles, 'nginx file')}${others}, ${plural(c.searched.manifests, 'manifest file')} read):`];
  if (c.definitions.length === 0) out.push('  not defined in the configuration read');
  for (const d of c.definitions) {
    out.push(`  ${d.title}: ${d.at.file}:${d.at.range.start.line + 1} ${d.at.label}${d.match === 'default' ? '' : ` (${d.match} match)`}`);
    for (const cert of d.certificate ?? []) {
      const state =
        cert.matchesLive === true
          ? `the certificate the server sends${cert.servedAs ? ` as its ${cert.servedAs}` : ''}`
          : cert.matchesLive === false
            ? 'NOT the certificate the server sends'
            : `not compared: ${cert.note ?? 'unknown'}`;
      out.push(`    ${cert.at.label} (${cert.at.file}:${cert.at.range.start.line + 1})${cert.subject ? ` ${cert.subject}` : ''}: ${state}`);
    }
  }
  return out;
}

/** The findings of a report as core Findings (for --fail-on). */
export function reportFindings(rep: ProbeReport): Pick<Finding, 'severity' | 'ruleId'>[] {
  return rep.findings;
}

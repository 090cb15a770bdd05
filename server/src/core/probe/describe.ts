/**
 * Sentences about a probe report that the text report and the webview both print. No imports
 * but types and the dependency-free `words.ts`, so the client bundle takes these files alone.
 */
import { plural } from '../words';
import type { ProbeReport } from './report';
import type { VulnerabilityCheck } from './types';

/** One line on the short ClientHellos a scan fell back to, or undefined when it did not. */
export function describeShortHellos(rep: ProbeReport): string | undefined {
  const s = rep.shortHellos;
  if (!s) return undefined;
  return `the full offer was refused (${s.reason}); ${s.versions.join(', ')} scanned with at most ${s.maxSuites} suites per hello`;
}

/** One line on the chain as the server sends it, or undefined when no chain was read. */
export function describeChainAsSent(rep: ProbeReport): string | undefined {
  const c = rep.chain;
  if (!c) return undefined;
  const from = c.source === 'scan' ? 'the TLS 1.2 Certificate message' : 'the handshake';
  // RFC 5246 §7.4.2: the self-signed root "MAY be omitted from the chain".
  return `${plural(c.sent, 'certificate')}, from ${from}${c.rootIncluded ? '; the root is included (clients have it already; RFC 5246 §7.4.2 lets it be left out)' : ''}`;
}

/**
 * How TLS starts, for a report: "SMTP STARTTLS (chosen by the well-known port 25)"; undefined
 * for HTTPS nobody chose (the default).
 */
export function describeService(rep: Pick<ProbeReport, 'service' | 'endpoint'>): string | undefined {
  const s = rep.service;
  if (!s || (!s.chosenBy && s.application === 'http')) return undefined;
  const port = /:(\d+)$/.exec(rep.endpoint)?.[1] ?? '';
  const how = s.chosenBy === 'port' ? ` (chosen by the well-known port ${port})` : s.chosenBy === 'option' ? ' (as asked)' : '';
  return `${s.label}${how}${s.application === 'http' ? '' : '; HSTS and ALPN are HTTP matters and not asked'}`;
}

/** What the deadline kept the probe from, in one line, or undefined. */
export function describeNotReached(rep: Pick<ProbeReport, 'notReached' | 'deadlineMs'>): string | undefined {
  if (!rep.notReached?.length) return undefined;
  return `the deadline${rep.deadlineMs ? ` of ${rep.deadlineMs} ms` : ''} passed before ${rep.notReached.join('; ')}`;
}

/** The vulnerability checks as [label, "VULNERABLE — …" | "not vulnerable (…)" | "unknown (…)"] rows. */
export function checkRows(rep: Pick<ProbeReport, 'checks'>): [string, string][] {
  const c = rep.checks;
  if (!c) return [];
  const rows: [string, VulnerabilityCheck | undefined][] = [
    ['Heartbleed', c.heartbleed],
    ['CCS injection', c.ccsInjection],
    ['TLS compression', c.compression],
    ['Client-initiated renegotiation', c.clientRenegotiation],
  ];
  return rows
    .filter(([, v]) => v)
    .map(([label, v]) => [label, v!.vulnerable ? `VULNERABLE — ${v!.detail}` : v!.vulnerable === false ? `not vulnerable (${v!.detail})` : `unknown (${v!.detail})`]);
}

/** A version's signature algorithms in one line, or undefined when not enumerated. */
export function describeSignatureAlgorithms(p: ProbeReport['protocols'][number]): string | undefined {
  if (p.anySignatureAlgorithm) return 'any (an unassigned one was accepted too)';
  if (!p.signatureAlgorithms) return undefined;
  return p.signatureAlgorithms.length ? p.signatureAlgorithms.join(', ') : 'none accepted alone';
}

/** One line per key type the server holds a certificate of. */
export function describeServedCertificates(rep: Pick<ProbeReport, 'servedCertificates'>): string[] {
  return (rep.servedCertificates ?? []).map((c) => {
    const what = c.primary ? 'the certificate shown above' : `${c.subject || '(empty subject)'}${c.sha256 ? `, SHA-256 ${c.sha256.slice(0, 23)}…` : ''}`;
    return `${c.keyType} (${c.versions.join(', ')}): ${what}${c.trusted ? '' : `; NOT trusted — ${c.trustError ?? 'no reason given'}`}`;
  });
}

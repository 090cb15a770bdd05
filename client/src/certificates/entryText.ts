/**
 * What the Certificates view says about an entry: its description, tooltip and the hosts it
 * could be probed at. No vscode import: unit-tested in plain Node.
 */
import type { InventoryEntry } from '../../../server/src/shared/protocol';

type Entry = InventoryEntry & { uri?: string };

export const STATUS_WORDS: Record<string, string> = { ok: 'valid', expiring: 'expiring', expired: 'expired', 'not-yet-valid': 'not yet valid', invalid: 'unreadable' };

/** A file with more entries than this (a CA bundle) starts collapsed. */
export const LARGE_BUNDLE = 10;

/**
 * The tree's description of a certificate: its expiry first (the description is cut at the
 * view's width), then the SAN count when the title has one, then its place in the bundle.
 */
export function certificateDescription(e: Entry): string {
  if (e.kind !== 'certificate') return e.container ?? '';
  if (e.status === 'invalid') return e.error ?? '';
  const parts = e.title.split(' · ');
  const expiry = parts.length > 1 ? parts[parts.length - 1]! : '';
  const rest = parts.slice(1, -1);
  const chain = e.chain && e.chain.size > 1 ? [`${e.chain.index + 1} of ${e.chain.size}`] : [];
  return [expiry, ...rest, ...chain].filter(Boolean).join(' · ');
}

/** The names a certificate's host could be probed at: its DNS SANs without wildcards, else a host-like CN. */
export function probeHosts(e: Entry): string[] {
  if (e.kind !== 'certificate') return [];
  const dns = (e.sans ?? []).filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4)).filter((h) => !h.includes('*'));
  if (dns.length) return [...new Set(dns)];
  const cn = e.commonName;
  return cn && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(cn) ? [cn] : [];
}

/** The tooltip's facts, as Markdown lines (subject, issuer, SANs, validity, status, SHA-256, where). */
export function tooltipLines(e: Entry, where: string): string[] {
  const md = (s: string): string => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
  if (e.kind === 'key') return [`**${md(e.title)}**`, 'Algorithm and size only: TLS Lens never shows key material.', ...(e.container ? [md(e.container)] : []), md(where)];
  if (e.status === 'invalid') return ['**Unreadable certificate**', md(e.error ?? ''), md(where)];
  const sans = e.sans ?? [];
  const shown = sans.slice(0, 8).map((s) => md(s)).join(', ') + (sans.length > 8 ? `, and ${sans.length - 8} more` : '');
  const days = e.daysLeft === undefined ? '' : e.daysLeft < 0 ? ` (expired ${-e.daysLeft} d ago)` : ` (${e.daysLeft} d left)`;
  return [
    `**${md(e.commonName ? `CN=${e.commonName}` : (e.subject ?? 'certificate'))}** — ${STATUS_WORDS[e.status] ?? e.status}${e.ca ? ', CA' : ''}`,
    `Subject: ${md(e.subject ?? '')}`,
    `Issuer: ${md(e.issuer ?? '')}${e.selfIssued ? ' (self-issued)' : ''}`,
    ...(sans.length ? [`SANs: ${shown}`] : []),
    `Valid: ${md(e.notBefore?.slice(0, 10) ?? '?')} to ${md(e.notAfter?.slice(0, 10) ?? '?')}${days}`,
    ...(e.sha256 ? [`SHA-256: \`${e.sha256}\``] : []),
    ...(e.container ? [md(e.container)] : []),
    md(where),
  ];
}

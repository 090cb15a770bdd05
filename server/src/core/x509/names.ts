import { isIP } from 'node:net';
import type { SubjectAltName } from './certificate';

/**
 * Whether a certificate's SANs cover a host name, by RFC 6125 §6.4 as browsers apply it:
 * case-insensitive DNS names, a wildcard only as the whole left-most label (`*.example.com`
 * covers `a.example.com`, not `example.com` or `a.b.example.com`), IP addresses only by
 * iPAddress SANs. The subject CN is not consulted (CA/B Forum BR 7.1.4.3: SANs are authoritative).
 */
export function sansCoverHost(sans: readonly SubjectAltName[], host: string): boolean {
  const h = normalizeHost(host);
  if (!h) return false;
  if (isIP(h)) return sans.some((s) => s.type === 'IP' && sameIp(s.value, h));
  return sans.some((s) => s.type === 'DNS' && dnsNameMatches(s.value, h));
}

/** Whether one DNS SAN (possibly `*.`) matches a host name. */
export function dnsNameMatches(pattern: string, host: string): boolean {
  const p = normalizeHost(pattern);
  const h = normalizeHost(host);
  if (!p || !h) return false;
  if (!p.startsWith('*.')) return p === h;
  const suffix = p.slice(1); // ".example.com"
  if (!h.endsWith(suffix)) return false;
  const label = h.slice(0, h.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

/**
 * Whether a host *pattern* used by configuration (nginx `server_name *.example.com`, an
 * Ingress host `*.example.com`) is covered: a wildcard host needs a matching wildcard SAN.
 */
export function sansCoverHostPattern(sans: readonly SubjectAltName[], pattern: string): boolean {
  const p = normalizeHost(pattern);
  if (p.startsWith('*.')) return sans.some((s) => s.type === 'DNS' && normalizeHost(s.value) === p);
  return sansCoverHost(sans, p);
}

function normalizeHost(s: string): string {
  return s.trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
}

function sameIp(a: string, b: string): boolean {
  return normalizeHost(a) === normalizeHost(b);
}

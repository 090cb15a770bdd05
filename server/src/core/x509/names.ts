import type * as Net from 'node:net';
import type { NameConstraints, SubjectAltName } from './certificate';

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;

/**
 * Whether a host is an IP address literal, as `net.isIP` judges it. node:net (and the IPv6
 * pattern it compiles on first use, a few milliseconds) is loaded only for a name with a colon.
 */
export function isIpLiteral(h: string): boolean {
  if (IPV4.test(h)) return true;
  if (!h.includes(':')) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load
  return (require('node:net') as typeof Net).isIPv6(h);
}

/**
 * Whether a certificate's SANs cover a host name, by RFC 6125 §6.4 as browsers apply it:
 * case-insensitive DNS names, a wildcard only as the whole left-most label (`*.example.com`
 * covers `a.example.com`, not `example.com` or `a.b.example.com`), IP addresses only by
 * iPAddress SANs. The subject CN is not consulted (CA/B Forum BR 7.1.4.3: SANs are authoritative).
 */
export function sansCoverHost(sans: readonly SubjectAltName[], host: string): boolean {
  const h = normalizeHost(host);
  if (!h) return false;
  if (isIpLiteral(h)) return sans.some((s) => s.type === 'IP' && sameIp(s.value, h));
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

/**
 * Whether a DNS name lies in a dNSName name-constraint subtree (RFC 5280 §4.2.1.10: any name
 * made by adding zero or more labels to the left of the base). A base with a leading dot
 * (`.example.com`), as OpenSSL reads it, admits only names below it, not `example.com`
 * itself; an empty base admits every name. Case-insensitive.
 */
export function dnsWithinSubtree(name: string, base: string): boolean {
  const n = normalizeHost(name);
  const b = normalizeHost(base);
  if (b === '') return true;
  if (b.startsWith('.')) return n.endsWith(b) && n.length > b.length;
  return n === b || n.endsWith('.' + b);
}

/**
 * Why a certificate naming DNS `host` could not be issued under a CA with these Name
 * Constraints, or undefined when it could: the host is in an excluded dNSName subtree, or
 * permitted dNSName subtrees exist and the host is in none of them (RFC 5280 §4.2.1.10).
 * Subtrees of other name types do not constrain DNS names; IP hosts are not judged.
 */
export function nameConstraintsViolation(nc: NameConstraints, host: string): string | undefined {
  const h = normalizeHost(host);
  if (!h || isIpLiteral(h)) return undefined;
  const excluded = nc.excluded.find((t) => t.type === 'DNS' && dnsWithinSubtree(h, t.value));
  if (excluded) return `exclude DNS:${excluded.value}`;
  const permitted = nc.permitted.filter((t) => t.type === 'DNS');
  if (permitted.length && !permitted.some((t) => dnsWithinSubtree(h, t.value))) {
    const shown = permitted.slice(0, 4).map((t) => `DNS:${t.value}`).join(', ');
    return `permit only ${shown}${permitted.length > 4 ? `, … (${permitted.length} in all)` : ''}`;
  }
  return undefined;
}

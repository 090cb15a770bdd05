/**
 * Host names as Gateways, listeners and routes write them, and whether one is a name the
 * public reaches — the names a plain-HTTP-only finding is about.
 */

/**
 * Last labels of names that are not public: special-use names (RFC 6761: `localhost`,
 * `invalid`, `test`, `example`; RFC 6762: `local`; RFC 8375: `home.arpa`; RFC 7686: `onion`;
 * ICANN's reserved `internal`, 2024), and suffixes private networks use by convention
 * (`lan`, `home`, `corp`, `intranet`, `private`, `localdomain`; Kubernetes' `svc`, `cluster.local`).
 */
const NOT_PUBLIC_TLD = new Set(['localhost', 'invalid', 'test', 'example', 'local', 'arpa', 'onion', 'internal', 'lan', 'home', 'corp', 'intranet', 'private', 'localdomain', 'svc']);

/** Second-level names reserved for documentation (RFC 2606 §3): nobody serves them. */
const DOCUMENTATION = /(^|\.)example\.(com|net|org)$/;

function clean(h: string): string {
  return h.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Whether a host (or `*.` wildcard pattern) is a public DNS name: at least two labels, a
 * top-level label of letters (or an IDN's `xn--`), not an IP address, not a special-use,
 * documentation (RFC 2606 example.com/.net/.org), cluster-local or private-network name.
 * `*` and empty are no name. With `documentationNames: true`, example.com/.net/.org count as
 * public: they stand for a public site in examples and fixtures.
 */
export function isPublicHostname(host: string, opts: { documentationNames?: boolean } = {}): boolean {
  const h = clean(host).replace(/^\*\./, '');
  if (!h || h === '*' || h.includes('*') || h.includes('{{')) return false;
  if (/^[\d.]+$/.test(h) || h.includes(':')) return false;
  const labels = h.split('.');
  if (labels.length < 2 || labels.some((l) => !/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/.test(l))) return false;
  const tld = labels[labels.length - 1]!;
  // A top-level domain is letters (or an IDN's xn--): `keycloak.auth` style `<service>.<namespace>` names with hyphens or digits are cluster names.
  if (!/^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(tld)) return false;
  if (NOT_PUBLIC_TLD.has(tld) || h.endsWith('.cluster.local')) return false;
  return opts.documentationNames === true || !DOCUMENTATION.test(h);
}

/**
 * Whether a listener or server host pattern covers `host` (Gateway API listener hostnames
 * and Istio Gateway hosts: exact, `*` for every name, or a `*.` prefix matching any name with
 * that suffix — "*.example.com" covers "a.b.example.com", not "example.com").
 */
export function patternCovers(pattern: string | undefined, host: string): boolean {
  if (pattern === undefined) return true;
  const p = clean(pattern);
  const h = clean(host);
  if (p === '' || p === '*' || p === h) return true;
  // A wildcard host is covered by a wildcard pattern of the same or a shorter suffix.
  return p.startsWith('*.') && h.endsWith(p.slice(1)) && h.length > p.length - 1;
}

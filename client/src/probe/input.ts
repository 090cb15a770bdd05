/**
 * What the Probe Endpoint input accepts, besides `host[:port]`: `name@address[:port]` probes
 * `name` (its SNI and the name the certificate must cover) at another address — a load
 * balancer's IP, a staging box, `[2001:db8::1]` — as curl's `--connect-to` does. No vscode
 * import: unit-tested in plain Node.
 */

export interface ProbeInput {
  /** host[:port] as the server's probe takes it. */
  target: string;
  /** The address connected to instead of the host's own (IP or name, without the port). */
  connectTo?: string;
  /** The name sent as SNI, when it is not the host's. */
  sni?: string;
}

const HOST = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function port(s: string | undefined): number | undefined | 'bad' {
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return /^\d+$/.test(s) && n >= 1 && n <= 65535 ? n : 'bad';
}

/** `host`, `host:port` or `[v6]:port` → its parts; undefined when it is none of them. */
function hostPort(s: string): { host: string; port: number | undefined } | undefined {
  const v6 = /^\[([0-9a-f:.]+)\](?::(\d*))?$/i.exec(s);
  if (v6) {
    const p = port(v6[2]);
    return p === 'bad' ? undefined : { host: `[${v6[1]}]`, port: p };
  }
  const m = /^([^:\s]+)(?::(\d*))?$/.exec(s);
  if (!m) return undefined;
  const p = port(m[2]);
  if (p === 'bad' || !(HOST.test(m[1]!) || IPV4.test(m[1]!))) return undefined;
  return { host: m[1]!, port: p };
}

/**
 * Reads what was typed: `example.com`, `example.com:8443`, `https://example.com/`, `smtp://mail.example.com:587`,
 * `shop.example.com@10.0.0.5`, `shop.example.com@10.0.0.5:8443`, `shop.example.com:8443@lb.internal`.
 * The port may be written on either side of `@` (on both, it must agree).
 */
export function parseProbeInput(raw: string): ProbeInput | { error: string } {
  const parsed = parseUnschemed(raw.replace(/^\s*([A-Za-z][A-Za-z0-9+.-]*):\/\//, ''));
  // A protocol scheme (smtp://, imaps://, ldap://, postgres:// …) stays on the target: the probe
  // speaks that protocol's STARTTLS (or implicit TLS); http(s):// says nothing the port does not.
  const scheme = /^\s*([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(raw)?.[1]?.toLowerCase();
  if ('error' in parsed || !scheme || scheme === 'http' || scheme === 'https') return parsed;
  return { ...parsed, target: `${scheme}://${parsed.target}` };
}

function parseUnschemed(raw: string): ProbeInput | { error: string } {
  const text = raw.trim().replace(/\/.*$/, '');
  if (!text) return { error: 'type host[:port], or name@address[:port] to probe a name at another address' };
  const at = text.lastIndexOf('@');
  if (at < 0) {
    const hp = hostPort(text);
    return hp ? { target: hp.port ? `${hp.host}:${hp.port}` : hp.host } : { error: `"${raw.trim()}" is not host[:port] (e.g. example.com, example.com:8443, [2001:db8::1]:443)` };
  }
  const name = hostPort(text.slice(0, at));
  const address = hostPort(text.slice(at + 1));
  if (!name || name.host.startsWith('[') || IPV4.test(name.host)) return { error: `before "@" goes the name to probe (its SNI), e.g. shop.example.com@10.0.0.5:8443` };
  if (!address) return { error: `after "@" goes the address to connect to, e.g. 10.0.0.5, 10.0.0.5:8443 or [2001:db8::1]:443` };
  if (name.port && address.port && name.port !== address.port) return { error: `two ports (${name.port} and ${address.port}): write the port once` };
  const p = name.port ?? address.port;
  const connectTo = address.host.replace(/^\[|\]$/g, '');
  return { target: p ? `${name.host}:${p}` : name.host, connectTo };
}

/** The input as it would be typed again (for "Edit" after an error). */
export function formatProbeInput(i: ProbeInput): string {
  if (!i.connectTo) return i.target;
  const m = /^(.*?)(?::(\d+))?$/.exec(i.target)!;
  const address = i.connectTo.includes(':') ? `[${i.connectTo}]` : i.connectTo;
  return `${m[1]}@${address}${m[2] ? `:${m[2]}` : ''}`;
}

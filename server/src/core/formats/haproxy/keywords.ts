/**
 * What TLS Lens knows of HAProxy's keywords: which `bind` and `server` options take a value
 * (configuration.txt sections 5.1 "Bind options" and 5.2 "Server and default-server
 * options"), and what the TLS ones do, for the hover. An option not listed is read as a
 * flag without a value.
 */
import { compareVersions } from '../../policy/nginxVersion';

/** Bind options that take no value. */
export const BIND_FLAGS: ReadonlySet<string> = new Set([
  'accept-proxy',
  'allow-0rtt',
  'defer-accept',
  'force-sslv3',
  'force-tlsv10',
  'force-tlsv11',
  'force-tlsv12',
  'force-tlsv13',
  'generate-certificates',
  'no-alpn',
  'no-ca-names',
  'no-sslv3',
  'no-strict-sni',
  'no-tls-tickets',
  'no-tlsv10',
  'no-tlsv11',
  'no-tlsv12',
  'no-tlsv13',
  'prefer-client-ciphers',
  'quic-force-retry',
  'ssl',
  'strict-sni',
  'tfo',
  'tls-tickets',
  'transparent',
  'v4v6',
  'v6only',
]);

/** Server (and default-server) options that take no value; every `no-…` option is a flag too. */
export const SERVER_FLAGS: ReadonlySet<string> = new Set([
  'agent-check',
  'allow-0rtt',
  'backup',
  'check',
  'check-reuse-pool',
  'check-send-proxy',
  'check-sni-auto',
  'check-ssl',
  'check-via-socks4',
  'disabled',
  'enabled',
  'force-sslv3',
  'force-tlsv10',
  'force-tlsv11',
  'force-tlsv12',
  'force-tlsv13',
  'non-stick',
  'renegotiate',
  'send-proxy',
  'send-proxy-v2',
  'send-proxy-v2-ssl',
  'send-proxy-v2-ssl-cn',
  'sni-auto',
  'ssl',
  'ssl-reuse',
  'stick',
  'strict-maxconn',
  'tfo',
  'tls-tickets',
]);

/** `ssl-default-bind-options` / `ssl-default-server-options` take bind/server flags and these with a value. */
export const VERSION_OPTIONS: ReadonlySet<string> = new Set(['ssl-min-ver', 'ssl-max-ver']);

/** What a TLS keyword does, HAProxy's default, and which profile value the hover shows. */
export interface KeywordInfo {
  summary: string;
  /** HAProxy's default; a function when it depends on the version (the policy's haproxyVersion). */
  default: string | ((version: string | undefined) => string);
  /** The profile setting it corresponds to. */
  profile?: 'protocols' | 'ciphers' | 'ciphersuites' | 'groups' | 'dh';
}

const BIND_MIN_DEFAULT = (v: string | undefined): string =>
  v === undefined ? 'TLSv1.2 (HAProxy 2.2 and later; older versions: what OpenSSL allows, TLSv1.0 and up)' : atLeast(v, '2.2') ? `TLSv1.2 (HAProxy ${v})` : `what OpenSSL allows, TLSv1.0 and up (HAProxy ${v})`;

/** Whether the targeted HAProxy is at least `version`; an unknown target counts as current. */
export function atLeast(target: string | undefined, version: string): boolean {
  return target === undefined || compareVersions(target, version) >= 0;
}

export const DH_DEFAULT = (v: string | undefined): string =>
  v === undefined ? 'none: DHE suites are off without DH parameters (HAProxy 2.6 and later; 2048 in 2.2–2.5, 1024 before)' : !atLeast(v, '2.2') ? `1024 (HAProxy ${v})` : !atLeast(v, '2.6') ? `2048 (HAProxy ${v})` : `none: DHE suites are off without DH parameters (HAProxy ${v})`;

/** TLS keywords: bind/server options and global settings (configuration.txt 3.1, 3.2, 5.1, 5.2). */
export const TLS_KEYWORDS: Readonly<Record<string, KeywordInfo>> = {
  'ssl-min-ver': { summary: 'the oldest TLS version a listener or server connection accepts (SSLv3, TLSv1.0 … TLSv1.3)', default: BIND_MIN_DEFAULT, profile: 'protocols' },
  'ssl-max-ver': { summary: 'the newest TLS version a listener or server connection accepts', default: 'the newest OpenSSL supports (TLSv1.3)', profile: 'protocols' },
  'force-sslv3': { summary: 'only SSLv3 (sets the minimum and the maximum to it)', default: 'off', profile: 'protocols' },
  'force-tlsv10': { summary: 'only TLSv1.0 (sets the minimum and the maximum to it)', default: 'off', profile: 'protocols' },
  'force-tlsv11': { summary: 'only TLSv1.1 (sets the minimum and the maximum to it)', default: 'off', profile: 'protocols' },
  'force-tlsv12': { summary: 'only TLSv1.2 (sets the minimum and the maximum to it)', default: 'off', profile: 'protocols' },
  'force-tlsv13': { summary: 'only TLSv1.3 (sets the minimum and the maximum to it)', default: 'off', profile: 'protocols' },
  'no-sslv3': { summary: 'disables SSLv3; ignored (with a warning) when ssl-min-ver or ssl-max-ver is set', default: 'off', profile: 'protocols' },
  'no-tlsv10': { summary: 'disables TLSv1.0; ignored (with a warning) when ssl-min-ver or ssl-max-ver is set', default: 'off', profile: 'protocols' },
  'no-tlsv11': { summary: 'disables TLSv1.1; ignored (with a warning) when ssl-min-ver or ssl-max-ver is set', default: 'off', profile: 'protocols' },
  'no-tlsv12': { summary: 'disables TLSv1.2; ignored (with a warning) when ssl-min-ver or ssl-max-ver is set', default: 'off', profile: 'protocols' },
  'no-tlsv13': { summary: 'disables TLSv1.3; ignored (with a warning) when ssl-min-ver or ssl-max-ver is set', default: 'off', profile: 'protocols' },
  ciphers: { summary: 'the OpenSSL cipher string for TLS 1.2 and older', default: "OpenSSL's DEFAULT list (unless ssl-default-bind-ciphers / ssl-default-server-ciphers is set)", profile: 'ciphers' },
  ciphersuites: { summary: 'the TLS 1.3 suites, a colon-separated list of exact names', default: "OpenSSL's (TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256)", profile: 'ciphersuites' },
  curves: { summary: 'the key exchange groups offered for ECDHE (colon-separated)', default: "OpenSSL's", profile: 'groups' },
  sigalgs: { summary: 'the signature algorithms for TLS 1.2 and 1.3 handshakes', default: "OpenSSL's" },
  crt: { summary: 'a PEM file (or a directory of them) with the certificate chain and its private key; without a key in it, <file>.key is read', default: 'none' },
  'crt-list': { summary: 'a file listing certificate files, each with optional TLS settings and SNI filters', default: 'none' },
  'ca-file': { summary: 'the CA certificates to verify the peer with (clients on a bind, the server on a server line); @system-ca is the system store', default: 'none' },
  'crl-file': { summary: 'certificate revocation lists checked during verification', default: 'none' },
  verify: { summary: "bind: whether to ask for client certificates (none, optional, required); server: whether to verify the server's certificate (none, required)", default: "bind: none; server: required unless global ssl-server-verify none" },
  verifyhost: { summary: "the host name the server's certificate must match when no SNI is sent", default: 'none (without sni or verifyhost, only the chain is verified, not the name)' },
  sni: { summary: 'the SNI sent to the server (a sample expression such as req.hdr(host)); with verify required the certificate must match it', default: 'none (HAProxy 3.3 and later: the Host header in HTTP mode, sni-auto)' },
  ssl: { summary: 'enables TLS on this listener or server connection', default: 'off' },
  'no-tls-tickets': { summary: 'disables TLS session tickets (stateless resumption)', default: 'tickets on' },
  'strict-sni': { summary: 'refuses clients whose SNI matches no certificate (no default certificate)', default: 'off' },
  'prefer-client-ciphers': { summary: "uses the client's cipher order instead of the server's", default: "off (the server's order)" },
  'allow-0rtt': { summary: 'accepts TLS 1.3 early data, which an attacker can replay', default: 'off' },
  alpn: { summary: 'the ALPN protocols advertised (h2,http/1.1)', default: 'h2,http/1.1 on HTTPS frontends' },
  'ssl-default-bind-options': { summary: 'TLS options every bind line with ssl gets (ssl-min-ver, no-tls-tickets …)', default: 'none', profile: 'protocols' },
  'ssl-default-server-options': { summary: 'TLS options every server line with ssl gets', default: 'none', profile: 'protocols' },
  'ssl-default-bind-ciphers': { summary: 'the cipher string of bind lines that set none', default: "OpenSSL's DEFAULT list", profile: 'ciphers' },
  'ssl-default-server-ciphers': { summary: 'the cipher string of server lines that set none', default: "OpenSSL's DEFAULT list", profile: 'ciphers' },
  'ssl-default-bind-ciphersuites': { summary: 'the TLS 1.3 suites of bind lines that set none', default: "OpenSSL's", profile: 'ciphersuites' },
  'ssl-default-server-ciphersuites': { summary: 'the TLS 1.3 suites of server lines that set none', default: "OpenSSL's", profile: 'ciphersuites' },
  'ssl-default-bind-curves': { summary: 'the groups of bind lines that set none', default: "OpenSSL's", profile: 'groups' },
  'ssl-default-server-curves': { summary: 'the groups of server lines that set none', default: "OpenSSL's", profile: 'groups' },
  'ssl-default-bind-sigalgs': { summary: 'the signature algorithms of bind lines that set none', default: "OpenSSL's" },
  'ssl-default-server-sigalgs': { summary: 'the signature algorithms of server lines that set none', default: "OpenSSL's" },
  'ssl-server-verify': { summary: "whether servers' certificates are verified by default (none or required)", default: 'required' },
  'ssl-dh-param-file': { summary: 'the DH parameters for DHE suites of every bind line (a certificate file with its own wins)', default: 'none', profile: 'dh' },
  'tune.ssl.default-dh-param': { summary: 'the largest DH group HAProxy generates for DHE when no DH parameters file is given', default: DH_DEFAULT, profile: 'dh' },
  'crt-base': { summary: 'the folder relative crt paths are read from', default: 'none' },
  'ca-base': { summary: 'the folder relative ca-file and crl-file paths are read from', default: 'none' },
};

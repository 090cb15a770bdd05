import { compareVersions } from '../../policy/nginxVersion';
import type { Profile } from '../../policy/profiles';

/** nginx's ssl_protocols default by version (ngx_http_ssl_module docs, CHANGES). */
export function sslProtocolsDefault(version: string): string {
  if (compareVersions(version, '1.27.3') >= 0) return 'TLSv1.2 TLSv1.3';
  if (compareVersions(version, '1.23.4') >= 0) return 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3';
  if (compareVersions(version, '1.9.1') >= 0) return 'TLSv1 TLSv1.1 TLSv1.2';
  if (compareVersions(version, '0.8.19') >= 0) return 'SSLv3 TLSv1 TLSv1.1 TLSv1.2';
  return 'SSLv2 SSLv3 TLSv1';
}

/**
 * What TLS Lens knows about nginx's TLS directives, for hovers. Facts from the nginx
 * documentation (ngx_http_ssl_module, ngx_http_proxy_module, ngx_http_grpc_module,
 * ngx_http_v2_module, ngx_http_headers_module, ngx_http_core_module) and CHANGES.
 */
export interface DirectiveDoc {
  summary: string;
  /** nginx's default, as the documentation states it. */
  default: string;
  /** The default for a given nginx version, where it changed over time. */
  defaultFor?: (version: string) => string;
  /** What the policy profile recommends, when it says something. */
  policy?: (p: Profile) => string | undefined;
}

const upstreamVerify = 'Whether nginx verifies the upstream server\'s certificate. Off means the connection is encrypted but the server is not authenticated.';

export const TLS_DIRECTIVES: Readonly<Record<string, DirectiveDoc>> = {
  ssl_protocols: {
    summary: 'The TLS protocol versions nginx accepts.',
    default: 'TLSv1.2 TLSv1.3 since nginx 1.27.3; TLSv1 TLSv1.1 TLSv1.2 TLSv1.3 from 1.23.4; TLSv1 TLSv1.1 TLSv1.2 from 1.9.1',
    defaultFor: sslProtocolsDefault,
    policy: (p) => p.protocols.join(' '),
  },
  ssl_ciphers: {
    summary: 'The TLS 1.2 and older cipher suites, as an OpenSSL cipher string. TLS 1.3 suites are not set here.',
    default: 'HIGH:!aNULL:!MD5',
    policy: (p) => (p.ciphers.openssl.length ? p.ciphers.openssl.join(':') : 'none needed: the profile allows TLS 1.3 only'),
  },
  ssl_prefer_server_ciphers: {
    summary: 'Whether the server\'s cipher order wins over the client\'s (TLS 1.2 and older).',
    default: 'off',
    policy: (p) => (p.serverPreferredOrder ? 'on' : 'off'),
  },
  ssl_certificate: { summary: 'The certificate file (PEM), leaf first, followed by its intermediates. May be given several times (RSA and ECDSA).', default: '—' },
  ssl_certificate_key: { summary: 'The private key of ssl_certificate (PEM).', default: '—' },
  ssl_trusted_certificate: { summary: 'CA certificates used to verify client certificates and OCSP responses; not sent to clients.', default: '—' },
  ssl_client_certificate: { summary: 'CA certificates used to verify client certificates; their names are sent to clients.', default: '—' },
  ssl_verify_client: { summary: 'Client certificate verification: on, off, optional, or optional_no_ca (requested but not verified).', default: 'off' },
  ssl_verify_depth: { summary: 'The maximum depth of client certificate chains.', default: '1' },
  ssl_session_cache: {
    summary: 'The TLS session cache: off, none, builtin, or shared:NAME:SIZE (shared between workers).',
    default: 'none',
    policy: () => 'shared:MozSSL:10m (Mozilla\'s generated configuration)',
  },
  ssl_session_timeout: { summary: 'How long a client may reuse session parameters.', default: '5m', policy: () => '1d (Mozilla\'s generated configuration)' },
  ssl_session_tickets: {
    summary: 'Session resumption with TLS session tickets. Before nginx 1.23.2 the ticket keys were never rotated, which undoes forward secrecy.',
    default: 'on',
    policy: () => 'off for nginx 1.5.9 up to 1.23.1; on is fine from 1.23.2 (Mozilla\'s generated configuration)',
  },
  ssl_stapling: {
    summary: 'OCSP stapling: the server sends its certificate\'s OCSP response. Needs a resolver and the issuer certificate.',
    default: 'off',
    policy: (p) => (p.ocspStaple ? 'on (not for Let\'s Encrypt certificates: its OCSP responders shut down on 2025-08-06)' : undefined),
  },
  ssl_stapling_verify: { summary: 'Verify the OCSP responses before stapling them (needs ssl_trusted_certificate).', default: 'off' },
  ssl_dhparam: {
    summary: 'Diffie-Hellman parameters for DHE suites. Unset: no DHE suites (since nginx 1.11.0).',
    default: 'unset',
    policy: (p) => (p.dhParamSize ? `at least ${p.dhParamSize} bits (ffdhe2048)` : 'not needed: the profile uses no DHE suites'),
  },
  ssl_ecdh_curve: { summary: 'The key exchange groups (curves), colon-separated.', default: 'auto', policy: (p) => p.groups.join(':') },
  ssl_early_data: { summary: 'Accept TLS 1.3 early data (0-RTT), which can be replayed.', default: 'off', policy: () => 'off' },
  ssl_reject_handshake: { summary: 'Reject TLS handshakes for this server (for a default server that must not answer unknown names). Such a server needs no certificate and no HSTS.', default: 'off' },
  ssl_buffer_size: { summary: 'The size of the buffer for sending data; smaller values lower time to first byte.', default: '16k' },
  ssl_password_file: { summary: 'Passphrases for encrypted secret keys.', default: '—' },
  ssl: { summary: 'Obsolete since nginx 1.15.0, removed in 1.25.1: use the ssl parameter of listen.', default: 'off' },
  http2: { summary: 'Enables HTTP/2 for the server (nginx 1.25.1 and later; replaces listen … http2).', default: 'off' },
  listen: { summary: 'The address and port to accept connections on. The ssl parameter makes it a TLS port; http2, quic, default_server and proxy_protocol are other parameters.', default: '*:80 | *:8000' },
  add_header: {
    summary: 'Adds a response header (with always: for every status). A block with any add_header of its own drops all inherited ones.',
    default: '—',
    policy: (p) => `Strict-Transport-Security "max-age=${p.hstsMinAge}" always`,
  },
  proxy_ssl_verify: { summary: upstreamVerify, default: 'off', policy: () => 'on, with proxy_ssl_trusted_certificate' },
  proxy_ssl_server_name: { summary: 'Whether nginx sends SNI (the upstream host name) to the upstream server.', default: 'off', policy: () => 'on' },
  proxy_ssl_name: { summary: 'The name used for SNI and for verifying the upstream certificate.', default: 'the host part of proxy_pass' },
  proxy_ssl_trusted_certificate: { summary: 'CA certificates used to verify upstream servers.', default: '—' },
  proxy_ssl_protocols: { summary: 'The TLS versions offered to upstream servers.', default: 'TLSv1.2 TLSv1.3', policy: (p) => p.protocols.join(' ') },
  proxy_ssl_ciphers: { summary: 'The cipher string offered to upstream servers.', default: 'DEFAULT' },
  proxy_ssl_certificate: { summary: 'A client certificate presented to upstream servers (mutual TLS).', default: '—' },
  proxy_ssl_certificate_key: { summary: 'The private key of proxy_ssl_certificate.', default: '—' },
  proxy_ssl_verify_depth: { summary: 'The maximum depth of upstream certificate chains.', default: '1' },
  grpc_ssl_verify: { summary: upstreamVerify, default: 'off', policy: () => 'on, with grpc_ssl_trusted_certificate' },
  grpc_ssl_server_name: { summary: 'Whether nginx sends SNI to the gRPC upstream.', default: 'off', policy: () => 'on' },
  grpc_ssl_trusted_certificate: { summary: 'CA certificates used to verify gRPC upstream servers.', default: '—' },
  grpc_ssl_protocols: { summary: 'The TLS versions offered to gRPC upstream servers.', default: 'TLSv1.2 TLSv1.3', policy: (p) => p.protocols.join(' ') },
  grpc_ssl_ciphers: { summary: 'The cipher string offered to gRPC upstream servers.', default: 'DEFAULT' },
};

/**
 * The results of probing a live endpoint. Two engines fill them: the raw scanner
 * (`scan/`, ClientHellos on a plain socket, independent of the local TLS library) and the
 * full handshake (`handshake.ts`, node:tls: the TLS 1.3 chain, trust, hostname, ALPN,
 * OCSP staple, resumption, HSTS). `probe.ts` runs both; verdicts and the grade are derived
 * from a `ProbeResult` alone, so they can be tested from recorded results.
 */

/**
 * Application protocols whose own upgrade to TLS the probe speaks before its first TLS byte
 * (`starttls/`): SMTP, IMAP, POP3 and FTP commands, the LDAP StartTLS extended operation, the
 * XMPP stream feature, PostgreSQL's SSLRequest and MySQL's SSL request packet.
 */
export const STARTTLS_PROTOCOLS = ['smtp', 'imap', 'pop3', 'ftp', 'ldap', 'xmpp', 'xmpp-server', 'postgres', 'mysql'] as const;
export type StarttlsProtocol = (typeof STARTTLS_PROTOCOLS)[number];

/** What runs inside TLS: HTTP (the default: HSTS from `HEAD /`, ALPN h2/http1.1) or another protocol (neither). */
export type ApplicationProtocol = 'http' | StarttlsProtocol | 'dns' | 'mqtt' | 'irc';

export interface ProbeTarget {
  /** Host name or IP literal as the user typed it. */
  host: string;
  port: number;
  /** Server name sent in SNI and checked against the certificate (default: `host` unless it is an IP). */
  sni?: string;
  /** Connect to this address instead of resolving `host` (connect-to-IP with another SNI). */
  connectTo?: string;
  family?: 4 | 6;
  /** Speak this protocol's upgrade on every connection before TLS (STARTTLS and the like); absent: TLS from the first byte. */
  starttls?: StarttlsProtocol;
  /** What runs inside TLS when it is not HTTP (set with `starttls`, or for an implicit-TLS port such as 993): no HTTP HEAD, no ALPN offer. */
  application?: ApplicationProtocol;
  /** How `starttls` / `application` were chosen: by an option (`--starttls`), or by the well-known port (`starttls/ports.ts`). */
  protocolChosenBy?: 'option' | 'port';
}

export interface ProbeOptions {
  /** Per-connection timeout (connect + handshake), ms. Default 5000. */
  timeoutMs: number;
  /** Connections in flight at once. Default 8. */
  concurrency: number;
  /** Cancels the probe; every socket is destroyed and the promise rejects with a ProbeError('cancelled'). */
  signal?: AbortSignal;
  /** PEM text of extra trusted CAs (e.g. a workspace CA). */
  extraCaPem?: string;
  /** PEM text of a client certificate and key for mTLS endpoints (key never logged or reported). */
  clientCertPem?: string;
  clientKeyPem?: string;
  /** Progress callback: a short phase name and a fraction done in [0, 1]. */
  onProgress?: (phase: string, fraction: number) => void;
  /**
   * A total budget for the whole probe, ms (`--deadline`): no connection outlives it, nothing
   * starts after it, and the result lists what was not reached. Each connection still ends on its
   * own `timeoutMs`.
   */
  deadlineMs?: number;
  /** The deadline as a `Date.now()` instant, set by `probeEndpoint` for its parts (scan, handshake). */
  deadlineAt?: number;
}

export type ProtocolVersion = 'SSLv2' | 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** Wire codes of the versions (legacy_version / supported_versions). */
export const PROTOCOL_CODES: Readonly<Record<ProtocolVersion, number>> = {
  SSLv2: 0x0002,
  SSLv3: 0x0300,
  TLSv1: 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': 0x0303,
  'TLSv1.3': 0x0304,
};

export interface VersionScan {
  version: ProtocolVersion;
  accepted: boolean;
  /**
   * Accepted suites by their 16-bit IANA code, in the order the server chose them during
   * elimination; for SSLv2, the 24-bit cipher kinds of the SERVER-HELLO, in its order.
   */
  suites: number[];
  /** True when the server picks by its own preference (swapping our offer order did not change its choice); undefined when < 2 suites. */
  serverOrder?: boolean;
  /** The alert or failure seen when the version is refused, for the report. */
  refusal?: string;
  /**
   * TLS 1.2 and 1.3: the signature schemes (IANA codes) the server accepted when offered
   * alone, in the registry's order; `anySignatureAlgorithm` when it accepted an unassigned one
   * too (then the list means nothing). Absent when not enumerated.
   */
  signatureAlgorithms?: number[];
  anySignatureAlgorithm?: boolean;
  /** Suites the server closes, resets or sends an unexpected alert on when it picks them (broken, e.g. DHE without DH parameters). */
  breaksOn?: number[];
}

/** One vulnerability check by raw handshakes (or node:tls for renegotiation). */
export interface VulnerabilityCheck {
  /** true: the server has the weakness; false: it has not; undefined: it could not be told (why in `detail`). */
  vulnerable?: boolean;
  /** What was sent and what the server did, in words. */
  detail: string;
  /** The version the check was made with. */
  version?: string;
}

export interface ScanResult {
  versions: VersionScan[];
  /** Named groups the server accepts for key exchange (IANA names: x25519, secp256r1, X25519MLKEM768, ffdhe2048 …). */
  groups: string[];
  /** Certificate chain as sent in clear in a TLS ≤ 1.2 handshake (DER, leaf first); empty if TLS ≤ 1.2 is refused. */
  chainDer: Uint8Array[];
  /** RFC 5746 renegotiation_info in the ServerHello (TLS ≤ 1.2). */
  secureRenegotiation?: boolean;
  /** RFC 7507: the server answers an inappropriate-fallback ClientHello with the alert. */
  fallbackScsv?: boolean;
  /** DH group size when a DHE suite was negotiated (bits). */
  dhBits?: number;
  /**
   * Set when the server refused a ClientHello offering every suite (reset, close, timeout or
   * an alert) while short ones worked: the versions scanned with short hellos, at most
   * `maxSuites` suites each, and what the full offer drew.
   */
  shortHellos?: { versions: ProtocolVersion[]; maxSuites: number; reason: string };
  /**
   * Checks made with raw handshakes on the highest accepted TLS ≤ 1.2 version: Heartbleed (a
   * heartbeat request longer than its payload), TLS compression (DEFLATE offered), the CCS
   * injection (an early ChangeCipherSpec). Absent when no TLS ≤ 1.2 version is accepted.
   */
  checks?: { heartbleed?: VulnerabilityCheck; compression?: VulnerabilityCheck; ccsInjection?: VulnerabilityCheck };
  /** The deadline passed before these parts of the scan were done ("TLSv1: not tested", "groups: 9 of 23 not tested" …). */
  notReached?: string[];
}

/** Key types a server may hold a certificate of (and sign with). */
export type CertificateKeyType = 'RSA' | 'ECDSA' | 'EdDSA';

/**
 * A certificate the server sent when the client offered only one key type's signature
 * algorithms (and, in TLS 1.2, only that key type's suites): how a server with an RSA and an
 * ECDSA certificate shows each.
 */
export interface ServedCertificate {
  keyType: CertificateKeyType;
  /** The versions it was sent with, when only this key type was offered. */
  versions: string[];
  /** As sent (leaf first), without what Node adds from the local trust store. */
  chainDer: Uint8Array[];
  trusted: boolean;
  trustError?: string;
  hostnameMatches: boolean;
  hostnameError?: string;
}

export interface HandshakeResult {
  protocol: string;
  cipher: { name: string; standardName?: string };
  alpn?: string;
  /**
   * The chain as the server sent it (DER, leaf first), from `getPeerCertificate(true)` raw
   * fields without the issuers Node appends from the local trust store (`storeIssuersDer`).
   */
  chainDer: Uint8Array[];
  /** Issuers (usually the root) Node added from the local trust store after what the server sent. */
  storeIssuersDer?: Uint8Array[];
  /** Trust against Node's roots + extraCaPem; the error code when not trusted (e.g. UNABLE_TO_GET_ISSUER_CERT_LOCALLY). */
  trusted: boolean;
  trustError?: string;
  /** The certificate covers the SNI/host name. */
  hostnameMatches: boolean;
  /** Why the name does not match (tls.checkServerIdentity's message). */
  hostnameError?: string;
  ocsp?: { stapled: boolean; status?: 'good' | 'revoked' | 'unknown'; thisUpdate?: string; nextUpdate?: string; problem?: string };
  resumption?: { ticket: boolean; resumed: boolean };
  /** Per key type (TLS 1.3 and 1.2, one type's signature algorithms offered at a time): what the server sent; absent when not asked. */
  servedCertificates?: ServedCertificate[];
  /** Client-initiated renegotiation (a TLS 1.2 connection renegotiated by the client); absent when TLS ≤ 1.2 is refused. */
  clientRenegotiation?: VulnerabilityCheck;
  timing: { connectMs: number; tlsMs: number };
  /** The HTTP status of a HEAD / over the TLS connection. */
  httpStatus?: number;
  /** From an HTTP HEAD / over the TLS connection; undefined when the server does not speak HTTP. */
  hsts?: { present: boolean; maxAge?: number; includeSubDomains?: boolean; preload?: boolean; raw?: string; invalid?: string };
}

export interface ProbeResult {
  target: ProbeTarget;
  /** IP address actually connected to. */
  address?: string;
  startedAt: string;
  durationMs: number;
  scan?: ScanResult;
  handshake?: HandshakeResult;
  /** Parts that could not be run, with why (e.g. "handshake: certificate required"). */
  errors: { phase: string; message: string }[];
  /** With a deadline that passed: what the probe did not reach (from the scan and the handshake). */
  notReached?: string[];
  /** The deadline the probe ran under, ms. */
  deadlineMs?: number;
}

/**
 * refused, dns, timeout (one connection), deadline (the whole probe's budget), reset (a TCP RST),
 * closed (a graceful close without a TLS answer), not-tls, protocol, starttls (the upgrade before
 * TLS was refused or not offered), cancelled.
 */
export type ProbeErrorCode = 'refused' | 'timeout' | 'deadline' | 'dns' | 'reset' | 'closed' | 'not-tls' | 'protocol' | 'starttls' | 'cancelled';

/** The one error kind a probe raises: clear message, a code for tests and exit statuses. */
export class ProbeError extends Error {
  /** With code 'deadline': what the probe did not reach. */
  notReached?: string[];
  constructor(
    readonly code: ProbeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

/**
 * The probe's wire contract (`tlsLens.server.probe`): what the client asks and what the
 * server answers. The report type is the core's own JSON-safe report (type-only import).
 */
import type { ProbeReport } from '../core/probe/report';

export type { ProbeReport, ProbeReportCertificate } from '../core/probe/report';
export type { ConfigLink, ConfigDefinition, ConfiguredCertificate, ProbeConfigComparison } from '../core/probe/config/types';

export interface ProbeParams {
  /** host[:port] as typed. */
  target: string;
  sni?: string;
  connectTo?: string;
  timeoutMs?: number;
  concurrency?: number;
  /** A total budget for the whole probe, ms; the report lists what it did not reach. */
  deadlineMs?: number;
  /**
   * How TLS starts, as `tls-lens probe --starttls`: smtp, imap, pop3, ftp, ldap, xmpp,
   * xmpp-server, postgres, mysql (an upgrade first); smtps, imaps … (TLS at once, that protocol
   * inside); none. Default: by the target's scheme (`smtp://…`) or its well-known port.
   */
  starttls?: string;
  /** false: the full handshake only. */
  scan?: boolean;
  /** A file (URI) whose policy judges the endpoint; default: the first workspace folder's. */
  policyFor?: string;
  /** PEM files (absolute paths) of extra trusted CAs, a client certificate and its key. */
  caFile?: string;
  clientCertFile?: string;
  clientKeyFile?: string;
  /**
   * Compare with the workspace's configuration (default true): the report's `config` says
   * where the host is defined, and each finding's `config` links (with `uri`) the lines it comes from.
   */
  compareWithConfig?: boolean;
}

export type ProbeCommandResult =
  | { ok: true; report: ProbeReport }
  | { ok: false; cancelled: boolean; error: string; code?: string };

export {
  checkRows,
  describeChainAsSent,
  describeNotReached,
  describeServedCertificates,
  describeService,
  describeShortHellos,
  describeSignatureAlgorithms,
} from '../core/probe/describe';

/**
 * "Compare with config": where a probed endpoint is defined in the workspace and which
 * configuration line each live finding comes from. JSON-safe; `file` is an absolute path
 * in the core (the CLI prints it relative to the current folder, the language server adds
 * `uri`).
 */
import type { RegisteredFormatId } from '../../formats/registry';
import type { Range } from '../../text';

export interface ConfigLink {
  file: string;
  range: Range;
  /** What stands there, or what is missing there ("no ssl_stapling: nginx's default off"). */
  label: string;
  /** `file://` URI (language server results only). */
  uri?: string;
}

/** The certificate a definition configures, and whether it is the one the server sent. */
export interface ConfiguredCertificate {
  at: ConfigLink;
  /** SHA-256 of the configured leaf (colon hex, as certificate facts show it). */
  sha256?: string;
  subject?: string;
  /** true: the live leaf (or, for a server with several, one of them) is this certificate; false: none is; undefined: unknown (see `note`). */
  matchesLive?: boolean;
  /** When the server has certificates of several key types: which it sends as this one ("ECDSA, TLSv1.3 and TLSv1.2"). */
  servedAs?: string;
  /** Why it could not be compared (file not in the workspace, issued by cert-manager …). */
  note?: string;
}

export type DefinitionKind = 'nginx' | 'ingress' | 'gateway' | 'istio' | RegisteredFormatId;

export interface ConfigDefinition {
  kind: DefinitionKind;
  /** "nginx server www.example.com example.com", "Ingress shop/web", "Gateway edge/gw listener https" … */
  title: string;
  /** The name that matched (server_name, tls host, listener hostname), or the server block for a default server. */
  at: ConfigLink;
  /** How the host was matched: `exact`, `wildcard`, `regex`, or `default` (nginx's default server for the port). */
  match: 'exact' | 'wildcard' | 'regex' | 'default';
  certificate?: ConfiguredCertificate[];
}

export interface ProbeConfigComparison {
  /** The name and port looked for. */
  name: string;
  port: number;
  /** Files looked at (nginx files read, manifests indexed). */
  searched: {
    nginxFiles: number;
    manifests: number;
    /** Files of registered formats read (HAProxy …), when there were any. */
    formats?: Array<{ id: string; title: string; files: number }>;
  };
  definitions: ConfigDefinition[];
  /** SHA-256 of the live leaf certificate. */
  liveSha256?: string;
  /** Every live leaf, by key type, when the server holds several (SHA-256, key type, versions). */
  live?: { sha256: string; keyType: string; versions: string[] }[];
}

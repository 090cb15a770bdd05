/**
 * The one interface a configuration format implements (`formats/<format>/index.ts`), and
 * the registry the engine, detection, hover, the Probe lens and "compare with config" loop
 * over (`formats/registry.ts`). A format module knows its files (detection with a score),
 * its comments (suppressions), its parse (cached per document text, so per version), the
 * workspace facts its rules need (read asynchronously through the `Host`, by the CLI and the
 * server alike), the certificate/key/CA/DH files it names (judged by the format-neutral
 * `cert/*` rules), and what hovers, probes and endpoint matching need. Rules declare the
 * format in `formats` and get its model with `ctx.model(module)`.
 *
 * Nothing here imports upwards: the types the fronts use are structural.
 */
import type { TextDoc } from '../document';
import type { ReferencedFile } from '../certs/referenced';
import type { Host } from '../host';
import type { Policy } from '../policy/policy';
import type { Position, Range } from '../text';

/** What detection looks at. */
export interface DetectInput {
  /** A path, or a path derived from a URI. */
  file: string;
  /** The editor's language id, when there is one. */
  languageId?: string;
  /** The start of the text (64 KiB); undefined when only the name is known (a walk, a file event). */
  head?: string;
}

/**
 * How sure a detection is. The highest score wins; a tie goes to the built-in formats, then
 * to the module registered first. Built-in formats score: language id 100; `nginx.conf`,
 * `*.nginx` 90; nginx folders (`conf.d/*.conf`, `sites-*`, `nginx/snippets/`) 70; PEM and
 * YAML extensions 60; an nginx or JSON-manifest content sniff 50; anything else 0.
 */
export const DETECTION = {
  /** The editor says so. */
  language: 100,
  /** A file name only this format uses (`haproxy.cfg`). */
  fileName: 90,
  /** A folder this format's files live in (`haproxy/*.cfg`; `httpd/`, `apache2/` beat nginx's `conf.d`). */
  folder: 75,
  /** The text says so (sections only this format has). */
  content: 55,
} as const;

export interface ModelInput<Facts> {
  doc: TextDoc;
  policy: Policy;
  /** What `gather` read for this document; undefined when nobody read the workspace (a lone document). */
  facts?: Facts;
}

/** Everything `gather` may use. */
export interface GatherInput {
  host: Host;
  /** The document's absolute path. */
  path: string;
  doc: TextDoc;
  policy: Policy;
  /** The workspace folder: nothing outside it is read (the server sets it). */
  root?: string;
  /** Other documents' texts that win over the disk (open editors). */
  text?: (path: string) => string | undefined;
  /** What the caller keeps across lints for a format (its caches and loaders), by format id. */
  options?: FormatGatherOptions;
}

/**
 * Per format, what a caller may hand its `gather` (a tree cache, a loader of the includer's
 * context): each format adds its own key with a declaration merge in its folder
 * (`formats/nginx/gather.ts` adds `nginx`), so this file names no format.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface FormatGatherOptions {}

/** What a named file holds for the TLS handshake. */
export type MaterialRole = 'certificate' | 'key' | 'ca' | 'crl' | 'dh';

/** A file the document names, at the argument that names it. */
export interface NamedMaterial {
  /** The keyword that names it (`crt`, `ca-file`): messages say "named by crt". */
  by: string;
  /** `certificate`: a chain a server or client sends (it may hold its key, as HAProxy's crt files do). */
  role: MaterialRole;
  /** The path as written. */
  written: string;
  /** Where findings about it go. */
  range: Range;
  /** What was read, when the caller could read it from the workspace. */
  file?: ReferencedFile;
  /** Files with the same group belong together (a certificate and the key beside it). */
  group?: string;
  /**
   * A certificate whose key is named on its own (nginx's `ssl_certificate_key`): a private key
   * inside the certificate file is not the one the server uses. Unset: the file may hold its
   * key (HAProxy's crt).
   */
  keySeparate?: boolean;
}

/** A table cell or a fact: `code` is shown as written (a code span), `text` as prose; both are escaped by the renderer. */
export interface HoverText {
  code?: string;
  text?: string;
}

/**
 * What a hover shows, as facts the core renders to Markdown (escaped, so a configuration
 * cannot inject links): a title with a summary, label/value facts, a table, notes; or the
 * files a path names (the core shows their certificates, keys and DH parameters).
 */
export type FormatHover =
  | {
      range: Range;
      title: string;
      summary?: string;
      facts?: ReadonlyArray<{ label: string } & HoverText>;
      table?: { columns: readonly string[]; rows: ReadonlyArray<readonly HoverText[]> };
      notes?: readonly string[];
    }
  | { range: Range; written: string; files: readonly ReferencedFile[] };

/** A host the document serves, for a "Probe" lens (`host[:port]`, as the probe command takes it). */
export interface ProbeTarget {
  target: string;
  range: Range;
}

/** What a live finding is about, to find the line it comes from. */
export type EndpointTopic = 'protocols' | 'ciphers' | 'hsts' | 'certificate' | 'ocsp';

/** A place in the document, with what stands (or is missing) there. */
export interface EndpointLink {
  range: Range;
  label: string;
}

/** A TLS listener the document defines, for "compare with config". */
export interface ServedEndpoint {
  /** "HAProxy frontend fe_https". */
  title: string;
  /** Where it is defined. */
  at: EndpointLink;
  /** The TLS ports it listens on. */
  ports: readonly number[];
  /** Host names it is configured for (ACLs on Host or SNI), where each is written; `*.` for suffixes. */
  names: ReadonlyArray<{ name: string; at: EndpointLink }>;
  /** The certificates it serves (`certificate` material of this listener). */
  certificates: readonly NamedMaterial[];
  /** Where the setting behind a live finding is; [] when nothing is known. */
  locate(topic: EndpointTopic): readonly EndpointLink[];
}

export interface FormatModule<Id extends string = string, Model = unknown, Facts = unknown> {
  readonly id: Id;
  /** How messages and documents name it ("HAProxy"). */
  readonly title: string;
  /** Language ids the extension contributes for it. */
  readonly languageIds: readonly string[];
  /** A comment runs from this to the end of the line (`#`); suppression comments use it. */
  readonly lineComment?: string;
  /** How sure this format is that the file is one of its own (`DETECTION`); 0 when not. */
  detect(input: DetectInput): number;
  /** Whether a workspace walk reads a file of this name to detect it. */
  candidate(path: string): boolean;
  /** The document's model, made once per lint; the parse is cached per document text. */
  model(input: ModelInput<Facts>): Model;
  /** Reads what the rules need from the workspace (referenced files, includes). Never throws. */
  gather?(input: GatherInput): Promise<Facts>;
  /** The certificate, key, CA, CRL and DH files the document names, with what was read. */
  namedMaterial?(model: Model): readonly NamedMaterial[];
  /** The hover at a position (a keyword's meaning, a block's effective settings, a named file). */
  hover?(model: Model, position: Position): FormatHover | undefined;
  /** Hosts to offer a Probe lens for. */
  probeTargets?(model: Model): readonly ProbeTarget[];
  /** The TLS listeners it defines, for "compare with config". */
  endpoints?(model: Model): readonly ServedEndpoint[];
  /** Whether the rule with this id does not run on this document (nginx: a template that even blanked is not nginx). */
  skipsRule?(model: Model, ruleId: string): boolean;
  /** Whether a range belongs to text the model read from another file (an includer, an include): no finding is kept there. */
  isForeign?(model: Model, range: Range): boolean;
  /** The product refuses a byte order mark, so the text keeps it for a rule to report (nginx). */
  readonly keepsByteOrderMark?: boolean;
}

/** What `gather` read for a document, tagged with its format. */
export interface FormatFacts {
  format: string;
  value: unknown;
}

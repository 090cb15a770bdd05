import type { TextDoc } from '../document';
import type { Fix, RelatedLocation, ResourceRef, Severity } from '../findings';
import type { FormatKind } from '../formats/detect';
import type { FormatModule, NamedMaterial } from '../formats/format';
import type { NginxConfig } from '../formats/nginx/ast';
import type { EffectiveConfig } from '../formats/nginx/effective';
import type { UnknownIncludes } from '../formats/nginx/unknowns';
import type { NginxTreeProblem } from '../formats/nginx/includes';
import type { PemBlock } from '../formats/pem/scanner';
import type { YamlFile } from '../formats/yaml/documents';
import type { MaterialSite } from '../certs/sites';
import type { ReferencedFiles } from '../certs/referenced';
import type { ContainerRead } from '../certs/containers/types';
import type { KubeView } from '../workspace/index';
import type { Policy } from '../policy/policy';
import type { Range } from '../text';

/** What every rule declares about itself; docs/rules/<id>.md documents it. */
export interface RuleMeta {
  /** Stable id `area/name`; the diagnostic code. */
  id: string;
  /** One line, shown in listings and SARIF. */
  title: string;
  defaultSeverity: Severity;
  /** The formats it runs on; engine-level notices run on none. */
  formats: readonly FormatKind[];
}

export interface Report {
  range: Range;
  message: string;
  /** Overrides the rule's default severity for this finding (the policy can still override both). */
  severity?: Severity;
  fixes?: Fix[];
  related?: RelatedLocation[];
  resource?: ResourceRef;
  /** What this judgement assumed because the workspace does not say (see `Finding.assumptions`). */
  assumptions?: string[];
}

/** Everything a rule may look at: parsed lazily, once per document. */
export interface RuleContext {
  readonly doc: TextDoc;
  readonly format: FormatKind;
  readonly policy: Policy;
  readonly now: Date;
  nginx(): NginxConfig;
  /**
   * The effective TLS configuration of the document's servers and locations (inheritance,
   * nginx's defaults for the policy's nginxVersion). A file with top-level server blocks
   * (sites-enabled/…, conf.d/…) is read as included in http.
   */
  nginxEffective(): EffectiveConfig;
  /**
   * The includes of the effective configuration whose content is unknown, where they stand
   * and what their names suggest they set (`formats/nginx/unknowns.ts`). Rules ask it before
   * judging a value an include could set, and record what they left out.
   */
  nginxUnknowns(): UnknownIncludes;
  /**
   * Problems with this file's own `include` directives (not found, cycles, limits), when
   * the caller resolved them through the host (`LintOptions.nginxIncludeProblems`).
   */
  nginxIncludeProblems(): readonly NginxTreeProblem[];
  /** Files the nginx file's own directives name, when the caller read them (`LintOptions.nginxReferencedFiles`). */
  nginxReferencedFiles(): ReferencedFiles;
  pemBlocks(): readonly PemBlock[];
  /** Every YAML document of the file with exact ranges (yaml, kubernetes and policy formats). */
  yaml(): YamlFile;
  /** Certificate and key material found in the document (`core/certs/sites.ts`), or in the binary container it is. */
  materialSites(): readonly MaterialSite[];
  /** The binary container (DER, PKCS#7, PKCS#12, JKS) this document was read from, with its notes; undefined for text. */
  container(): ContainerRead | undefined;
  /** The file's Kubernetes resources and, with a workspace index, every other file's (`workspace/index.ts`). */
  kube(): KubeView;
  /**
   * The model of a registered format (`formats/registry.ts`) for this document, made once per
   * lint with the facts the caller gathered: `ctx.model(haproxyFormat)`.
   */
  model<M>(format: FormatModule<string, M>): M;
  /** The certificate, key, CA, CRL and DH files the document names (any registered format), with what was read. */
  namedMaterial(): readonly NamedMaterial[];
  report(r: Report): void;
}

export interface Rule extends RuleMeta {
  /**
   * For a rule that judges only some kinds of the linted manifest's resources (kind keys, as
   * `resourceKindKey` gives them): the engine does not run it on a manifest with none of them.
   */
  kinds?: readonly string[];
  check(ctx: RuleContext): void;
}

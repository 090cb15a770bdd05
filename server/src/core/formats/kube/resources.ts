import type * as Yaml from 'yaml';
import type { ResourceRef } from '../../findings';
import type { LineIndex, Range } from '../../text';
import { nodeRange, yaml, type SimpleDocument, type YamlFile } from '../yaml/documents';
import { parseYamlCached } from '../yaml/parseCache';
import { KNode, type AliasBudget } from './node';

/** Resources read from one file before TLS Lens stops (the rest is reported, not read). */
export const MAX_RESOURCES_PER_FILE = 5000;

/** One Kubernetes object of a manifest, with exact ranges for its fields. */
export interface KubeResource {
  apiVersion: string;
  /** The API group ("" for the core group: Secret, ConfigMap, Pod). */
  group: string;
  kind: string;
  /** `kindKey(kind, group)`: `Kind` or `Kind.group`. */
  kindKey: string;
  name: string;
  /** `metadata.namespace` as written (see `KubeIndex.namespaceOf` for the effective one). */
  namespace?: string;
  /** The file as findings name it. */
  file: string;
  root: KNode;
  metadata: KNode;
  spec: KNode;
  /** Where a finding about the whole object goes: `metadata.name`'s value, else `kind`'s. */
  nameRange: Range;
  /** The object's whole range, for related locations. */
  range: Range;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** The document holds template expressions (`{{ … }}`): some values are unknown. */
  templated: boolean;
}

export interface KubeFileNote {
  kind: 'template' | 'limit' | 'syntax';
  message: string;
  range: Range;
  /** Overrides the rule's severity for this note. */
  severity?: 'error' | 'warning' | 'info';
}

/** A parsed manifest file: its resources and what kept parts of it from being read. */
export interface KubeFile {
  resources: KubeResource[];
  notes: KubeFileNote[];
  /** Aliases followed so far (rules follow more while they read). */
  aliasBudget: AliasBudget;
}

/** `group/version` → group; `v1` → "". */
export function apiGroup(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** The key a kind is indexed under: `Kind` for the core group, `Kind.group` otherwise. */
export function kindKey(kind: string, group: string): string {
  return group ? `${kind}.${group}` : kind;
}

/** The key `r` is indexed under (kept on the resource: rules ask for it often). */
export function resourceKindKey(r: Pick<KubeResource, 'kind' | 'group'> & { kindKey?: string }): string {
  return r.kindKey ?? kindKey(r.kind, r.group);
}

/** The `resource` of a finding about `r`, with its effective namespace. */
export function resourceRef(r: KubeResource, namespace: string | undefined): ResourceRef {
  const ref: ResourceRef = { kind: r.kind, name: r.name };
  if (namespace) ref.namespace = namespace;
  return ref;
}

/** "Ingress shop/web" (cluster-scoped: "ClusterIssuer letsencrypt"). */
export function describeResource(r: Pick<KubeResource, 'kind' | 'name'>, namespace: string | undefined): string {
  return `${r.kind} ${namespace ? `${namespace}/` : ''}${r.name || '(unnamed)'}`;
}

const TEMPLATE = /\{\{/;
/** Substitution placeholders that break a YAML parse: `${VAR}` (envsubst, Flux postBuild) and `{VAR}` (sed-style). */
const SUBSTITUTION = /\$\{[A-Za-z_][\w]*\}|(?<![{$\w])\{[A-Za-z_][\w]*\}(?!\})/;

/**
 * Reads every Kubernetes object of a (multi-document, YAML or JSON) manifest: objects with
 * `apiVersion` and `kind`, and the items of `List` kinds. Documents that do not parse are
 * skipped; when the file holds template expressions, one note says so. Never throws.
 */
/** The resources of each parse (`kubeFile`), for the file they were read for. */
const filesOf = new WeakMap<YamlFile, { file: string; kube: KubeFile }>();

/**
 * `parseKubeFile` of a shared parse (`parseYamlCached` of `file`'s text when none is given),
 * read once per parse and file: the lint, the index, hover and code lenses share it.
 */
export function kubeFile(file: string, text: string, lines: LineIndex, parsed?: YamlFile): KubeFile {
  const yf = parsed ?? parseYamlCached(text, file, lines);
  const known = filesOf.get(yf);
  if (known && known.file === file) return known.kube;
  const kube = parseKubeFile(file, text, lines, yf);
  filesOf.set(yf, { file, kube });
  return kube;
}

export function parseKubeFile(file: string, text: string, lines: LineIndex, parsed?: YamlFile): KubeFile {
  const y = yaml();
  const yf = parsed ?? parseYamlCached(text, undefined, lines);
  const resources: KubeResource[] = [];
  const notes: KubeFileNote[] = [];
  const budget: AliasBudget = { used: 0, exceeded: false };
  const hasTemplate = TEMPLATE.test(text);
  const brokenDocs = new Set<number>();
  const templateDocs: number[] = [];
  /** Where the first template document fails to parse (for the note's place when the file has no `{{`). */
  let templateAt: number | undefined;
  const lenient: Array<{ index: number; range: Range }> = [];
  // A simple document parses without errors (and is not parsed here).
  yf.documents.forEach((d, i) => {
    if (d.simple || !d.doc.errors.length) return;
    brokenDocs.add(d.index);
    // The document's source: from its start to the next document's (an error can cut its own range short).
    const next = yf.documents[i + 1];
    const from = d.doc.range?.[0] ?? 0;
    const to = next ? (next.simple?.start ?? next.doc.range?.[0] ?? text.length) : text.length;
    const own = text.slice(from, to);
    const err = d.doc.errors[0]!;
    const [s0 = 0, e0 = s0] = err.pos ?? [];
    const errorLine = lines.lineText(lines.positionAt(s0).line);
    // A template's documents are not YAML until rendered: `{{ … }}` (Helm, Go), or `${VAR}` / `{VAR}` substitution where the parse fails.
    if ((hasTemplate && TEMPLATE.test(own)) || SUBSTITUTION.test(errorLine)) {
      templateDocs.push(d.index);
      templateAt ??= s0;
      return;
    }
    const where = yf.documents.length > 1 ? `document ${d.index + 1} of ${yf.documents.length} is not checked, the others are` : 'the file is not checked';
    const range = lines.rangeOf(s0, Math.max(e0, s0 + 1));
    // libyaml-based parsers (kubectl's) accept a quoted value whose continuation lines are less indented than its key; YAML 1.2 does not.
    if (err.code === 'MISSING_CHAR' && /quote/.test(err.message)) lenient.push({ index: d.index, range });
    else notes.push({ kind: 'syntax', message: `YAML syntax error: ${err.message.split('\n')[0]}; ${where}`, range });
  });
  if (lenient.length) {
    const docs = lenient.map((l) => l.index + 1);
    notes.push({
      kind: 'syntax',
      severity: 'info',
      message: `${lenient.length === 1 ? 'a quoted value runs' : `quoted values run`} over lines less indented than ${lenient.length === 1 ? 'its key' : 'their keys'} (line ${lenient.map((l) => l.range.start.line + 1).slice(0, 5).join(', ')}${lenient.length > 5 ? ', …' : ''}), which YAML 1.2 does not allow; kubectl's parser accepts it, TLS Lens's does not, so ${yf.documents.length > 1 ? `document${docs.length > 1 ? 's' : ''} ${docs.slice(0, 5).join(', ')}${docs.length > 5 ? ', …' : ''} of ${yf.documents.length} ${docs.length > 1 ? 'are' : 'is'} not checked (the others are)` : 'the file is not checked'} — indent the continuation lines to have ${docs.length > 1 ? 'them' : 'it'} checked`,
      range: lenient[0]!.range,
    });
  }
  if (templateDocs.length) {
    const found = text.search(TEMPLATE);
    const at = found >= 0 ? found : (templateAt ?? 0);
    notes.push({
      kind: 'template',
      message: `${templateDocs.length === 1 && yf.documents.length <= 1 ? 'this file is' : `${templateDocs.length} of ${Math.max(yf.documents.length, 1)} documents are`} a template (Helm or Go {{ … }}, or \${VAR} substitution) that is not YAML until rendered; not checked — lint the rendered output (helm template …, envsubst) instead`,
      range: lines.rangeOf(at, at + 2),
    });
  }
  let truncated = false;
  /** The resource at a mapping node with apiVersion and kind (List kinds excepted). */
  const build = (root: KNode, apiVersion: string, kind: string, templated: boolean): KubeResource => {
    const metadata = root.get('metadata');
    const nameNode = metadata.get('name');
    const namespace = metadata.get('namespace').str();
    const group = apiGroup(apiVersion);
    const r: KubeResource = {
      apiVersion,
      group,
      kind,
      kindKey: kindKey(kind, group),
      name: nameNode.str() ?? '',
      file,
      root,
      metadata,
      spec: root.get('spec'),
      nameRange: nameNode.exists ? nameNode.at : root.get('kind').at,
      range: root.range,
      labels: metadata.get('labels').stringMap(),
      annotations: metadata.get('annotations').stringMap(),
      templated,
    };
    if (namespace) r.namespace = namespace;
    return r;
  };
  const rootOf = (n: Yaml.Node | null | undefined, doc: Yaml.Document.Parsed): KNode => new KNode(n, lines, doc, budget, undefined, n ? nodeRange(lines, n) : undefined);
  const add = (n: Yaml.Node | null | undefined, doc: Yaml.Document.Parsed, templated: boolean): void => {
    if (resources.length >= MAX_RESOURCES_PER_FILE) {
      truncated = true;
      return;
    }
    const root = rootOf(n, doc);
    if (!root.isMap()) return;
    const apiVersion = root.get('apiVersion').str();
    const kind = root.get('kind').str();
    if (!apiVersion || !kind) return;
    if (/List$/.test(kind) && root.get('items').isSeq()) {
      for (const item of root.get('items').items()) add(item.node, doc, templated);
      return;
    }
    resources.push(build(root, apiVersion, kind, templated));
  };
  for (const d of yf.documents) {
    if (brokenDocs.has(d.index)) continue;
    // A document the reader took (not a `…List`, whose items are resources): its identity is known, its nodes are built when read.
    if (d.simple && !/List$/.test(d.simple.kind ?? '')) {
      if (resources.length >= MAX_RESOURCES_PER_FILE) {
        truncated = true;
        break;
      }
      const r = simpleResource(d.simple, file, (s) => build(rootOf(d.doc.contents, d.doc), s.apiVersion, s.kind, false));
      if (r) resources.push(r);
      continue;
    }
    const contents = d.doc.contents as Yaml.Node | null;
    if (!contents || !y.isMap(contents)) continue;
    const templated = hasTemplate && TEMPLATE.test(text.slice(contents.range?.[0] ?? 0, contents.range?.[2] ?? 0));
    add(contents, d.doc, templated);
    if (truncated) break;
  }
  if (truncated) {
    notes.push({ kind: 'limit', message: `more than ${MAX_RESOURCES_PER_FILE} resources in one file: only the first ${MAX_RESOURCES_PER_FILE} were checked`, range: lines.rangeOf(0, 0) });
  }
  if (budget.exceeded) notes.push(aliasNote(lines));
  return { resources, notes, aliasBudget: budget };
}

/**
 * The resource of a document the reader took (`SimpleDocument`): kind, group, name and
 * namespace as the scan read them (all an index needs); the fields that need nodes build the
 * document on first access (`read`) and are then the built resource's.
 */
class LazyResource implements KubeResource {
  readonly group: string;
  readonly kindKey: string;
  readonly name: string;
  readonly namespace?: string;
  readonly templated = false;
  private built: KubeResource | undefined;

  constructor(
    readonly apiVersion: string,
    readonly kind: string,
    s: SimpleDocument,
    readonly file: string,
    private readonly read: () => KubeResource,
  ) {
    this.group = apiGroup(apiVersion);
    this.kindKey = kindKey(kind, this.group);
    this.name = s.name ?? '';
    if (s.namespace) this.namespace = s.namespace;
  }

  /** Whether the document has been built (for tests that count builds). */
  get isBuilt(): boolean {
    return this.built !== undefined;
  }

  private full(): KubeResource {
    return (this.built ??= this.read());
  }

  get root(): KNode {
    return this.full().root;
  }
  get metadata(): KNode {
    return this.full().metadata;
  }
  get spec(): KNode {
    return this.full().spec;
  }
  get nameRange(): Range {
    return this.full().nameRange;
  }
  get range(): Range {
    return this.full().range;
  }
  get labels(): Readonly<Record<string, string>> {
    return this.full().labels;
  }
  get annotations(): Readonly<Record<string, string>> {
    return this.full().annotations;
  }
}

function simpleResource(s: SimpleDocument, file: string, read: (s: SimpleDocument & { apiVersion: string; kind: string }) => KubeResource): KubeResource | undefined {
  const { apiVersion, kind } = s;
  if (!apiVersion || !kind) return undefined;
  return new LazyResource(apiVersion, kind, s, file, () => read({ ...s, apiVersion, kind }));
}

/** Whether a resource's document is still unbuilt (a `LazyResource` no field of which was read). */
export function isUnbuilt(r: KubeResource): boolean {
  return r instanceof LazyResource && !r.isBuilt;
}

function aliasNote(lines: LineIndex): KubeFileNote {
  return { kind: 'limit', message: 'YAML aliases are nested too deeply or too often (an alias bomb?); values behind them were not followed', range: lines.rangeOf(0, 0) };
}

/** Notes raised while rules read the file (alias budget), added after the rules ran. */
export function lateNotes(f: KubeFile, lines: LineIndex): KubeFileNote[] {
  return f.aliasBudget.exceeded && !f.notes.some((n) => n.kind === 'limit' && n.message.includes('alias')) ? [aliasNote(lines)] : [];
}

import type { Finding, Severity } from '../findings';
import type { RuleMeta } from '../rules/rule';
import type { Range } from '../text';

/** SARIF 2.1.0 levels for our severities. */
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export interface SarifOptions {
  toolVersion: string;
  /** Every rule that could have reported, so viewers can show rules with no results too. */
  rules: readonly RuleMeta[];
  /** Rule id → its documentation page as Markdown, when available. */
  ruleHelp?: ReadonlyMap<string, string>;
  /** Absolute file URI of the directory finding paths are relative to, ending in "/". */
  srcRoot?: string;
}

function region(r: Range): Record<string, number> {
  return {
    startLine: r.start.line + 1,
    startColumn: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  };
}

/** A relative path as a SARIF relative URI reference (forward slashes, each segment percent-encoded). */
export function pathToUriReference(p: string): string {
  return p
    .replace(/\\/g, '/')
    .split('/')
    .map((seg) => (seg === '..' || seg === '.' ? seg : encodeURIComponent(seg)))
    .join('/');
}

function artifact(file: string, srcRoot: string | undefined): Record<string, string> {
  const uri = pathToUriReference(file);
  return srcRoot && !file.startsWith('/') ? { uri, uriBaseId: '%SRCROOT%' } : { uri };
}

/** Builds a SARIF 2.1.0 log (validated against the official schema in the tests). */
export function toSarif(findings: readonly Finding[], opts: SarifOptions): object {
  const ruleIndex = new Map(opts.rules.map((r, i) => [r.id, i]));
  const rules = opts.rules.map((r) => {
    const help = opts.ruleHelp?.get(r.id);
    return {
      id: r.id,
      name: r.id.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()),
      shortDescription: { text: r.title },
      ...(help ? { help: { text: r.title, markdown: help } } : {}),
      defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
      properties: { tags: ['security', 'tls'] },
    };
  });
  const results = findings.map((f) => {
    const index = ruleIndex.get(f.ruleId);
    return {
      ruleId: f.ruleId,
      ...(index === undefined ? {} : { ruleIndex: index }),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: { artifactLocation: artifact(f.file, opts.srcRoot), region: region(f.range) },
          ...(f.resource
            ? { logicalLocations: [{ name: f.resource.name, fullyQualifiedName: `${f.resource.namespace ?? 'default'}/${f.resource.kind}/${f.resource.name}`, kind: 'resource' }] }
            : {}),
        },
      ],
      ...(f.assumptions?.length ? { properties: { assumptions: f.assumptions } } : {}),
      ...(f.related.length
        ? {
            relatedLocations: f.related.map((r, i) => ({
              id: i,
              message: { text: r.message },
              physicalLocation: { artifactLocation: artifact(r.file, opts.srcRoot), region: region(r.range) },
            })),
          }
        : {}),
      ...(f.fixes.length
        ? {
            fixes: f.fixes.map((fix) => ({
              description: { text: fix.title },
              artifactChanges: [
                {
                  artifactLocation: artifact(f.file, opts.srcRoot),
                  replacements: fix.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
                },
              ],
            })),
          }
        : {}),
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'TLS Lens', semanticVersion: opts.toolVersion, version: opts.toolVersion, rules } },
        ...(opts.srcRoot ? { originalUriBaseIds: { '%SRCROOT%': { uri: opts.srcRoot } } } : {}),
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

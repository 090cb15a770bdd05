/**
 * A fleet's findings as file findings, for the reports that need a place for each (SARIF, the
 * merged text): a finding stands on the configuration line it comes from (`config` links, with
 * `--config`), else on the line that defines the host, else on the target-list line that names
 * the endpoint, else on the endpoint itself (`file` = "host:port", as a single probe's findings).
 * An endpoint that could not be probed is a `probe/unreachable` finding.
 */
import type { Finding, RelatedLocation } from '../../findings';
import type { Policy } from '../../policy/policy';
import { PROBE_RULES } from '../../rules/probe';
import type { Range } from '../../text';
import { isErrorRecord, type FleetRecord, type ListedAt } from './records';
import { sortRows } from './summary';

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function listedRange(l: ListedAt): Range {
  return { start: { line: l.line - 1, character: 0 }, end: { line: l.line - 1, character: 0 } };
}

function who(r: FleetRecord): string {
  return `${r.endpoint}${r.sni ? ` (SNI ${r.sni})` : ''}`;
}

export function fleetFindings(records: readonly FleetRecord[], policy: Pick<Policy, 'rules'>): Finding[] {
  const out: Finding[] = [];
  const unreachable = policy.rules[PROBE_RULES.unreachable.id];
  for (const r of sortRows(records)) {
    const listed: RelatedLocation[] = r.listedAt ? [{ file: r.listedAt.file, range: listedRange(r.listedAt), message: `${who(r)} is listed here` }] : [];
    if (isErrorRecord(r)) {
      if (unreachable === 'off') continue;
      out.push({
        ruleId: PROBE_RULES.unreachable.id,
        severity: (unreachable ?? PROBE_RULES.unreachable.defaultSeverity),
        message: `${who(r)}: not probed (${r.error.code}): ${r.error.message.startsWith(`${r.endpoint}: `) ? r.error.message.slice(r.endpoint.length + 2) : r.error.message}`,
        file: r.listedAt?.file ?? r.endpoint,
        range: r.listedAt ? listedRange(r.listedAt) : ZERO,
        fixes: [],
        related: [],
      });
      continue;
    }
    const definition = r.config?.definitions[0]?.at;
    for (const f of r.findings) {
      const [first, ...rest] = f.config ?? [];
      const at = first ?? definition;
      const related: RelatedLocation[] = [
        ...rest.map((l) => ({ file: l.file, range: l.range, message: l.label })),
        ...(first && definition && (definition.file !== first.file || definition.range.start.line !== first.range.start.line) ? [{ file: definition.file, range: definition.range, message: `${r.config!.definitions[0]!.title} defines ${r.config!.name}` }] : []),
        ...listed,
      ];
      const finding: Finding = {
        ruleId: f.ruleId,
        severity: f.severity,
        message: `${who(r)}: ${f.message}`,
        file: at?.file ?? r.listedAt?.file ?? r.endpoint,
        range: at?.range ?? (r.listedAt ? listedRange(r.listedAt) : ZERO),
        fixes: [],
        related: at ? related : related.filter((l) => l !== listed[0]),
      };
      if (f.assumptions?.length) finding.assumptions = f.assumptions;
      out.push(finding);
    }
  }
  return out;
}

/**
 * `tls-lens merge FILES…`: the outputs of a fleet's shards (JSON Lines of `probe --targets
 * --format json`, or single reports of `probe --format json`) as one report: text, JSON, SARIF
 * (each finding on the configuration line it comes from with --config DIR, else on the
 * target-list line that names the endpoint) or OpenMetrics. With --targets FILE, endpoints of the
 * list that no file has are reported missing (a shard that did not run or finish).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ALL_RULES, toSarif, type Policy } from '../core';
import { compareEndpointWithConfig, mapConfigFiles, servedOfReport, type LiveEndpoint } from '../core/probe/config/compare';
import { PROBE_RULES } from '../core/rules/probe';
import { targetLabel } from '../core/probe/errors';
import {
  endpointPort,
  fleetExitCode,
  fleetFindings,
  fleetFindingsText,
  fleetRow,
  fleetSummaryText,
  isErrorRecord,
  parseFleetRecords,
  parseTargetList,
  recordKey,
  reportLeaf,
  type FleetErrorRecord,
  type FleetRecord,
  type ReadRecord,
} from '../core/probe/fleet';
import { probeMetrics, renderOpenMetrics } from '../core/report/openmetrics';
import { NodeHost } from '../host/nodeHost';
import { productVersion, ruleDocFile } from '../install';
import { UsageError, failOnArg, formatArg, profileArg, readArgs, type FailOn } from './args';
import { configSources, probePolicy, relativeToCwd } from './probeSetup';

export const MERGE_USAGE = `Usage: tls-lens merge FILES... [options]

Merges the outputs of a fleet's shards (tls-lens probe --targets ... --format json, JSON Lines;
or single reports of tls-lens probe --format json) into one report. "-" reads standard input.
An endpoint found in several files (shards that overlap) is kept once: the latest probe.

Options:
  --format text|json|sarif|openmetrics
                                output format (default: text)
  --config DIR                  compare each endpoint with the configuration in DIR (repeatable):
                                SARIF and text put each finding on the line it comes from, else on
                                the line that defines the host
  --targets FILE                the list the shards split: endpoints no file has are reported missing
  --fail-on error|warning|info|never
                                exit 1 when a finding is at or above this level (default: warning)
  --policy FILE                 policy file (default: the nearest .tls-lens.yaml from the current folder)
  --profile modern|intermediate|legacy
  -h, --help                    show this help

Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 an endpoint could not be probed
or is missing, or an input file is unreadable or holds something else than probe reports.
`;

interface MergeArgs {
  files: string[];
  format: 'text' | 'json' | 'sarif' | 'openmetrics';
  config: string[];
  targets?: string;
  failOn: FailOn;
  policy?: string;
  profile?: string;
}

function parseMergeArgs(argv: string[]): MergeArgs {
  const args: MergeArgs = { files: [], format: 'text', config: [], failOn: 'warning' };
  readArgs(
    argv,
    { posix: true },
    (flag, value) => {
      if (flag === '--format') args.format = formatArg(value(), ['text', 'json', 'sarif', 'openmetrics'] as const);
      else if (flag === '--config') args.config.push(value());
      else if (flag === '--targets') args.targets = value();
      else if (flag === '--fail-on') args.failOn = failOnArg(value());
      else if (flag === '--policy') args.policy = value();
      else if (flag === '--profile') args.profile = profileArg(value());
      else return false;
      return true;
    },
    (a) => args.files.push(a),
  );
  if (args.files.length === 0) throw new UsageError('name the files to merge: tls-lens merge shard-1.jsonl shard-2.jsonl …');
  if (args.files.filter((f) => f === '-').length > 1) throw new UsageError('standard input (-) can be read once');
  return args;
}

function read(file: string, flag = ''): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag}${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** Records keyed by endpoint and SNI, the latest probe of each; duplicates named on stderr. */
function dedupe(read: readonly ReadRecord[], err: NodeJS.WritableStream): FleetRecord[] {
  const kept = new Map<string, ReadRecord>();
  for (const r of read) {
    const key = recordKey(r.record);
    const prev = kept.get(key);
    if (!prev) {
      kept.set(key, r);
      continue;
    }
    const later = Date.parse(r.record.startedAt) >= Date.parse(prev.record.startedAt) ? r : prev;
    err.write(`tls-lens: warning: ${r.file}:${r.line}: ${r.record.endpoint}${r.record.sni ? ` (SNI ${r.record.sni})` : ''} is also in ${prev.file}:${prev.line} (do the shards overlap?); the later probe is kept (${later.file}:${later.line})\n`);
    kept.set(key, later);
  }
  return [...kept.values()].map((r) => r.record);
}

/** The comparison with the configuration, made again from the stored report (links from a shard's own --config are replaced). */
async function withConfig(records: FleetRecord[], dirs: readonly string[], host: NodeHost, policy: Policy): Promise<FleetRecord[]> {
  const sources = await configSources(host, dirs, policy);
  if (!sources) return records;
  const out: FleetRecord[] = [];
  for (const r of records) {
    if (isErrorRecord(r)) {
      out.push(r);
      continue;
    }
    const { config: _config, ...bare } = r;
    void _config;
    const plain = { ...bare, findings: bare.findings.filter((f) => f.ruleId !== PROBE_RULES.certificateDiffers.id).map(({ config: _c, ...f }) => (void _c, f)) };
    const leaf = reportLeaf(r);
    const live: LiveEndpoint = leaf ? { name: r.hostname.name, port: endpointPort(r.endpoint), leaf } : { name: r.hostname.name, port: endpointPort(r.endpoint) };
    const served = servedOfReport(r);
    if (served) live.served = served;
    const compared = mapConfigFiles(await compareEndpointWithConfig(plain, live, sources, policy), relativeToCwd);
    out.push(r.listedAt ? { ...compared, listedAt: r.listedAt } : compared);
  }
  return out;
}

function sarif(findings: ReturnType<typeof fleetFindings>): string {
  const help = new Map<string, string>();
  for (const r of ALL_RULES) {
    const f = ruleDocFile(r.id);
    if (f) help.set(r.id, readFileSync(f, 'utf8'));
  }
  const srcRoot = pathToFileURL(process.cwd() + path.sep).href;
  return JSON.stringify(toSarif(findings, { toolVersion: productVersion(), rules: ALL_RULES, ruleHelp: help, srcRoot }), null, 2) + '\n';
}

export async function mergeCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const args = parseMergeArgs(argv);
  const host = new NodeHost();
  const policy = await probePolicy(host, args, err);
  if (!policy) return 2;
  let problems = 0;
  const all: ReadRecord[] = [];
  for (const file of args.files) {
    const parsed = parseFleetRecords(read(file), file);
    for (const p of parsed.problems) err.write(`tls-lens: ${p.file}:${p.line}: ${p.message}\n`);
    problems += parsed.problems.length;
    all.push(...parsed.records);
  }
  let records = dedupe(all, err);

  if (args.targets !== undefined) {
    const list = parseTargetList(read(args.targets, '--targets '), args.targets);
    for (const p of list.problems) if (p.severity === 'error') err.write(`tls-lens: ${p.file}:${p.line}:${p.column}: ${p.message}\n`);
    const have = new Set(records.map(recordKey));
    for (const t of list.targets) {
      const endpoint = targetLabel(t.target.host, t.target.port);
      const rec: FleetErrorRecord = { version: 1, endpoint, startedAt: new Date(0).toISOString(), error: { code: 'missing', message: 'no result in the merged files: its shard did not run, or did not finish' }, listedAt: { file: t.file, line: t.line } };
      if (t.target.sni) rec.sni = t.target.sni;
      if (have.has(recordKey(rec))) continue;
      err.write(`tls-lens: ${t.file}:${t.line}: ${t.input}: no result in the merged files\n`);
      records.push(rec);
    }
  }
  records = await withConfig(records, args.config, host, policy);

  const now = host.now();
  const rows = records.map((r) => fleetRow(r, now));
  if (args.format === 'json') {
    const count = (s: 'error' | 'warning' | 'info' | 'hint'): number => rows.reduce((n, r) => n + r.counts[s], 0);
    const summary = {
      endpoints: records.length,
      probed: records.filter((r) => !isErrorRecord(r)).length,
      failed: records.filter((r) => isErrorRecord(r) && r.error.code !== 'missing').length,
      missing: records.filter((r) => isErrorRecord(r) && r.error.code === 'missing').length,
      findings: { error: count('error'), warning: count('warning'), info: count('info'), hint: count('hint') },
    };
    out.write(JSON.stringify({ version: 1, summary, reports: records.filter((r) => !isErrorRecord(r)), errors: records.filter(isErrorRecord) }, null, 2) + '\n');
  } else if (args.format === 'sarif') out.write(sarif(fleetFindings(records, policy)));
  else if (args.format === 'openmetrics') out.write(renderOpenMetrics(probeMetrics(records, now)));
  else {
    const text = fleetFindingsText(fleetFindings(records, policy));
    out.write(`${text ? `${text}\n` : ''}${fleetSummaryText(rows)}`);
  }
  return fleetExitCode(records, args.failOn, problems > 0);
}

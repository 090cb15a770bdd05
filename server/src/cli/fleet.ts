/**
 * `tls-lens probe --targets FILE|-`: a fleet. Each endpoint of the list is probed by the same
 * single-probe function `tls-lens probe host` uses (probeEndpoint → buildProbeReport → the
 * comparison with --config), under a global and a per-host connection budget
 * (core/probe/fleet/run.ts); JSON Lines stream as each endpoint finishes, text ends with a
 * summary table, OpenMetrics is written at the end. `--shard i/n` (or JOB_COMPLETION_INDEX
 * with --shard-count / TLS_LENS_SHARD_COUNT) keeps this machine's share of the list.
 * `tls-lens probe host --format openmetrics` comes here too, as a list of one.
 */
import { readFileSync } from 'node:fs';
import { buildProbeReport, chooseProtocol, parseTarget, probeEndpoint, probeErrorReport, type ProbeOptions } from '../core/probe';
import { compareWithConfig, mapConfigFiles } from '../core/probe/config/compare';
import { targetLabel } from '../core/probe/errors';
import {
  compareListed,
  fleetExitCode,
  fleetFindings,
  fleetFindingsText,
  fleetRow,
  fleetSummaryText,
  inShard,
  parseShardSpec,
  parseTargetList,
  runFleet,
  shardFromIndex,
  type FleetErrorRecord,
  type FleetOutcome,
  type FleetRecord,
  type FleetReportRecord,
  type FleetTarget,
  type Shard,
} from '../core/probe/fleet';
import { probeMetrics, renderOpenMetrics } from '../core/report/openmetrics';
import { NodeHost } from '../host/nodeHost';
import { UsageError, formatArg } from './args';
import { parseProbeArgs, readClientKey } from './probe';
import { configSources, probePolicy, readPem, relativeToCwd } from './probeSetup';
import { severityCounts } from '../core/words';

export const FLEET_DEFAULTS = { maxConnections: 64, perHost: 8 } as const;

export const FLEET_USAGE = `
A fleet: tls-lens probe --targets FILE|- [options]

Probes every endpoint of a list: one "host[:port] [sni]" per line, "#" comments and blank
lines allowed (a bad line is reported with its line number; the others are still probed).

  --targets FILE|-              the list (- reads standard input)
  --format text|json|openmetrics
                                text: a line per endpoint as it finishes, the findings, then a
                                summary table; json: JSON Lines, one probe report (or an error
                                object) per endpoint as it finishes; openmetrics: at the end
  --max-connections N           connections in flight over the whole fleet (default: ${FLEET_DEFAULTS.maxConnections})
  --per-host N                  connections in flight to one host, by IP address (default: ${FLEET_DEFAULTS.perHost});
                                each probe uses at most min(--concurrency, --per-host)
  --shard i/n                   probe only shard i of n (1-based): targets are assigned by a hash
                                of "host:port sni", so the shards never overlap, together cover
                                the list, and do not change when the list is reordered
  --shard-count N               with JOB_COMPLETION_INDEX (0-based, set by a Kubernetes Indexed
                                Job): probe shard JOB_COMPLETION_INDEX of N; TLS_LENS_SHARD_COUNT
                                gives N too
  Every option of a single probe applies to each endpoint, except --sni and --connect-to
  (an SNI goes on the endpoint's line).

tls-lens probe host[:port] --format openmetrics prints the same metrics for one endpoint
(tls_lens_probe_success 0 when it cannot be probed), for a textfile collector or a Pushgateway.

Exit codes over the fleet: 0 no findings at or above --fail-on, 1 findings, 2 an endpoint
could not be probed or the list has errors, 130 cancelled (Ctrl-C prints what finished;
a second Ctrl-C stops at once).
`;

/** `probe` arguments that make it a fleet (or a one-endpoint OpenMetrics probe). */
export function isFleetInvocation(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === '--targets' || a.startsWith('--targets=') || (a === '--format' && argv[i + 1] === 'openmetrics') || a === '--format=openmetrics');
}

interface FleetArgs {
  targets?: string;
  format: 'text' | 'json' | 'openmetrics';
  maxConnections: number;
  perHost: number;
  shard?: string;
  shardCount?: string;
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number (got "${v}")`);
  return n;
}

/** This machine's shard: --shard, else JOB_COMPLETION_INDEX with --shard-count or TLS_LENS_SHARD_COUNT; undefined for the whole list. */
export function resolveShard(flags: { shard?: string; shardCount?: string }, env: NodeJS.ProcessEnv): Shard | undefined {
  try {
    if (flags.shard !== undefined) {
      if (flags.shardCount !== undefined) throw new Error('--shard and --shard-count exclude each other (--shard-count goes with JOB_COMPLETION_INDEX)');
      return parseShardSpec(flags.shard);
    }
    const index = env.JOB_COMPLETION_INDEX;
    const count = flags.shardCount ?? env.TLS_LENS_SHARD_COUNT;
    const countName = flags.shardCount !== undefined ? '--shard-count' : 'TLS_LENS_SHARD_COUNT';
    if (index === undefined || index === '') {
      if (flags.shardCount !== undefined) throw new Error('--shard-count needs JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job); elsewhere use --shard i/n');
      return undefined;
    }
    if (count === undefined || count === '') {
      throw new Error(`JOB_COMPLETION_INDEX=${index} is set (a Kubernetes Indexed Job), but not the number of shards: give --shard-count N (the Job's completions) or TLS_LENS_SHARD_COUNT, or --shard i/n`);
    }
    return shardFromIndex(index, count, { index: 'JOB_COMPLETION_INDEX', count: countName });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function readList(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new UsageError(`--targets ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export async function fleetCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const fleet: FleetArgs = { format: 'text', ...FLEET_DEFAULTS };
  const args = parseProbeArgs(argv, {
    option: (flag, value) => {
      if (flag === '--targets') fleet.targets = value();
      else if (flag === '--format') fleet.format = formatArg(value(), ['text', 'json', 'openmetrics'] as const);
      else if (flag === '--max-connections') fleet.maxConnections = positiveInt(flag, value());
      else if (flag === '--per-host') fleet.perHost = positiveInt(flag, value());
      else if (flag === '--shard') fleet.shard = value();
      else if (flag === '--shard-count') fleet.shardCount = value();
      else return false;
      return true;
    },
  });
  if (fleet.targets !== undefined && args.target !== undefined) throw new UsageError(`give the endpoints with --targets or one on the command line, not both (got "${args.target}")`);
  if (fleet.targets === undefined && args.target === undefined) throw new UsageError('name the endpoint to probe (tls-lens probe host[:port]) or a list (--targets FILE)');
  if (fleet.targets !== undefined && (args.sni !== undefined || args.connectTo !== undefined)) throw new UsageError('--sni and --connect-to name one endpoint: in a list, an SNI goes on the endpoint\'s line ("host[:port] sni")');
  if ((args.clientCert === undefined) !== (args.clientKey === undefined)) throw new UsageError('--client-cert and --client-key go together');
  const shard = fleet.targets !== undefined ? resolveShard(fleet, env) : undefined;

  // The list: a file, standard input, or the one endpoint of the command line.
  let entries: FleetTarget[];
  let listErrors = 0;
  if (fleet.targets !== undefined) {
    const list = parseTargetList(readList(fleet.targets), fleet.targets);
    for (const p of list.problems) {
      if (p.severity === 'error') listErrors++;
      err.write(`tls-lens: ${p.file}:${p.line}:${p.column}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}\n`);
    }
    entries = shard ? list.targets.filter((t) => inShard(t, shard)) : list.targets;
  } else {
    let target;
    try {
      target = parseTarget(args.target!);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    if (args.sni) target.sni = args.sni;
    if (args.connectTo) target.connectTo = args.connectTo;
    entries = [{ file: '', line: 0, input: args.target!, target, options: {} }];
  }
  if (args.family) for (const e of entries) e.target.family = args.family;
  // How TLS starts, per endpoint, as for one: --starttls, else its scheme (smtp://…), else its port.
  for (const e of entries) if (args.starttls || !e.target.protocolChosenBy) Object.assign(e.target, chooseProtocol(e.target.port, args.starttls));

  const host = new NodeHost();
  const policy = await probePolicy(host, args, err);
  if (!policy) return 2;
  const sources = await configSources(host, args.config, policy);
  const base: Omit<ProbeOptions, 'timeoutMs' | 'concurrency'> = {};
  // The budget is each endpoint's own: its probe starts the clock.
  if (args.deadlineMs) base.deadlineMs = args.deadlineMs;
  if (args.ca) base.extraCaPem = readPem('--ca', args.ca);
  if (args.clientCert && args.clientKey) {
    base.clientCertPem = readPem('--client-cert', args.clientCert);
    base.clientKeyPem = readClientKey(args.clientKey);
  }

  const listed = (e: FleetTarget): Pick<FleetRecord, 'listedAt'> => (e.line > 0 ? { listedAt: { file: e.file, line: e.line } } : {});
  // The single-probe function, the same for every endpoint; the runner gives each its options.
  const probeOne = async (target: FleetTarget['target'], options: { timeoutMs: number; concurrency: number; signal: AbortSignal }, entry: FleetTarget): Promise<FleetReportRecord> => {
    const result = await probeEndpoint(target, { ...base, ...options }, args.scan ? {} : { scan: false });
    let report = buildProbeReport(result, policy, host.now());
    if (sources) report = mapConfigFiles(await compareWithConfig(report, result, sources, policy), relativeToCwd);
    // The runner pinned the name to the address it resolved to; the report says what was asked.
    if (entry.target.connectTo === undefined) delete report.connectTo;
    return { ...report, ...listed(entry) };
  };
  const toRecord = (o: FleetOutcome<FleetReportRecord>): FleetRecord => {
    if (o.ok) return o.value;
    const t = o.entry.target;
    return {
      version: 1,
      endpoint: targetLabel(t.host, t.port),
      ...(t.sni ? { sni: t.sni } : {}),
      ...(t.connectTo ? { connectTo: t.connectTo } : {}),
      service: probeErrorReport(t, o.error).service,
      ...(o.address ? { address: o.address } : {}),
      startedAt: new Date().toISOString(),
      error: { code: o.error.code, message: o.error.message, ...(o.error.notReached?.length ? { notReached: o.error.notReached } : {}) },
      ...listed(o.entry),
    } satisfies FleetErrorRecord;
  };

  const ac = new AbortController();
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    err.write(`\ntls-lens: cancelling (Ctrl-C again to stop at once)…\n`);
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  const records: FleetRecord[] = [];
  const now = host.now();
  let done = 0;
  try {
    await runFleet(entries, probeOne, { maxConnections: fleet.maxConnections, perHost: fleet.perHost, timeoutMs: args.timeoutMs, concurrency: args.concurrency, signal: ac.signal }, (o) => {
      const rec = toRecord(o);
      records.push(rec);
      done++;
      if (fleet.format === 'json') out.write(JSON.stringify(rec) + '\n');
      else if (fleet.format === 'text') out.write(progressLine(rec, done, entries.length, now));
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  records.sort(compareListed);
  if (fleet.format === 'openmetrics') out.write(renderOpenMetrics(probeMetrics(records, host.now())));
  else if (fleet.format === 'text') {
    const findings = fleetFindingsText(fleetFindings(records, policy));
    out.write(`\n${findings ? `${findings}\n` : ''}${fleetSummaryText(records.map((r) => fleetRow(r, now)), shard ? { shard: `${shard.index + 1}/${shard.count}` } : {})}`);
  }
  if (interrupted) return 130;
  return fleetExitCode(records, args.failOn, listErrors > 0);
}

function progressLine(r: FleetRecord, done: number, total: number, now: Date): string {
  const row = fleetRow(r, now);
  const head = `[${done}/${total}] ${row.endpoint}${row.sni ? ` (SNI ${row.sni})` : ''}`;
  if (row.error) return `${head}: ${row.error.code === 'cancelled' ? 'cancelled' : `failed: ${row.error.message}`}\n`;
  const c = row.counts;
  return `${head}: grade ${row.grade}${row.hidden ? ` (${row.hidden} ignoring trust)` : ''}, ${severityCounts(c)}, ${row.durationMs} ms\n`;
}

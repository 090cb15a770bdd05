import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ALL_RULES,
  cachingTreeLoader,
  ConfinedHost,
  PolicyFileFinder,
  RULE_IDS,
  atLeast,
  compareFindings,
  ignoredByPolicyFile,
  includerHttpContext,
  IndexedFilesHost,
  indexFiles,
  isCandidateName,
  lintFile,
  resolvePolicy,
  toJsonReport,
  toSarif,
  toText,
  trailingPathGuesser,
  walkFiles,
  type Finding,
  type LoadedPolicyFile,
  type PolicyInput,
  type KubeIndex,
  type TreeCache,
} from './core';
import { UsageError, failOnArg, formatArg, readArgs, walkOption, type FailOn } from './cli/args';
import type * as InspectModule from './cli/inspect';
import { NodeHost } from './host/nodeHost';
import { escapeControls } from './core/escape';
import { productVersion, ruleDocFile } from './install';
import type * as FleetModule from './cli/fleet';
import type * as MergeModule from './cli/merge';
import type * as ProbeModule from './cli/probe';
import { plural } from './core/words';

// `probe` (node:tls, node:http2, the scanner), its fleet runner, `merge` and `inspect` load
// only when asked for: `check` starts without them. esbuild keeps each in the bundle,
// initialised on first require.
/* eslint-disable @typescript-eslint/no-require-imports -- deliberate lazy loads */
const probeModule = (): typeof ProbeModule => require('./cli/probe') as typeof ProbeModule;
const fleetModule = (): typeof FleetModule => require('./cli/fleet') as typeof FleetModule;
const mergeModule = (): typeof MergeModule => require('./cli/merge') as typeof MergeModule;
const inspectModule = (): typeof InspectModule => require('./cli/inspect') as typeof InspectModule;
/* eslint-enable @typescript-eslint/no-require-imports */

const USAGE = `Usage: tls-lens check [paths...] [options]
       tls-lens probe host[:port] [options]   (see tls-lens probe --help)
       tls-lens probe --targets FILE|- [options]   (a fleet; see tls-lens probe --help)
       tls-lens merge FILES... [options]   (a fleet's shard outputs; see tls-lens merge --help)
       tls-lens inspect [paths...] [--format text|json|openmetrics]   (see tls-lens inspect --help)

Lints nginx, Kubernetes and PEM files for TLS problems. Directories are walked,
honouring .gitignore files; paths default to the current directory.

Options:
  --format text|json|sarif      output format (default: text)
  --fail-on error|warning|info|never
                                exit 1 when a finding is at or above this level (default: warning)
  --policy FILE                 use this policy file instead of the nearest .tls-lens.yaml
                                (searched from each file's folder up to the file system root)
  --profile modern|intermediate|legacy
                                the policy profile (overrides the policy file's "extends")
  --max-file-size-kb N          skip files larger than N KiB (default: 2048)
  -h, --help                    show this help
  --version                     show the version

Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or I/O error.
`;

type Format = 'text' | 'json' | 'sarif';

interface CheckArgs {
  paths: string[];
  format: Format;
  failOn: FailOn;
  policy?: string;
  profile?: string;
  maxFileSizeKb?: number;
}

function parseCheckArgs(argv: string[]): CheckArgs {
  const args: CheckArgs = { paths: [], format: 'text', failOn: 'warning' };
  readArgs(
    argv,
    { posix: true },
    (flag, value) => {
      if (flag === '--format') args.format = formatArg(value(), ['text', 'json', 'sarif'] as const);
      else if (flag === '--fail-on') args.failOn = failOnArg(value());
      else return walkOption(args, flag, value);
      return true;
    },
    (a) => args.paths.push(a),
  );
  if (args.paths.length === 0) args.paths.push('.');
  return args;
}

function formatPolicyProblems(p: LoadedPolicyFile, cwd: string): string[] {
  const name = path.relative(cwd, p.path) || p.path;
  return p.problems.map((pr) => `${name}:${pr.range.start.line + 1}:${pr.range.start.character + 1}: ${pr.message}`);
}

async function check(args: CheckArgs, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const raw = new NodeHost({ blocking: true });
  const cwd = process.cwd();
  // Reads follow the paths named (and the folders pathMappings name), never the rest of the
  // machine: an include of /etc/nginx/… is judged by what the workspace holds, not by this host.
  const roots = args.paths.map((p) => path.resolve(p));
  const host = new ConfinedHost(raw, () => roots);
  // Policy files are looked for above the named paths, as documented.
  const finder = new PolicyFileFinder(raw, RULE_IDS);
  let ioErrors = 0;
  const reportError = (message: string): void => {
    ioErrors++;
    err.write(`tls-lens: ${message}\n`);
  };

  let explicit: LoadedPolicyFile | undefined;
  if (args.policy) {
    explicit = await finder.load(path.resolve(args.policy));
    host.allow(path.resolve(args.policy));
    if (explicit.problems.length) {
      for (const line of formatPolicyProblems(explicit, cwd)) err.write(`tls-lens: ${line}\n`);
      return 2;
    }
  }
  const flags: PolicyInput = {};
  if (args.profile) flags.profile = args.profile;
  if (args.maxFileSizeKb !== undefined) flags.maxFileSizeKb = args.maxFileSizeKb;
  const reported = new Set<string>();
  const policyFileFor = async (file: string): Promise<LoadedPolicyFile | undefined> => {
    const found = explicit ?? (await finder.forFile(file));
    if (found && found.problems.length && !reported.has(found.path)) {
      reported.add(found.path);
      for (const line of formatPolicyProblems(found, cwd)) {
        err.write(`tls-lens: ${line} (this policy file is ignored; built-in defaults and flags apply)\n`);
      }
    }
    if (found && !found.problems.length) for (const to of Object.values(found.input.pathMappings ?? {})) host.allow(to);
    return found && !found.problems.length ? found : undefined;
  };

  const findings: Finding[] = [];
  const linted = new Set<string>();
  // One tree per configuration for the whole run: nginx.conf's includes and every site file's includer.
  const trees: TreeCache = new Map();
  const loadTree = cachingTreeLoader(host, trees);
  let filesChecked = 0;
  let filesSkipped = 0;
  const now = host.now();
  /** Lints one file once; files met in a directory walk honour the policy file's `ignore`. */
  const display = (abs: string): string => path.relative(cwd, abs) || path.basename(abs);
  let guessPath: ReturnType<typeof trailingPathGuesser> = () => undefined;
  const lintOne = async (abs: string, walked: boolean, kubeIndex: KubeIndex, files: IndexedFilesHost): Promise<void> => {
    if (linted.has(abs)) return;
    linted.add(abs);
    const policyFile = await policyFileFor(abs);
    if (walked && ignoredByPolicyFile(abs, policyFile)) return;
    const policy = resolvePolicy(policyFile?.input, flags);
    const result = await lintFile(files, abs, display(abs), {
      policy,
      now,
      kubeIndex,
      gather: {
        nginx: {
          guessPath,
          loadTree,
          // A sites-enabled/conf.d snippet is judged with what its nginx.conf sets in http.
          httpContext: (p) => includerHttpContext(host, p, { trees, pathMappings: policy.pathMappings, guessPath }),
        },
      },
    });
    if ('error' in result) reportError(result.error);
    else {
      if (result.skipped) filesSkipped++;
      else filesChecked++;
      findings.push(...result.findings);
    }
  };

  const targets: Array<{ abs: string; walked: boolean }> = [];
  for (const p of args.paths) {
    const abs = path.resolve(p);
    let st;
    try {
      st = await host.stat(abs);
    } catch (e) {
      reportError(`${p}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (!st) {
      reportError(`${p}: no such file or directory`);
      continue;
    }
    if (st.isDirectory) {
      for await (const file of walkFiles(host, abs, {
        accept: isCandidateName,
        onError: (dir, message) => reportError(`${path.relative(cwd, dir) || dir}: ${message}`),
      })) {
        targets.push({ abs: file, walked: true });
      }
    } else {
      targets.push({ abs, walked: false });
    }
  }
  // Manifests refer to each other across files (an Ingress to its Secret): index them all first.
  // The lint then takes the bytes the index read rather than reading each manifest again.
  const cached = new ConfinedIndexedHost(host);
  // An absolute include outside the named paths may still be a workspace file with the same trailing path.
  guessPath = trailingPathGuesser(targets.map((t) => t.abs));
  const kubeIndex = await indexFiles(host, targets.map((t) => ({ path: t.abs, name: display(t.abs) })), resolvePolicy(explicit?.input, flags).maxFileSizeBytes, undefined, undefined, cached);
  for (const t of targets) await lintOne(t.abs, t.walked, kubeIndex, cached);

  findings.sort(compareFindings);
  collapseApacheNotes(findings);
  if (args.format === 'json') out.write(JSON.stringify(toJsonReport(findings), null, 2) + '\n');
  else if (args.format === 'sarif') {
    const help = new Map<string, string>();
    for (const r of ALL_RULES) {
      const f = ruleDocFile(r.id);
      if (f) help.set(r.id, readFileSync(f, 'utf8'));
    }
    const srcRoot = pathToFileURL(cwd + path.sep).href;
    out.write(JSON.stringify(toSarif(findings, { toolVersion: productVersion(), rules: ALL_RULES, ruleHelp: help, srcRoot }), null, 2) + '\n');
  } else out.write(toText(findings, filesChecked, filesSkipped));

  if (ioErrors > 0) return 2;
  const failOn = args.failOn;
  if (failOn !== 'never' && findings.some((f) => atLeast(f.severity, failOn))) return 1;
  return 0;
}

/**
 * stderr as lines of text without control characters (a path or a message quoting a file may
 * hold them): the reports on stdout escape their own text (JSON must stay JSON).
 */
function escapingLines(stream: NodeJS.WritableStream): NodeJS.WritableStream {
  return new Proxy(stream, {
    get(target, prop, receiver) {
      if (prop !== 'write') return Reflect.get(target, prop, receiver) as unknown;
      return (chunk: unknown, ...rest: unknown[]) =>
        (target.write as (...a: unknown[]) => boolean).call(target, typeof chunk === 'string' ? chunk.split('\n').map(escapeControls).join('\n') : chunk, ...rest);
    },
  });
}

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, errStream: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  const err = escapingLines(errStream);
  try {
    if (command === undefined) {
      err.write(USAGE);
      return 2;
    }
    if (command === '-h' || command === '--help' || command === 'help') {
      out.write(USAGE);
      return 0;
    }
    if (command === '--version') {
      out.write(`tls-lens ${productVersion()}\n`);
      return 0;
    }
    if (command === 'probe') {
      if (rest.includes('-h') || rest.includes('--help')) {
        out.write(probeModule().PROBE_USAGE + fleetModule().FLEET_USAGE);
        return 0;
      }
      // A list of endpoints, or OpenMetrics (a list of one): the fleet runner (cli/fleet.ts).
      if (fleetModule().isFleetInvocation(rest)) return await fleetModule().fleetCommand(rest, out, err);
      return await probeModule().probeCommand(rest, out, err);
    }
    if (command === 'merge') {
      if (rest.includes('-h') || rest.includes('--help')) {
        out.write(mergeModule().MERGE_USAGE);
        return 0;
      }
      return await mergeModule().mergeCommand(rest, out, err);
    }
    if (command === 'inspect') return await inspectModule().inspect(rest, out, err);
    if (command !== 'check') throw new UsageError(`unknown command "${command}" (expected: check, inspect, probe or merge)`);
    if (rest.includes('-h') || rest.includes('--help')) {
      out.write(USAGE);
      return 0;
    }
    return await check(parseCheckArgs(rest), out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      const usage =
        command === 'probe'
          ? probeModule().PROBE_USAGE + fleetModule().FLEET_USAGE
          : command === 'merge'
            ? mergeModule().MERGE_USAGE
            : command === 'inspect'
              ? inspectModule().INSPECT_USAGE
              : USAGE;
      err.write(`tls-lens: ${e.message}\n\n${usage}`);
      return 2;
    }
    err.write(`tls-lens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`tls-lens: ${String(e)}\n`);
      process.exitCode = 2;
    },
  );
}

/** The index's cached bytes over the confined host, still saying what lies outside. */
class ConfinedIndexedHost extends IndexedFilesHost {
  constructor(private readonly confined: ConfinedHost) {
    super(confined);
  }

  outside(p: string): boolean {
    return this.confined.outside(p);
  }
}

/** One note per run for the Apache files a walk met (each file's own note says the same). */
function collapseApacheNotes(findings: Finding[]): void {
  const notes = findings.filter((f) => f.ruleId === 'apache/not-checked');
  if (notes.length < 2) return;
  const [first, ...rest] = notes;
  first!.message += `; ${plural(rest.length, 'more Apache httpd file', 'more Apache httpd files')} skipped in this run, e.g. ${rest[0]!.file}`;
  const drop = new Set(rest);
  for (let i = findings.length - 1; i >= 0; i--) if (drop.has(findings[i]!)) findings.splice(i, 1);
}

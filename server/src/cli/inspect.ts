import * as path from 'node:path';
import { PolicyFileFinder, RULE_IDS, ignoredByPolicyFile, resolvePolicy, type LoadedPolicyFile, type Policy, type PolicyInput } from '../core';
import { inventoryPaths, type InventoryEntry, type InventoryNote } from '../core/certs/inventory';
import { escapeControls } from '../core/escape';
import { inventoryMetrics, renderOpenMetrics } from '../core/report/openmetrics';
import { plural } from '../core/words';
import { NodeHost } from '../host/nodeHost';
import { formatArg, readArgs, walkOption } from './args';

export const INSPECT_USAGE = `Usage: tls-lens inspect [paths...] [options]

Lists every certificate and private key found in the given files and directories
(walked like "check", honouring .gitignore files), soonest expiry first, with every
fact TLS Lens knows about each certificate. Private keys are described by algorithm
and size only. Paths default to the current directory.

Options:
  --format text|json|openmetrics
                                output format (default: text); openmetrics: each certificate's
                                notAfter and time left by file, line, subject, resource and
                                SHA-256, counts by status (for the Prometheus textfile collector
                                or a Pushgateway; private keys are only counted)
  --policy FILE                 expiry thresholds from this policy file instead of the
                                nearest .tls-lens.yaml
  --profile modern|intermediate|legacy
                                the policy profile (overrides the policy file's "extends")
  --max-file-size-kb N          skip files larger than N KiB (default: 2048)
  -h, --help                    show this help

Exit codes: 0 listed, 2 usage or I/O error (what could be read is still listed).
`;

interface InspectArgs {
  paths: string[];
  format: 'text' | 'json' | 'openmetrics';
  policy?: string;
  profile?: string;
  maxFileSizeKb?: number;
}

function parseInspectArgs(argv: string[]): InspectArgs {
  const args: InspectArgs = { paths: [], format: 'text' };
  readArgs(
    argv,
    { posix: true },
    (flag, value) => {
      if (flag === '--format') args.format = formatArg(value(), ['text', 'json', 'openmetrics'] as const);
      else return walkOption(args, flag, value);
      return true;
    },
    (a) => args.paths.push(a),
  );
  if (args.paths.length === 0) args.paths.push('.');
  return args;
}

/** `1:1` (1-based), as `check` prints locations. */
function where(e: InventoryEntry): string {
  return `${e.file}:${e.range.start.line + 1}:${e.range.start.character + 1}`;
}

const MARK: Record<InventoryEntry['level'], string> = { ok: 'ok', warning: 'warning', error: 'error' };

function statusWord(e: InventoryEntry): string {
  if (e.kind === 'key') return 'private key';
  return e.status === 'ok' ? 'ok' : `${e.status} (${MARK[e.level]})`;
}

function textReport(entries: readonly InventoryEntry[], filesScanned: number, notes: readonly InventoryNote[] = []): string {
  const out: string[] = [];
  // One column for every label of the report.
  const width = Math.max(0, ...entries.flatMap((e) => (e.kind === 'certificate' ? (e.facts ?? []) : []).map((f) => f.label.length)));
  for (const e of entries) {
    const chain = e.kind === 'certificate' && e.chain && e.chain.size > 1 ? `, ${e.chain.index + 1} of ${e.chain.size} in the bundle` : '';
    const container = e.container ? `, ${e.container}` : '';
    out.push(`${where(e)}: ${e.label}${container}${chain} [${statusWord(e)}]`);
    out.push(`  ${e.title}`);
    // The rows every front shows (certificateFacts), nothing of our own.
    for (const f of e.kind === 'certificate' ? (e.facts ?? []) : []) out.push(`  ${f.label.padEnd(width)} ${f.value}`);
    out.push('');
  }
  // What containers did not let us read (encrypted parts without a password…): said, not silently left out.
  for (const n of notes) out.push(`${n.file}: ${n.severity === 'info' ? 'note' : n.severity}: ${n.message}`);
  if (notes.length) out.push('');
  const certs = entries.filter((e) => e.kind === 'certificate');
  const count = (s: string): number => certs.filter((c) => c.kind === 'certificate' && c.status === s).length;
  const keys = entries.length - certs.length;
  out.push(
    `${plural(certs.length, 'certificate')} (${count('expired')} expired, ${count('expiring')} expiring, ${count('not-yet-valid')} not yet valid, ${count('invalid')} unreadable), ` +
      `${plural(keys, 'private key')} in ${plural(filesScanned, 'file')} scanned.`,
  );
  // Names and values come from files (and the decoder escapes what it decodes): each line reaches a terminal as text.
  return out.map(escapeControls).join('\n') + '\n';
}

export async function inspect(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    out.write(INSPECT_USAGE);
    return 0;
  }
  const args = parseInspectArgs(argv);
  const host = new NodeHost();
  const cwd = process.cwd();
  const finder = new PolicyFileFinder(host, RULE_IDS);
  let ioErrors = 0;
  const reportError = (message: string): void => {
    ioErrors++;
    err.write(`tls-lens: ${message}\n`);
  };
  const display = (abs: string): string => path.relative(cwd, abs) || path.basename(abs);

  let explicit: LoadedPolicyFile | undefined;
  if (args.policy) {
    explicit = await finder.load(path.resolve(args.policy));
    if (explicit.problems.length) {
      for (const p of explicit.problems) err.write(`tls-lens: ${display(explicit.path)}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.message}\n`);
      return 2;
    }
  }
  const flags: PolicyInput = {};
  if (args.profile) flags.profile = args.profile;
  if (args.maxFileSizeKb !== undefined) flags.maxFileSizeKb = args.maxFileSizeKb;
  const named = new Set(args.paths.map((p) => path.resolve(p)));
  const reported = new Set<string>();
  const policyFor = async (file: string): Promise<Policy | undefined> => {
    const found = explicit ?? (await finder.forFile(file));
    if (found && found.problems.length && !reported.has(found.path)) {
      reported.add(found.path);
      for (const p of found.problems) {
        err.write(`tls-lens: ${display(found.path)}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.message} (this policy file is ignored; built-in defaults and flags apply)\n`);
      }
    }
    const usable = found && !found.problems.length ? found : undefined;
    // A policy file's `ignore` applies to files met in a walk, not to files named outright.
    if (!named.has(file) && ignoredByPolicyFile(file, usable)) return undefined;
    return resolvePolicy(usable?.input, flags);
  };

  const now = host.now();
  const inv = await inventoryPaths(
    host,
    args.paths.map((p) => path.resolve(p)),
    { now, policyFor, display, withFacts: args.format === 'text' },
  );
  for (const e of inv.errors) reportError(e);

  if (args.format === 'json') {
    // Structured fields only: the facts rows are for people.
    const entries = inv.entries.map((e) => (e.kind === 'certificate' ? { ...e, facts: undefined } : e));
    out.write(JSON.stringify({ version: 1, filesScanned: inv.filesScanned, entries, notes: inv.notes }, null, 2) + '\n');
  } else if (args.format === 'openmetrics') {
    out.write(renderOpenMetrics(inventoryMetrics(inv.entries, inv.filesScanned, now)));
  } else {
    out.write(textReport(inv.entries, inv.filesScanned, inv.notes));
  }
  return ioErrors > 0 ? 2 : 0;
}

/**
 * `tls-lens probe host[:port]`: probes one live endpoint (raw scan + full handshake),
 * judges it with the same policy `check` uses, prints text or JSON. Exit codes as `check`:
 * 0 nothing at or above --fail-on, 1 findings, 2 usage error or the endpoint could not be probed.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { atLeast } from '../core';
import {
  DEFAULT_PROBE_OPTIONS,
  PROTOCOL_OPTION_NAMES,
  ProbeError,
  buildProbeReport,
  chooseProtocol,
  clientKeyProblem,
  parseStarttlsName,
  parseTarget,
  probeEndpoint,
  probeErrorReport,
  probeReportText,
  type ProbeOptions,
  type ProbeTarget,
  type ProtocolOption,
} from '../core/probe';
import { compareWithConfig, mapConfigFiles } from '../core/probe/config/compare';
import { NodeHost } from '../host/nodeHost';
import { configSources, probePolicy, readPem } from './probeSetup';
import { UsageError, failOnArg, formatArg, profileArg, readArgs, type FailOn } from './args';

export const PROBE_USAGE = `Usage: tls-lens probe host[:port] | scheme://host[:port] [options]

Probes a live TLS endpoint: accepted versions and suites (raw ClientHellos), groups,
certificate chain, trust, host name, ALPN, OCSP staple, resumption and HSTS; judges
them with the policy and grades them like SSL Labs. Only the endpoint named is contacted.

Options:
  --sni NAME                    server name to send and to check the certificate against
                                (and the XMPP domain)
  --starttls PROTO              speak PROTO's upgrade before TLS: smtp, imap, pop3, ftp, ldap,
                                xmpp, xmpp-server, postgres, mysql; or TLS at once with PROTO
                                inside: smtps, imaps, pop3s, ftps, ldaps, xmpps; or none.
                                Default by the port: 25 587 smtp, 143 imap, 110 pop3, 21 ftp,
                                389 ldap, 5222 xmpp, 5269 xmpp-server, 5432 postgres, 3306 mysql;
                                465 993 995 990 636 5223 853 8883 6697 TLS at once; else HTTPS.
                                smtp://host, imaps://host … say the same in the target
  --connect-to IP               connect to this address instead of resolving the host
  -4, -6                        use IPv4 or IPv6 only
  --format text|json            output format (default: text)
  --timeout MS                  per-connection timeout (default: ${DEFAULT_PROBE_OPTIONS.timeoutMs})
  --concurrency N               connections in flight at once (default: ${DEFAULT_PROBE_OPTIONS.concurrency})
  --deadline MS                 total time for the whole probe; what it did not reach is reported
                                (each connection still ends after --timeout)
  --fail-on error|warning|info|never
                                exit 1 when a finding is at or above this level (default: warning)
  --policy FILE                 policy file (default: the nearest .tls-lens.yaml from the current folder)
  --profile modern|intermediate|legacy
  --ca FILE                     also trust the CA certificates in this PEM file
  --client-cert FILE --client-key FILE
                                present this client certificate (mTLS endpoints)
  --no-scan                     the full handshake only (versions and suites not enumerated)
  --config DIR                  compare with the configuration in DIR (repeatable): where the
                                host is defined (nginx, Ingress, Gateway API, Istio) and the line
                                each finding comes from; nothing is read without it
  -h, --help                    show this help

Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage error or the probe failed
(with --format json, a failed probe prints {"version":1,"endpoint",…,"error":{code,message}}).
`;

interface ProbeArgs {
  target?: string;
  sni?: string;
  connectTo?: string;
  family?: 4 | 6;
  format: 'text' | 'json';
  timeoutMs: number;
  concurrency: number;
  deadlineMs?: number;
  starttls?: ProtocolOption;
  failOn: FailOn;
  policy?: string;
  profile?: string;
  ca?: string;
  clientCert?: string;
  clientKey?: string;
  scan: boolean;
  config: string[];
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number (got "${v}")`);
  return n;
}

export function starttlsArg(v: string): ProtocolOption {
  const o = parseStarttlsName(v);
  if (!o) throw new UsageError(`--starttls must be one of ${PROTOCOL_OPTION_NAMES.join(', ')} (got "${v}")`);
  return o;
}

/** With `fleet` (`probe --targets`, cli/fleet.ts): its own flags first, and no endpoint operand required. */
export function parseProbeArgs(argv: string[], fleet?: { option: (flag: string, value: () => string) => boolean }): ProbeArgs {
  const args: ProbeArgs = { format: 'text', failOn: 'warning', scan: true, config: [], ...DEFAULT_PROBE_OPTIONS };
  readArgs(
    argv,
    { posix: false },
    (flag, value) => {
      if (fleet?.option(flag, value)) return true;
      if (flag === '--sni') args.sni = value();
      else if (flag === '--connect-to') args.connectTo = value();
      else if (flag === '-4') args.family = 4;
      else if (flag === '-6') args.family = 6;
      else if (flag === '--format') args.format = formatArg(value(), ['text', 'json'] as const);
      else if (flag === '--timeout') args.timeoutMs = positiveInt(flag, value());
      else if (flag === '--concurrency') args.concurrency = positiveInt(flag, value());
      else if (flag === '--deadline') args.deadlineMs = positiveInt(flag, value());
      else if (flag === '--starttls') args.starttls = starttlsArg(value());
      else if (flag === '--fail-on') args.failOn = failOnArg(value());
      else if (flag === '--policy') args.policy = value();
      else if (flag === '--profile') args.profile = profileArg(value());
      else if (flag === '--ca') args.ca = value();
      else if (flag === '--client-cert') args.clientCert = value();
      else if (flag === '--client-key') args.clientKey = value();
      else if (flag === '--no-scan') args.scan = false;
      else if (flag === '--config') args.config.push(value());
      else return false;
      return true;
    },
    (a) => {
      if (args.target !== undefined) throw new UsageError(`one endpoint at a time (got "${args.target}" and "${a}")`);
      args.target = a;
    },
  );
  if (args.target === undefined && !fleet) throw new UsageError('name the endpoint to probe: tls-lens probe host[:port]');
  if ((args.clientCert === undefined) !== (args.clientKey === undefined)) throw new UsageError('--client-cert and --client-key go together');
  return args;
}

function readFile(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UsageError(`${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** `--client-key FILE`, refused with why when it cannot be used (OpenSSH, bad base64, truncated …; the key is never quoted). */
export function readClientKey(file: string): string {
  const key = readFile('--client-key', file);
  const problem = clientKeyProblem(key);
  if (problem) throw new UsageError(`--client-key ${file}: ${problem}`);
  return key.toString('utf8');
}

export async function probeCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const args = parseProbeArgs(argv);
  let target: ProbeTarget;
  try {
    target = parseTarget(args.target!);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (args.sni) target.sni = args.sni;
  if (args.connectTo) target.connectTo = args.connectTo;
  if (args.family) target.family = args.family;
  // --starttls wins over a scheme; without either, the well-known port decides.
  if (args.starttls || !target.protocolChosenBy) Object.assign(target, chooseProtocol(target.port, args.starttls));

  const host = new NodeHost();
  const policy = await probePolicy(host, args, err);
  if (!policy) return 2;
  // Usage errors (a --config that is no folder) before anything is contacted.
  const sources = await configSources(host, args.config, policy);

  const options: ProbeOptions = { timeoutMs: args.timeoutMs, concurrency: args.concurrency };
  if (args.deadlineMs) options.deadlineMs = args.deadlineMs;
  if (args.ca) options.extraCaPem = readPem('--ca', args.ca);
  if (args.clientCert && args.clientKey) {
    options.clientCertPem = readPem('--client-cert', args.clientCert);
    options.clientKeyPem = readClientKey(args.clientKey);
  }
  const ac = new AbortController();
  const onSigint = (): void => ac.abort();
  process.once('SIGINT', onSigint);
  options.signal = ac.signal;
  try {
    const result = await probeEndpoint(target, options, args.scan ? {} : { scan: false });
    let report = buildProbeReport(result, policy, host.now());
    if (sources) report = mapConfigFiles(await compareWithConfig(report, result, sources, policy), (f) => ({ file: path.relative(process.cwd(), f) || f }));
    out.write(args.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : probeReportText(report));
    const failOn = args.failOn;
    return failOn !== 'never' && report.findings.some((f) => atLeast(f.severity, failOn)) ? 1 : 0;
  } catch (e) {
    if (e instanceof ProbeError) {
      const notReached = e.notReached?.length ? ` (not reached: ${e.notReached.join('; ')})` : '';
      err.write(`tls-lens: ${e.message}${notReached}\n`);
      if (args.format === 'json') out.write(JSON.stringify(probeErrorReport(target, e), null, 2) + '\n');
      return 2;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

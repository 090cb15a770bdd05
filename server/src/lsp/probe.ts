import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { CancellationToken, WorkDoneProgressReporter } from 'vscode-languageserver/node';
import {
  buildProbeReport,
  chooseProtocol,
  clientKeyProblem,
  parseStarttlsName,
  parseTarget,
  probeEndpoint,
  ProbeError,
  DEFAULT_PROBE_OPTIONS,
  PROTOCOL_OPTION_NAMES,
  type ProbeOptions,
  type ProbeTarget,
} from '../core/probe';
import type { Host, KubeIndex } from '../core';
import { collectConfigSources, compareWithConfig, mapConfigFiles } from '../core/probe/config/compare';
import type { ProbeCommandResult, ProbeParams } from '../shared/probe';
import { pathToUri, uriToPath } from './convert';
import type { PolicyResolver } from './policy';
import type { SettingsCache } from './settings';

/**
 * `tlsLens.server.probe`: probes the endpoint a person asked for (the client only sends
 * this on a command), judged with the policy of the workspace (or of the file named in
 * `policyFor`). Reports work-done progress; the client's cancel aborts every socket.
 */
export class EndpointProber {
  constructor(
    private readonly settings: SettingsCache,
    private readonly policies: PolicyResolver,
    private readonly host: Host,
    private readonly folders: () => readonly string[],
    /** The workspace's manifest index (built on first need), for "compare with config". */
    private readonly kubeIndex?: () => Promise<KubeIndex>,
    /** Open editors' text by path (wins over the disk). */
    private readonly openText?: (path: string) => string | undefined,
  ) {}

  async run(raw: unknown, progress: WorkDoneProgressReporter, token: CancellationToken): Promise<ProbeCommandResult> {
    const params = (raw && typeof raw === 'object' ? raw : {}) as Partial<ProbeParams>;
    if (typeof params.target !== 'string') return { ok: false, cancelled: false, error: 'no endpoint given (host[:port])' };
    let target: ProbeTarget;
    try {
      target = parseTarget(params.target);
    } catch (e) {
      return { ok: false, cancelled: false, error: e instanceof Error ? e.message : String(e), code: 'usage' };
    }
    if (typeof params.sni === 'string' && params.sni) target.sni = params.sni;
    if (typeof params.connectTo === 'string' && params.connectTo) target.connectTo = params.connectTo;
    const starttls = typeof params.starttls === 'string' && params.starttls ? parseStarttlsName(params.starttls) : undefined;
    if (typeof params.starttls === 'string' && params.starttls && !starttls) {
      return { ok: false, cancelled: false, error: `starttls must be one of ${PROTOCOL_OPTION_NAMES.join(', ')} (got "${params.starttls}")`, code: 'usage' };
    }
    if (starttls || !target.protocolChosenBy) Object.assign(target, chooseProtocol(target.port, starttls));

    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    progress.begin(`TLS Lens: probing ${params.target}`, 0, 'connecting…', true);
    try {
      const options: ProbeOptions = {
        timeoutMs: positive(params.timeoutMs) ?? DEFAULT_PROBE_OPTIONS.timeoutMs,
        concurrency: positive(params.concurrency) ?? DEFAULT_PROBE_OPTIONS.concurrency,
        ...(positive(params.deadlineMs) ? { deadlineMs: positive(params.deadlineMs) } : {}),
        signal: ac.signal,
        onProgress: (phase, fraction) => progress.report(Math.round(fraction * 100), phase),
      };
      if (params.caFile) options.extraCaPem = await readPem(params.caFile, 'CA file');
      if (params.clientCertFile || params.clientKeyFile) {
        if (!params.clientCertFile || !params.clientKeyFile) return { ok: false, cancelled: false, error: 'a client certificate needs both the certificate and the key file', code: 'usage' };
        options.clientCertPem = await readPem(params.clientCertFile, 'client certificate');
        options.clientKeyPem = await readPem(params.clientKeyFile, 'client key');
        const problem = clientKeyProblem(options.clientKeyPem);
        if (problem) return { ok: false, cancelled: false, error: `the client key ${params.clientKeyFile}: ${problem}`, code: 'usage' };
      }
      const policyFile = params.policyFor ? uriToPath(params.policyFor) : path.join(this.folders()[0] ?? process.cwd(), '.tls-lens-probe');
      const folder = this.policies.folderOf(policyFile);
      const { policy } = await this.policies.resolve(policyFile, await this.settings.get(pathToUri(folder ?? path.dirname(policyFile))));
      const result = await probeEndpoint(target, options, params.scan === false ? { scan: false } : {});
      let report = buildProbeReport(result, policy, this.host.now());
      const folders = this.folders();
      if (params.compareWithConfig !== false && folders.length && !ac.signal.aborted) {
        progress.report(100, 'comparing with the configuration…');
        const sources = await collectConfigSources(this.host, folders, {
          maxFileBytes: policy.maxFileSizeBytes,
          ...(this.kubeIndex ? { kube: await this.kubeIndex() } : {}),
          isCancelled: () => ac.signal.aborted,
        });
        if (policy.nginxVersion !== undefined) sources.nginxVersion = policy.nginxVersion;
        sources.pathMappings = policy.pathMappings;
        if (this.openText) sources.text = this.openText;
        report = mapConfigFiles(await compareWithConfig(report, result, sources, policy), (f) => ({ file: f, uri: pathToUri(f) }));
      }
      return { ok: true, report };
    } catch (e) {
      if (e instanceof ProbeError) return { ok: false, cancelled: e.code === 'cancelled', error: e.message, code: e.code };
      throw e;
    } finally {
      sub.dispose();
      progress.done();
    }
  }
}

function positive(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : undefined;
}

/** Reads a PEM file the client named; the content is never logged (a key file among them). */
async function readPem(file: string, what: string): Promise<string> {
  try {
    return await readFile(file.startsWith('file:') ? uriToPath(file) : file, 'utf8');
  } catch (e) {
    throw new ProbeError('protocol', `cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

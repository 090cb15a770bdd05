/**
 * One probe of one endpoint: the raw scan (versions, suites, groups — independent of the
 * local TLS library) and the full node:tls handshake run at the same time, within one
 * concurrency budget, one timeout per connection and one abort signal. The scan step is
 * `scan/`'s scanEndpoint unless the caller passes another (`steps.scan`) or none (`false`:
 * the handshake alone, e.g. for a quick look).
 */
import { fullHandshake, probeSecureContext, type HandshakeOutcome } from './handshake';
import { findServedCertificates } from './keyTypes';
import { checkClientRenegotiation } from './renegotiation';
import { scanEndpoint } from './scan';
import { targetLabel } from './errors';
import { chooseProtocol, SCHEMES } from './starttls/ports';
import { ProbeError, type ProbeOptions, type ProbeResult, type ProbeTarget, type ScanResult } from './types';

export type ScanStep = (target: ProbeTarget, options: ProbeOptions) => Promise<ScanResult>;

export const DEFAULT_PROBE_OPTIONS: Readonly<Pick<ProbeOptions, 'timeoutMs' | 'concurrency'>> = { timeoutMs: 5000, concurrency: 8 };

/** Errors after which nothing can be learnt from this endpoint: the probe itself fails. */
const FATAL = new Set(['refused', 'dns', 'timeout', 'deadline', 'cancelled', 'not-tls', 'reset', 'closed', 'starttls']);

export interface ProbeSteps {
  scan?: ScanStep | false;
}

export async function probeEndpoint(target: ProbeTarget, options: ProbeOptions, steps: ProbeSteps = {}): Promise<ProbeResult> {
  const started = Date.now();
  const t0 = performance.now();
  if (options.signal?.aborted) throw new ProbeError('cancelled', `${targetLabel(target.host, target.port)}: the probe was cancelled`);
  const errors: ProbeResult['errors'] = [];
  // One instant for every part: the scan and the handshake stop at the same deadline.
  if (options.deadlineMs && options.deadlineAt === undefined) options = { ...options, deadlineAt: Date.now() + options.deadlineMs };
  const scan = steps.scan === false ? undefined : (steps.scan ?? scanEndpoint);
  // The handshake opens one connection at a time; the scan gets the rest of the budget.
  let scanFraction = 0;
  let handshakeDone = false;
  const progress = (): void => options.onProgress?.(handshakeDone ? (scan ? 'scanning' : 'done') : 'handshake', scan ? 0.8 * scanFraction + (handshakeDone ? 0.2 : 0) : handshakeDone ? 1 : 0);
  const scanOptions: ProbeOptions = {
    ...options,
    concurrency: Math.max(1, options.concurrency - 1),
    onProgress: (_phase, fraction) => {
      scanFraction = fraction;
      progress();
    },
  };
  progress();
  const context = probeSecureContext(options);
  // The handshake's lane: the full handshake, then the client-initiated renegotiation check.
  const handshakeP: Promise<HandshakeOutcome> = fullHandshake(target, options, context)
    .then(async (out) => {
      const more = async (what: string, phase: string, run: () => Promise<void>): Promise<void> => {
        try {
          await run();
        } catch (e) {
          if (e instanceof ProbeError && e.code === 'cancelled') throw e;
          if (e instanceof ProbeError && e.code === 'deadline') (out.notReached ??= []).push(what);
          else out.errors.push({ phase, message: messageOf(e) });
        }
      };
      await more('client-initiated renegotiation', 'renegotiation', async () => {
        const reneg = await checkClientRenegotiation(target, options);
        if (reneg) out.handshake.clientRenegotiation = reneg;
      });
      await more('the certificates by key type', 'certificates', async () => {
        const served = await findServedCertificates(target, options);
        if (served.length) out.handshake.servedCertificates = served;
      });
      return out;
    })
    .finally(() => {
      handshakeDone = true;
      progress();
    });
  const scanP: Promise<ScanResult> | undefined = scan?.(target, scanOptions);
  const [hs, sc] = await Promise.allSettled([handshakeP, scanP ?? Promise.resolve(undefined)]);
  if (options.signal?.aborted) throw new ProbeError('cancelled', `${targetLabel(target.host, target.port)}: the probe was cancelled`);

  const result: ProbeResult = { target, startedAt: new Date(started).toISOString(), durationMs: 0, errors };
  if (options.deadlineMs) result.deadlineMs = options.deadlineMs;
  const notReached: string[] = [];
  if (hs.status === 'fulfilled') {
    result.handshake = hs.value.handshake;
    if (hs.value.address) result.address = hs.value.address;
    errors.push(...hs.value.errors);
    notReached.push(...(hs.value.notReached ?? []));
  }
  if (sc.status === 'fulfilled' && sc.value) {
    result.scan = sc.value;
    notReached.unshift(...(sc.value.notReached ?? []));
  }
  if (!scan) errors.push({ phase: 'scan', message: 'the raw scan was not asked for: versions and suites were not enumerated' });
  const scanError = sc.status === 'rejected' ? (sc.reason instanceof ProbeError ? sc.reason : new ProbeError('protocol', messageOf(sc.reason))) : undefined;
  if (scanError?.code === 'deadline') notReached.unshift(...(scanError.notReached ?? ['the raw scan']));
  else if (scanError) errors.push({ phase: 'scan', message: scanError.message });
  if (hs.status === 'rejected') {
    const e = hs.reason instanceof ProbeError ? hs.reason : new ProbeError('protocol', messageOf(hs.reason));
    if (e.code === 'deadline') notReached.push('the full handshake (TLS 1.3 chain, trust, name, ALPN, OCSP staple, resumption, HSTS)');
    // Nothing to show, or nothing answered at all: the probe fails with the handshake's reason
    // (or the scan's, when the deadline ended it: that one says what was not reached).
    if (!result.scan || e.code === 'cancelled' || (FATAL.has(e.code) && !result.scan.versions.some((v) => v.accepted))) {
      let fatal = scanError?.code === 'deadline' && e.code !== 'cancelled' ? scanError : e;
      // The raw scan read the answer byte by byte: it quotes what a server that is not TLS said,
      // and says more about a close or a reset.
      if (scanError?.code === 'not-tls' && e.code === 'not-tls') fatal = scanError;
      else if (scanError && fatal === e && (e.code === 'closed' || e.code === 'reset') && scanError.message !== e.message) {
        fatal = new ProbeError(e.code, `${e.message}; the raw scan: ${scanError.message}`);
      }
      if (fatal.code === 'deadline' || notReached.length) fatal.notReached = [...new Set(notReached)];
      throw fatal;
    }
    errors.push({ phase: 'handshake', message: e.message });
  }
  if (notReached.length) result.notReached = [...new Set(notReached)];
  result.durationMs = Math.round(performance.now() - t0);
  return result;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Parses `host`, `host:port`, `[v6]:port`, `v6` (no port), `https://host[:port]/…`, and
 * `scheme://host[:port]` for the protocols of `starttls/ports.ts` (`smtp://`, `imaps://`,
 * `ldap://`, `postgres://` …: their default port, and the upgrade or implicit TLS they speak).
 * Throws ProbeError('dns') on nonsense.
 */
export function parseTarget(input: string, defaultPort = 443): ProbeTarget {
  let s = input.trim();
  let scheme: (typeof SCHEMES)[string] | undefined;
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s);
  if (m) {
    const name = m[1]!.toLowerCase();
    scheme = name === 'http' ? SCHEMES.https : SCHEMES[name];
    if (!scheme) throw new ProbeError('dns', `"${input}": TLS Lens does not know the scheme ${name}:// (known: ${Object.keys(SCHEMES).join(', ')})`);
    s = s.slice(m[0].length);
    defaultPort = scheme.port;
  }
  s = s.replace(/^[^@/]*@/, '').replace(/[/?#].*$/, '');
  let host = s;
  let port = defaultPort;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    host = v6[1]!;
    if (v6[2]) port = Number(v6[2]);
  } else if ((s.match(/:/g) ?? []).length === 1) {
    const i = s.lastIndexOf(':');
    host = s.slice(0, i);
    port = Number(s.slice(i + 1));
  }
  if (!host || /\s/.test(host) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ProbeError('dns', `"${input}" is not host[:port] (e.g. example.com, example.com:8443, [2001:db8::1]:443, smtp://mail.example.com)`);
  }
  const target: ProbeTarget = { host, port };
  const opt = scheme?.option;
  if (opt && opt !== 'none' && !('implicit' in opt && opt.implicit === 'http')) Object.assign(target, chooseProtocol(port, opt));
  return target;
}

/**
 * The raw scanner: ClientHellos on plain sockets, so what a server accepts is learnt whatever
 * the local TLS library can do (BoringSSL in Electron cannot offer SSLv3, RC4, 3DES, export
 * or DHE suites). From the answers: the versions accepted, every accepted suite per version
 * (elimination: offer all, remove the chosen one, repeat), whether the server imposes its own
 * order, the named groups (TLS 1.3 through HelloRetryRequest, TLS ≤ 1.2 through the
 * ServerKeyExchange curve), the TLS ≤ 1.2 certificate chain, secure renegotiation (RFC 5746),
 * fallback SCSV (RFC 7507) and the DH group size.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { PROTOCOL_CODES, ProbeError, type ProbeOptions, type ProbeTarget, type ProtocolVersion, type ScanResult, type VersionScan } from '../types';
import { buildClientHello, makeKeyShareKeys, type ClientHelloSpec, type KeyShareKeys } from './clientHello';
import { exchange, type Endpoint, type Exchange } from './connection';
import { ALERT_INAPPROPRIATE_FALLBACK, GROUPS, TLS13_SUITES, suiteByCode, suitesFor, versionName } from './constants';
import type { Flight } from './serverFlight';

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CONCURRENCY = 8;

/** Versions in the order they are reported (highest first). */
export const SCAN_VERSIONS: readonly ProtocolVersion[] = ['TLSv1.3', 'TLSv1.2', 'TLSv1.1', 'TLSv1', 'SSLv3'];

const hex4 = (n: number): string => '0x' + n.toString(16).toUpperCase().padStart(4, '0');

/** Runs at most `limit` tasks at once. */
class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** What one version's first ClientHello told. */
interface VersionProbe {
  version: ProtocolVersion;
  flight?: Flight;
  refusal?: string;
  /** How it was refused, to pick the error when nothing at all is accepted. */
  failure?: 'alert' | 'closed' | 'reset' | 'timeout' | 'other-version';
}

async function resolveEndpoint(target: ProbeTarget, signal: AbortSignal): Promise<Endpoint> {
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) throw new ProbeError('protocol', `invalid port ${target.port}`);
  const name = target.connectTo ?? target.host;
  if (isIP(name)) return { address: name, port: target.port, family: target.family };
  try {
    const r = await lookup(name, { family: target.family ?? 0 });
    if (signal.aborted) throw new ProbeError('cancelled', 'the probe was cancelled');
    return { address: r.address, port: target.port, family: r.family === 6 ? 6 : 4 };
  } catch (e) {
    if (e instanceof ProbeError) throw e;
    throw new ProbeError('dns', `cannot resolve ${name} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * Scans an endpoint with raw ClientHellos. Rejects only with a ProbeError: refused, dns,
 * timeout or reset when no version could be tested at all, not-tls or protocol when the
 * server's answers break TLS, cancelled on `options.signal`.
 */
export async function scanEndpoint(target: ProbeTarget, options: Partial<ProbeOptions> = {}): Promise<ScanResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limiter = new Limiter(Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY)));
  // One controller for the whole scan: the caller's cancel, or the first fatal error, stops every connection.
  const ctl = new AbortController();
  const onOuterAbort = (): void => ctl.abort();
  if (options.signal?.aborted) throw new ProbeError('cancelled', 'the probe was cancelled');
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = ctl.signal;

  let planned = 5;
  let finished = 0;
  let lastFraction = 0;
  let phase = 'versions';
  const progress = (): void => {
    if (!options.onProgress) return;
    const f = Math.min(0.99, Math.max(lastFraction, finished / Math.max(planned, finished + 1)));
    lastFraction = f;
    try {
      options.onProgress(phase, f);
    } catch {
      // A failing progress callback must not break the scan.
    }
  };

  try {
    const endpoint = await resolveEndpoint(target, signal);
    const serverName = target.sni ?? (isIP(target.host) ? undefined : target.host);
    const keys: KeyShareKeys = makeKeyShareKeys();
    const tls13Groups = GROUPS.filter((g) => g.tls13).map((g) => g.code);
    const ecGroups = GROUPS.filter((g) => g.ec).map((g) => g.code);

    // TLS 1.3 answers end at the ServerHello / HelloRetryRequest; TLS ≤ 1.2 ones are read to
    // ServerHelloDone (certificate chain, ServerKeyExchange).
    const send = (spec: Omit<ClientHelloSpec, 'serverName' | 'groups'> & { groups?: readonly number[] }): Promise<Exchange> =>
      limiter.run(async () => {
        if (signal.aborted) throw new ProbeError('cancelled', 'the probe was cancelled');
        const groups = spec.groups ?? (spec.version === 'TLSv1.3' ? tls13Groups : ecGroups);
        const hello = buildClientHello({ ...spec, groups, serverName });
        try {
          return await exchange(endpoint, hello, { timeoutMs, signal, stopAtHello: spec.version === 'TLSv1.3' });
        } finally {
          finished++;
          progress();
        }
      });
    const x25519Share = [{ group: 0x001d, key: keys.x25519 }];

    /** The chosen suite must be one we offered (else the server is broken). */
    const checkOffered = (flight: Flight, offered: readonly number[]): void => {
      const s = flight.hello?.suite;
      if (s !== undefined && !offered.includes(s)) throw new ProbeError('protocol', `the server chose cipher suite ${hex4(s)}, which was not offered`);
    };

    // 1. One ClientHello per version, all at once.
    const probeVersion = async (version: ProtocolVersion): Promise<VersionProbe> => {
      const offered = suitesFor(version);
      let ex: Exchange;
      try {
        ex = await send({ version, suites: offered, keyShares: x25519Share });
      } catch (e) {
        if (e instanceof ProbeError && e.code === 'timeout') return { version, refusal: e.message, failure: 'timeout' };
        throw e;
      }
      if (ex.kind === 'closed') return { version, refusal: ex.reset ? 'connection reset' : 'connection closed', failure: ex.reset ? 'reset' : 'closed' };
      const f = ex.flight;
      if (f.alert) return { version, refusal: `alert ${f.alert.name}`, failure: 'alert' };
      const h = f.hello!;
      if (h.version > PROTOCOL_CODES[version]) throw new ProbeError('protocol', `the server answered ${version} with a higher version (${versionName(h.version)})`);
      if (h.version !== PROTOCOL_CODES[version]) return { version, refusal: `the server chose ${versionName(h.version)}`, failure: 'other-version' };
      checkOffered(f, offered);
      return { version, flight: f };
    };
    const probes = await Promise.all(SCAN_VERSIONS.map(probeVersion));
    const accepted = probes.filter((p) => p.flight);
    if (accepted.length === 0) {
      const kinds = new Set(probes.map((p) => p.failure));
      if (!kinds.has('alert') && !kinds.has('other-version')) {
        if (kinds.size === 1 && kinds.has('timeout')) throw new ProbeError('timeout', probes[0]!.refusal ?? 'timed out');
        throw new ProbeError('reset', `${target.host}:${target.port} closed or reset every connection without a TLS answer`);
      }
    }

    // 2. Every accepted suite per version by elimination; groups; fallback SCSV — in parallel.
    phase = 'suites';
    planned += accepted.length * 8;
    const dhBits: number[] = [];
    const noteKx = (f: Flight): void => {
      if (f.keyExchange?.dhBits) dhBits.push(f.keyExchange.dhBits);
    };

    /** Sequential elimination over `offered`: offer, note the choice, remove it, repeat. */
    const eliminateFrom = async (version: ProtocolVersion, initial: readonly number[]): Promise<number[]> => {
      const chosen: number[] = [];
      let offered = [...initial];
      while (offered.length > 0) {
        const ex = await send({ version, suites: offered, keyShares: x25519Share });
        if (ex.kind === 'closed' || ex.flight.alert) break;
        const f = ex.flight;
        if (f.hello!.version !== PROTOCOL_CODES[version]) break;
        checkOffered(f, offered);
        noteKx(f);
        const s = f.hello!.suite;
        chosen.push(s);
        offered = offered.filter((x) => x !== s);
        planned++;
      }
      return chosen;
    };

    const eliminate = async (p: VersionProbe): Promise<VersionScan> => {
      const first = p.flight!;
      noteKx(first);
      const s0 = first.hello!.suite;
      const all = suitesFor(p.version);
      const rest = all.filter((s) => s !== s0);
      if (p.version === 'TLSv1.3' || rest.length < 32) {
        return { version: p.version, accepted: true, suites: [s0, ...(await eliminateFrom(p.version, rest))] };
      }
      // Whose order? Offer everything reversed: a server that picks by its own preference
      // chooses s0 again; one that follows the client picks another suite.
      const reversed = [...all].reverse();
      const ex = await send({ version: p.version, suites: reversed, keyShares: x25519Share });
      const f = ex.kind === 'flight' && ex.flight.hello && ex.flight.hello.version === PROTOCOL_CODES[p.version] ? ex.flight : undefined;
      if (f) {
        checkOffered(f, reversed);
        noteKx(f);
      }
      const c = f?.hello?.suite;
      if (c === undefined || c === s0) {
        // Server order (or a single suite): the order of choices is the server's, so one chain.
        const suites = [s0, ...(await eliminateFrom(p.version, rest))];
        return { version: p.version, accepted: true, suites, serverOrder: suites.length >= 2 ? true : undefined };
      }
      // Client order: the server takes the first acceptable suite of each offer, so the
      // elimination order is our offer order; the offer can be split and eliminated in parallel.
      const remaining = rest.filter((s) => s !== c);
      const chunks = Math.max(1, Math.min(Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY), Math.ceil(remaining.length / 24)));
      const size = Math.ceil(remaining.length / chunks);
      const parts = await Promise.all(Array.from({ length: chunks }, (_, i) => eliminateFrom(p.version, remaining.slice(i * size, (i + 1) * size))));
      const found = new Set([s0, c, ...parts.flat()]);
      const suites = all.filter((s) => found.has(s));
      return { version: p.version, accepted: true, suites, serverOrder: false };
    };

    const highestLegacy = accepted.find((p) => p.version !== 'TLSv1.3');
    const tls13 = accepted.find((p) => p.version === 'TLSv1.3');

    const groupTasks: Promise<string | undefined>[] = [];
    if (tls13) {
      for (const g of GROUPS.filter((x) => x.tls13)) {
        groupTasks.push(
          send({ version: 'TLSv1.3', suites: TLS13_SUITES, groups: [g.code], keyShares: g.code === 0x001d ? x25519Share : [] }).then((ex) => {
            if (ex.kind !== 'flight' || !ex.flight.hello) return undefined;
            return ex.flight.hello.version === PROTOCOL_CODES['TLSv1.3'] && ex.flight.hello.keyShareGroup === g.code ? g.name : undefined;
          }),
        );
      }
    }
    const ecdheSuites = highestLegacy ? suitesFor(highestLegacy.version).filter((s) => suiteByCode(s)?.kx === 'ECDH') : [];
    if (highestLegacy && ecdheSuites.length) {
      for (const g of GROUPS.filter((x) => x.ec && !(tls13 && x.tls13))) {
        groupTasks.push(
          send({ version: highestLegacy.version, suites: ecdheSuites, groups: [g.code] }).then((ex) => {
            if (ex.kind !== 'flight' || !ex.flight.hello) return undefined;
            return ex.flight.keyExchange?.namedCurve === g.code ? g.name : undefined;
          }),
        );
      }
    }
    planned += groupTasks.length;

    let fallbackTask: Promise<boolean | undefined> = Promise.resolve(undefined);
    if (accepted.length >= 2) {
      const lower = accepted[1]!.version;
      planned++;
      fallbackTask = send({ version: lower, suites: suitesFor(lower), keyShares: x25519Share, fallbackScsv: true }).then((ex) => {
        if (ex.kind === 'flight' && ex.flight.alert) return ex.flight.alert.description === ALERT_INAPPROPRIATE_FALLBACK ? true : undefined;
        if (ex.kind === 'flight' && ex.flight.hello) return false;
        return undefined;
      });
    }

    const [scans, groupNames, fallbackScsv] = await Promise.all([Promise.all(accepted.map(eliminate)), Promise.all(groupTasks), fallbackTask]);

    // 3. Server order: offer the accepted suites reversed; a server that picks by its own
    //    preference still chooses its first choice.
    phase = 'order';
    const unknownOrder = scans.filter((s) => s.suites.length >= 2 && s.serverOrder === undefined);
    planned += unknownOrder.length;
    await Promise.all(
      unknownOrder
        .map(async (s) => {
          const reversed = [...s.suites].reverse();
          const ex = await send({ version: s.version, suites: reversed, keyShares: x25519Share });
          if (ex.kind !== 'flight' || !ex.flight.hello) return;
          checkOffered(ex.flight, reversed);
          s.serverOrder = ex.flight.hello.suite !== reversed[0];
        }),
    );

    const versions: VersionScan[] = SCAN_VERSIONS.map((v) => {
      const scan = scans.find((s) => s.version === v);
      if (scan) return scan;
      const p = probes.find((x) => x.version === v);
      return { version: v, accepted: false, suites: [], refusal: p?.refusal };
    });
    const legacyFlight = highestLegacy?.flight;
    const groups = [...new Set(groupNames.filter((g): g is string => !!g))];
    // Named groups in GROUPS order (preference is not measured).
    groups.sort((a, b) => GROUPS.findIndex((g) => g.name === a) - GROUPS.findIndex((g) => g.name === b));
    const result: ScanResult = {
      versions,
      groups,
      chainDer: legacyFlight?.certificates ?? [],
      secureRenegotiation: legacyFlight ? legacyFlight.hello!.renegotiationInfo : undefined,
      fallbackScsv,
      dhBits: dhBits.length ? Math.min(...dhBits) : undefined,
    };
    phase = 'done';
    finished = planned;
    lastFraction = 1;
    try {
      options.onProgress?.('done', 1);
    } catch {
      // As above: progress never breaks the scan.
    }
    return result;
  } catch (e) {
    ctl.abort();
    if (options.signal?.aborted) throw new ProbeError('cancelled', 'the probe was cancelled');
    if (e instanceof ProbeError) throw e;
    throw new ProbeError('protocol', `scan failed: ${(e as Error).message}`);
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

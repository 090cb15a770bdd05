/**
 * The raw scanner: ClientHellos on plain sockets, so what a server accepts is learnt whatever
 * the local TLS library can do (BoringSSL in Electron cannot offer SSLv3, RC4, 3DES, export
 * or DHE suites). From the answers: the versions accepted, every accepted suite per version
 * (elimination: offer all, remove the chosen one, repeat), whether the server imposes its own
 * order, the named groups (TLS 1.3 through HelloRetryRequest, TLS ≤ 1.2 through the
 * ServerKeyExchange curve), the TLS ≤ 1.2 certificate chain, secure renegotiation (RFC 5746),
 * fallback SCSV (RFC 7507), the DH group size, and SSLv2 (its own hello format, sslv2.ts).
 * A server that refuses the hello offering every suite but answers short ones is scanned
 * with short hellos (`SHORT_HELLO_SUITES` suites each), and the result says so.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Budget, DeadlineReached } from '../budget';
import { PROTOCOL_CODES, ProbeError, type ProbeOptions, type ProbeTarget, type ProtocolVersion, type ScanResult, type VersionScan, type VulnerabilityCheck } from '../types';
import { buildClientHello, makeKeyShareKeys, type ClientHelloSpec, type KeyShareKeys } from './clientHello';
import { ccsFollowUp, ccsUntil, judgeCcsInjection } from './ccsInjection';
import { COMPRESSION_OFFER, judgeCompression } from './compression';
import { converse, exchange, exchangeSsl2, type AfterRecord, type Conversation, type Endpoint, type Exchange, type Ssl2Exchange } from './connection';
import { heartbleedFollowUp, heartbleedUntil, judgeHeartbleed } from './heartbleed';
import { BOGUS_SIGNATURE_SCHEME, SIGNATURE_SCHEME_NAMES } from './signatureAlgorithms';
import type { Flight } from './serverFlight';
import { ALERT_INAPPROPRIATE_FALLBACK, GROUPS, TLS13_SUITES, suiteByCode, suitesFor, versionName } from './constants';
import { buildSsl2ClientHello } from './sslv2';

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CONCURRENCY = 8;

/** Versions in the order they are reported (highest first). */
export const SCAN_VERSIONS: readonly ProtocolVersion[] = ['TLSv1.3', 'TLSv1.2', 'TLSv1.1', 'TLSv1', 'SSLv3', 'SSLv2'];

/**
 * Suites per ClientHello once a server refused the full offer. Old servers and middleboxes
 * fail on more than 128 suites or on hellos above 255 bytes; 32 suites with the short group
 * list keep a hello under 256 bytes (no RFC 7685 padding needed).
 */
export const SHORT_HELLO_SUITES = 32;
const SHORT_GROUPS: readonly number[] = [0x001d, 0x0017, 0x0018, 0x0019];
/** Alerts that end an elimination normally: nothing acceptable is left in the offer (RFC 8446 §6.2). */
const NOTHING_ACCEPTABLE: ReadonlySet<number> = new Set([40, 71, 70]);
/** RFC 8446 §6.2 protocol_version: the usual answer to a version the server does not speak. */
const ALERT_PROTOCOL_VERSION = 70;
/** The first short hello after a refused full offer: suites most servers of any age accept (ECDHE/DHE/RSA with AES-GCM, ChaCha20, AES-CBC, 3DES, RC4). */
const COMMON_SUITES: readonly number[] = [
  0xc02f, 0xc030, 0xc02b, 0xc02c, 0xcca8, 0xcca9, 0xc013, 0xc014, 0xc009, 0xc00a, 0xc027, 0xc028, 0xc023, 0xc024, 0x009e, 0x009f,
  0x0033, 0x0039, 0x0067, 0x006b, 0x009c, 0x009d, 0x002f, 0x0035, 0x003c, 0x003d, 0x000a, 0x0016, 0xc012, 0x0005, 0x0004, 0xc011,
];

function chunk<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

const hex4 = (n: number): string => '0x' + n.toString(16).toUpperCase().padStart(4, '0');

/** Runs at most `limit` tasks at once. */
class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finished task hands its slot to the first waiter: a caller arriving in between cannot take it too.
    if (this.active >= this.limit) await new Promise<void>((r) => this.queue.push(r));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** What one version's first ClientHello told. */
interface VersionProbe {
  version: ProtocolVersion;
  flight?: Flight;
  refusal?: string;
  /** How it was refused, to pick the error when nothing at all is accepted. */
  failure?: 'alert' | 'closed' | 'reset' | 'timeout' | 'deadline' | 'other-version' | 'malformed';
  /** The alert's code when refused by an alert. */
  alert?: number;
  /** Accepted only with short hellos: the chunks offered and, per chunk, the first choice. */
  short?: { chunks: number[][]; firsts: (number | undefined)[]; offer: number[]; fullRefusal: string };
  /** SSLv2: the cipher kinds of the SERVER-HELLO. */
  ssl2Kinds?: number[];
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
  const budget = new Budget(options);
  /** What the deadline kept the scan from doing. */
  const notReached: string[] = [];
  const limiter = new Limiter(Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY)));
  // One controller for the whole scan: the caller's cancel, or the first fatal error, stops every connection.
  const ctl = new AbortController();
  const onOuterAbort = (): void => ctl.abort();
  if (options.signal?.aborted) throw new ProbeError('cancelled', 'the probe was cancelled');
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = ctl.signal;

  let planned = SCAN_VERSIONS.length;
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
    const upgrade = target.starttls ? { protocol: target.starttls, ...(serverName ? { serverName } : {}) } : undefined;
    const keys: KeyShareKeys = makeKeyShareKeys();
    const tls13Groups = GROUPS.filter((g) => g.tls13).map((g) => g.code);
    const ecGroups = GROUPS.filter((g) => g.ec).map((g) => g.code);

    // TLS 1.3 answers end at the ServerHello / HelloRetryRequest; TLS ≤ 1.2 ones are read to
    // ServerHelloDone (certificate chain, ServerKeyExchange).
    const send = (spec: Omit<ClientHelloSpec, 'serverName' | 'groups'> & { groups?: readonly number[]; short?: boolean }): Promise<Exchange> =>
      limiter.run(async () => {
        if (signal.aborted) throw new ProbeError('cancelled', 'the probe was cancelled');
        budget.check();
        const groups = spec.groups ?? (spec.short ? SHORT_GROUPS : spec.version === 'TLSv1.3' ? tls13Groups : ecGroups);
        const hello = buildClientHello({ ...spec, groups, serverName });
        try {
          return await exchange(endpoint, hello, { timeoutMs: budget.timeout(timeoutMs), signal, stopAtHello: spec.version === 'TLSv1.3', upgrade });
        } catch (e) {
          throw budget.translate(e);
        } finally {
          finished++;
          progress();
        }
      });
    const x25519Share = [{ group: 0x001d, key: keys.x25519 }];
    /** A hello, its flight, a follow-up and what the server does next (vulnerability checks), under the same limits as `send`. */
    const talk = (
      spec: Omit<ClientHelloSpec, 'serverName' | 'groups'> & { short?: boolean },
      next: (f: Flight) => Uint8Array | undefined,
      until: (r: AfterRecord) => boolean,
    ): Promise<Conversation> =>
      limiter.run(async () => {
        if (signal.aborted) throw new ProbeError('cancelled', 'the probe was cancelled');
        budget.check();
        const hello = buildClientHello({ ...spec, groups: spec.short ? SHORT_GROUPS : ecGroups, serverName });
        try {
          return await converse(endpoint, hello, { timeoutMs: budget.timeout(timeoutMs), signal, upgrade }, next, until);
        } catch (e) {
          throw budget.translate(e);
        } finally {
          finished++;
          progress();
        }
      });
    /** Hellos the deadline stopped, per part of the scan ("groups" …), for `notReached`. */
    const missed = new Map<string, { missed: number; of: number }>();
    /** `send`, or undefined when the deadline stops it (counted under `part`). */
    const sendUnlessLate = async (part: string, spec: Parameters<typeof send>[0]): Promise<Exchange | undefined> => {
      const m = missed.get(part) ?? { missed: 0, of: 0 };
      missed.set(part, m);
      m.of++;
      try {
        return await send(spec);
      } catch (e) {
        if (!(e instanceof DeadlineReached)) throw e;
        m.missed++;
        return undefined;
      }
    };

    /** The chosen suite must be one we offered (else the server is broken). */
    const checkOffered = (flight: Flight, offered: readonly number[]): void => {
      const s = flight.hello?.suite;
      if (s !== undefined && !offered.includes(s)) throw new ProbeError('protocol', `the server chose cipher suite ${hex4(s)}, which was not offered`);
    };

    // 1. One ClientHello per version, all at once.
    const offerOnce = async (version: ProtocolVersion, offered: number[], short: boolean): Promise<VersionProbe> => {
      let ex: Exchange;
      try {
        ex = await send({ version, suites: offered, keyShares: x25519Share, short });
      } catch (e) {
        if (e instanceof DeadlineReached) return { version, refusal: 'not tested: the deadline passed', failure: 'deadline' };
        if (e instanceof ProbeError && e.code === 'timeout') return { version, refusal: e.message, failure: 'timeout' };
        throw e;
      }
      if (ex.kind === 'closed') return { version, refusal: ex.reset ? 'connection reset' : 'connection closed', failure: ex.reset ? 'reset' : 'closed' };
      const f = ex.flight;
      if (f.alert) return { version, refusal: `alert ${f.alert.name}`, failure: 'alert', alert: f.alert.description };
      const h = f.hello!;
      if (h.version > PROTOCOL_CODES[version]) throw new ProbeError('protocol', `the server answered ${version} with a higher version (${versionName(h.version)})`);
      if (h.version !== PROTOCOL_CODES[version]) return { version, refusal: `the server chose ${versionName(h.version)}`, failure: 'other-version' };
      checkOffered(f, offered);
      return { version, flight: f };
    };
    /**
     * The full offer was reset, closed, timed out or drew an alert other than
     * protocol_version: offer the suites in short hellos, all at once. Accepted if any chunk is.
     */
    const probeShort = async (version: ProtocolVersion, full: VersionProbe, offered: number[]): Promise<VersionProbe | undefined> => {
      const chunks = chunk(offered, SHORT_HELLO_SUITES);
      const answers = await Promise.all(chunks.map((c) => offerOnce(version, c, true)));
      const i = answers.findIndex((a) => a.flight);
      if (i < 0) return undefined;
      const bytes = buildClientHello({ version, suites: offered, groups: version === 'TLSv1.3' ? tls13Groups : ecGroups, serverName, keyShares: x25519Share }).length;
      return {
        version,
        flight: answers[i]!.flight,
        short: {
          chunks,
          firsts: answers.map((a) => a.flight?.hello?.suite),
          offer: chunks[i]!,
          fullRefusal: `${version}: ${full.refusal ?? 'refused'} on a ClientHello of ${offered.length} suites (${bytes} bytes)`,
        },
      };
    };
    /**
     * A refusal that may be about the hello's size, not the version: a reset, close or timeout
     * (timeouts only when the server answered something else), or an alert other than
     * protocol_version. One short hello of common suites decides: the same answer means the
     * size is not the cause; anything else, the suites are offered in short hellos.
     */
    const retryShort = async (full: VersionProbe, answered: boolean): Promise<VersionProbe> => {
      const version = full.version;
      const offered = suitesFor(version);
      if (full.flight || version === 'SSLv2' || offered.length <= SHORT_HELLO_SUITES) return full;
      if (full.failure === 'other-version' || full.failure === 'malformed' || full.failure === 'deadline' || full.alert === ALERT_PROTOCOL_VERSION) return full;
      if (full.failure === 'timeout' && !answered) return full;
      const common = COMMON_SUITES.filter((s) => offered.includes(s));
      const probe = await offerOnce(version, common, true);
      if (probe.failure === 'deadline') {
        notReached.push(`${version}: the retry with short hellos after "${full.refusal ?? 'a refusal'}"`);
        return full;
      }
      if (!probe.flight && probe.failure === full.failure && probe.alert === full.alert) return full;
      // Refused however it is offered: the short hello's answer is the one to report.
      return (await probeShort(version, full, offered)) ?? { ...probe, short: undefined };
    };
    /** SSLv2: one CLIENT-HELLO; whatever is not a SERVER-HELLO is a refusal, never a scan failure. */
    const probeSsl2 = (): Promise<VersionProbe> =>
      limiter.run(async () => {
        if (signal.aborted) throw new ProbeError('cancelled', 'the probe was cancelled');
        const version: ProtocolVersion = 'SSLv2';
        let ex: Ssl2Exchange;
        try {
          budget.check();
          ex = await exchangeSsl2(endpoint, buildSsl2ClientHello(), { timeoutMs: budget.timeout(timeoutMs), signal, upgrade });
        } catch (raw) {
          const e = budget.translate(raw);
          if (e instanceof DeadlineReached) return { version, refusal: 'not tested: the deadline passed', failure: 'deadline' };
          if (!(e instanceof ProbeError) || e.code === 'cancelled' || e.code === 'refused' || e.code === 'dns') throw e;
          return { version, refusal: e.message, failure: e.code === 'timeout' ? 'timeout' : 'malformed' };
        } finally {
          finished++;
          progress();
        }
        if (ex.kind === 'closed') return { version, refusal: ex.reset ? 'connection reset' : 'connection closed', failure: ex.reset ? 'reset' : 'closed' };
        const a = ex.answer;
        switch (a.kind) {
          case 'server-hello':
            return { version, ssl2Kinds: a.hello.cipherKinds };
          case 'ssl2-error':
            return { version, refusal: `SSLv2 ${a.name}`, failure: 'alert' };
          case 'tls-alert':
            return { version, refusal: `alert ${a.name}`, failure: 'alert' };
          default:
            return { version, refusal: 'the server answered with TLS', failure: 'other-version' };
        }
      });
    // SSLv2 runs beside everything else, awaited last: a server that lets its hello time out
    // costs no time of its own.
    const ssl2P = probeSsl2();
    ssl2P.catch(() => undefined);
    const fulls = await Promise.all(SCAN_VERSIONS.filter((v) => v !== 'SSLv2').map((v) => offerOnce(v, suitesFor(v), false)));
    const answered = fulls.some((p) => p.flight || p.failure === 'alert' || p.failure === 'other-version');
    const probes = await Promise.all(fulls.map((p) => retryShort(p, answered)));
    const accepted = probes.filter((p) => p.flight);
    for (const p of probes) if (p.failure === 'deadline') notReached.push(`${p.version}: not tested`);
    if (accepted.length === 0 && !(await ssl2P).ssl2Kinds) {
      const kinds = new Set(probes.map((p) => p.failure));
      if (!kinds.has('alert') && !kinds.has('other-version')) {
        if (kinds.has('deadline') && [...kinds].every((k) => k === 'deadline' || k === 'timeout')) {
          const err = new ProbeError('deadline', `${target.host}:${target.port}: the deadline of ${budget.ms} ms passed before any ClientHello was answered (${probes.find((p) => p.failure === 'timeout')?.refusal ?? 'no answer'})`);
          const ssl2 = await ssl2P;
          err.notReached = [...notReached, ...(ssl2.failure === 'deadline' ? ['SSLv2: not tested'] : [])];
          throw err;
        }
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
    const refusalKey = (ex: Exchange | undefined): string => (!ex ? 'none' : ex.kind === 'closed' ? (ex.reset ? 'reset' : 'closed') : ex.flight.alert ? `alert ${ex.flight.alert.description}` : 'hello');
    /** How the server answers a hello offering only a GREASE suite (RFC 8701), which no server accepts: once per version, when needed. */
    const nothingAcceptableOf = new Map<ProtocolVersion, Promise<string>>();
    const nothingAcceptable = (version: ProtocolVersion, short: boolean): Promise<string> => {
      let p = nothingAcceptableOf.get(version);
      if (!p) {
        p = sendUnlessLate(`${version} refusal of an empty offer`, { version, suites: [0x0a0a], keyShares: x25519Share, short }).then(refusalKey, () => 'error');
        nothingAcceptableOf.set(version, p);
      }
      return p;
    };
    /** Per version, suites the server fails on when it picks them (it closes, resets or sends an odd alert). */
    const breaksOn = new Map<ProtocolVersion, number[]>();
    /**
     * Sequential elimination over `offered`: offer, note the choice, remove it, repeat, until
     * the server refuses with handshake_failure (nothing acceptable left). A close, a reset or
     * another alert instead means the server failed on the suite it picked (dovecot closes on a
     * DHE suite without DH parameters): the offer is split in two and each half eliminated, so
     * the suites after the broken one are still found and the broken one is named.
     */
    const eliminateFrom = async (version: ProtocolVersion, initial: readonly number[], short = false, depth = 0): Promise<number[]> => {
      const chosen: number[] = [];
      let offered = [...initial];
      while (offered.length > 0) {
        let ex: Exchange;
        try {
          ex = await send({ version, suites: offered, keyShares: x25519Share, short });
        } catch (e) {
          if (!(e instanceof DeadlineReached)) throw e;
          notReached.push(`${version}: ${offered.length} suite(s) not yet eliminated`);
          break;
        }
        if (ex.kind === 'closed' || ex.flight.alert) {
          if (ex.kind === 'flight' && NOTHING_ACCEPTABLE.has(ex.flight.alert!.description)) break;
          // The same answer as to an offer of nothing it knows: the server's way of saying none is left.
          if (refusalKey(ex) === (await nothingAcceptable(version, short))) break;
          if (offered.length === 1) {
            breaksOn.set(version, [...(breaksOn.get(version) ?? []), offered[0]!]);
            break;
          }
          if (depth >= 12) break;
          const half = Math.ceil(offered.length / 2);
          const [a, b] = await Promise.all([eliminateFrom(version, offered.slice(0, half), short, depth + 1), eliminateFrom(version, offered.slice(half), short, depth + 1)]);
          chosen.push(...a, ...b);
          break;
        }
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
      if (p.short) {
        // Each chunk on its own, from its first choice on; then the server's order across
        // chunks by one more elimination over what was found, when that fits in one hello.
        const { chunks, firsts } = p.short;
        const parts = await Promise.all(
          chunks.map(async (c, i) => {
            const f = firsts[i];
            return f === undefined ? [] : [f, ...(await eliminateFrom(p.version, c.filter((x) => x !== f), true))];
          }),
        );
        const found = parts.flat();
        let suites = all.filter((s) => found.includes(s));
        if (found.length >= 2 && found.length <= SHORT_HELLO_SUITES) {
          const ordered = await eliminateFrom(p.version, suites, true);
          suites = [...ordered, ...suites.filter((s) => !ordered.includes(s))];
        }
        return { version: p.version, accepted: true, suites };
      }
      const rest = all.filter((s) => s !== s0);
      if (p.version === 'TLSv1.3' || rest.length < 32) {
        return { version: p.version, accepted: true, suites: [s0, ...(await eliminateFrom(p.version, rest))] };
      }
      // Whose order? Offer everything reversed: a server that picks by its own preference
      // chooses s0 again; one that follows the client picks another suite.
      const reversed = [...all].reverse();
      const ex = await sendUnlessLate(`${p.version} server order`, { version: p.version, suites: reversed, keyShares: x25519Share });
      if (!ex) return { version: p.version, accepted: true, suites: [s0] };
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
    const scanOf = new Map(accepted.map((p) => [p.version, eliminate(p)] as const));

    const groupTasks: Promise<string | undefined>[] = [];
    if (tls13) {
      for (const g of GROUPS.filter((x) => x.tls13)) {
        groupTasks.push(
          sendUnlessLate('groups', { version: 'TLSv1.3', suites: TLS13_SUITES, groups: [g.code], keyShares: g.code === 0x001d ? x25519Share : [] }).then((ex) => {
            if (!ex || ex.kind !== 'flight' || !ex.flight.hello) return undefined;
            return ex.flight.hello.version === PROTOCOL_CODES['TLSv1.3'] && ex.flight.hello.keyShareGroup === g.code ? g.name : undefined;
          }),
        );
      }
    }
    const isEcdhe = (s: number): boolean => suiteByCode(s)?.kx === 'ECDH';
    const ecdheSuites = highestLegacy ? suitesFor(highestLegacy.version).filter(isEcdhe) : [];
    if (highestLegacy && ecdheSuites.length) {
      // With short hellos: the ECDHE suites the server accepted, once they are known.
      const offer: Promise<number[]> =
        highestLegacy.short
          ? scanOf.get(highestLegacy.version)!.then((v) => v.suites.filter(isEcdhe).slice(0, SHORT_HELLO_SUITES))
          : Promise.resolve(ecdheSuites);
      const short = !!highestLegacy.short;
      for (const g of GROUPS.filter((x) => x.ec && !(tls13 && x.tls13))) {
        groupTasks.push(
          offer.then(async (suites) => {
            if (!suites.length) return undefined;
            const ex = await sendUnlessLate('groups', { version: highestLegacy.version, suites, groups: [g.code], short });
            if (!ex || ex.kind !== 'flight' || !ex.flight.hello) return undefined;
            return ex.flight.keyExchange?.namedCurve === g.code ? g.name : undefined;
          }),
        );
      }
    }
    planned += groupTasks.length;

    let fallbackTask: Promise<boolean | undefined> = Promise.resolve(undefined);
    if (accepted.length >= 2) {
      const lowerProbe = accepted[1]!;
      const lower = lowerProbe.version;
      planned++;
      const offer = lowerProbe.short?.offer ?? suitesFor(lower);
      fallbackTask = sendUnlessLate('fallback SCSV', { version: lower, suites: offer, keyShares: x25519Share, fallbackScsv: true, short: !!lowerProbe.short }).then((ex) => {
        if (!ex) return undefined;
        if (ex.kind === 'flight' && ex.flight.alert) return ex.flight.alert.description === ALERT_INAPPROPRIATE_FALLBACK ? true : undefined;
        if (ex.kind === 'flight' && ex.flight.hello) return false;
        return undefined;
      });
    }

    // Signature schemes, one at a time, for TLS 1.3 and 1.2 (signature_algorithms exists from TLS 1.2 on).
    const sigVersions = accepted.filter((p) => p.version === 'TLSv1.3' || p.version === 'TLSv1.2');
    const sigTask = Promise.all(
      sigVersions.map(async (p) => {
        const suites = p.short?.offer ?? suitesFor(p.version);
        const offer = (scheme: number): Promise<boolean> =>
          sendUnlessLate(`${p.version} signature algorithms`, { version: p.version, suites, keyShares: x25519Share, signatureAlgorithms: [scheme], short: !!p.short }).then(
            (ex) => !!ex && ex.kind === 'flight' && !!ex.flight.hello && ex.flight.hello.version === PROTOCOL_CODES[p.version] && !ex.flight.hello.helloRetry,
          );
        planned += 1 + SIGNATURE_SCHEME_NAMES.size;
        if (await offer(BOGUS_SIGNATURE_SCHEME)) return { version: p.version, any: true, schemes: [] as number[] };
        const codes = [...SIGNATURE_SCHEME_NAMES.keys()];
        const ok = await Promise.all(codes.map(offer));
        return { version: p.version, any: false, schemes: codes.filter((_, i) => ok[i]) };
      }),
    );

    // Vulnerability checks on the highest TLS ≤ 1.2 version, with the offer it accepted.
    const checksTask: Promise<ScanResult['checks']> = highestLegacy
      ? (async () => {
          const version = highestLegacy.version;
          const short = !!highestLegacy.short;
          const suites = highestLegacy.short?.offer ?? suitesFor(version);
          const base = { version, suites, keyShares: x25519Share, short };
          const check = async (part: string, run: () => Promise<VulnerabilityCheck>): Promise<VulnerabilityCheck> => {
            try {
              return await run();
            } catch (e) {
              if (e instanceof DeadlineReached) {
                notReached.push(`${part}: not tested`);
                return { vulnerable: undefined, detail: 'not tested: the deadline passed', version };
              }
              if (e instanceof ProbeError && e.code !== 'cancelled') return { vulnerable: undefined, detail: e.message, version };
              throw e;
            }
          };
          planned += 3;
          const [heartbleed, compression, ccsInjection] = await Promise.all([
            check('Heartbleed', async () => judgeHeartbleed(await talk({ ...base, heartbeat: true }, heartbleedFollowUp(version), heartbleedUntil), version)),
            check('TLS compression', async () => judgeCompression(await send({ ...base, compression: COMPRESSION_OFFER }), version)),
            check('CCS injection', async () => judgeCcsInjection(await talk(base, ccsFollowUp(version), ccsUntil), version)),
          ]);
          return { heartbleed, compression, ccsInjection };
        })()
      : Promise.resolve(undefined);

    const [scans, groupNames, fallbackScsv, ssl2, checks, sigs] = await Promise.all([Promise.all([...scanOf.values()]), Promise.all(groupTasks), fallbackTask, ssl2P, checksTask, sigTask]);
    for (const sg of sigs) {
      const v = scans.find((x) => x.version === sg.version);
      if (!v) continue;
      if (sg.any) v.anySignatureAlgorithm = true;
      else v.signatureAlgorithms = sg.schemes;
    }
    if (ssl2.ssl2Kinds) scans.push({ version: 'SSLv2', accepted: true, suites: ssl2.ssl2Kinds });
    probes.push(ssl2);
    const shortProbes = accepted.filter((p) => p.short);

    // 3. Server order: offer the accepted suites reversed; a server that picks by its own
    //    preference still chooses its first choice.
    phase = 'order';
    const unknownOrder = scans.filter((s) => s.version !== 'SSLv2' && s.suites.length >= 2 && s.serverOrder === undefined);
    planned += unknownOrder.length;
    await Promise.all(
      unknownOrder
        .map(async (s) => {
          const short = shortProbes.some((p) => p.version === s.version);
          const reversed = [...(short ? s.suites.slice(0, SHORT_HELLO_SUITES) : s.suites)].reverse();
          const ex = await sendUnlessLate(`${s.version} server order`, { version: s.version, suites: reversed, keyShares: x25519Share, short });
          if (!ex || ex.kind !== 'flight' || !ex.flight.hello) return;
          checkOffered(ex.flight, reversed);
          s.serverOrder = ex.flight.hello.suite !== reversed[0];
        }),
    );

    const versions: VersionScan[] = SCAN_VERSIONS.map((v) => {
      const scan = scans.find((s) => s.version === v);
      const broken = breaksOn.get(v)?.filter((x) => !scan?.suites.includes(x));
      if (scan && broken?.length) scan.breaksOn = [...new Set(broken)];
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
    if (checks) result.checks = checks;
    if (ssl2.failure === 'deadline') notReached.push('SSLv2: not tested');
    for (const [part, m] of missed) if (m.missed) notReached.push(m.of === 1 ? `${part}: not tested` : `${part}: ${m.missed} of ${m.of} hellos not sent`);
    if (notReached.length) result.notReached = notReached;
    if (shortProbes.length) {
      result.shortHellos = { versions: shortProbes.map((p) => p.version), maxSuites: SHORT_HELLO_SUITES, reason: shortProbes.map((p) => p.short!.fullRefusal).join('; ') };
    }
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

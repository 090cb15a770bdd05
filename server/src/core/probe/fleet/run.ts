/**
 * Runs a fleet: every target through the same single-probe function, with a per-target
 * options object, under two connection budgets — one for the whole run and one per host (the
 * IP address connected to, so names that share a machine share its budget). A probe opens at
 * most `options.concurrency` connections at once (`probeEndpoint`'s guarantee: the handshake's
 * one and the scan's rest), so a target is started only when it can reserve that many from
 * both budgets; nothing inside the probe changes. Each target's name is resolved once, before
 * it is scheduled, and the probe is pinned to that address (`connectTo`), so the budget counts
 * the connections the host really receives, also behind round-robin DNS.
 * Outcomes are handed over as each target finishes; a cancel (the signal) stops the probes in
 * flight, starts no more, and reports every unfinished target as cancelled.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ProbeError, type ProbeOptions, type ProbeTarget } from '../types';
import type { FleetTarget } from './targets';

/** What the runner gives the single-probe function: the target (pinned to its address) and its options. */
export interface FleetProbeOptions extends Pick<ProbeOptions, 'timeoutMs' | 'concurrency'> {
  signal: AbortSignal;
}

export type SingleProbe<R> = (target: ProbeTarget, options: FleetProbeOptions, entry: FleetTarget) => Promise<R>;

export type FleetOutcome<R> = { entry: FleetTarget; ok: true; value: R; address?: string } | { entry: FleetTarget; ok: false; error: ProbeError; address?: string };

export interface FleetOptions {
  /** Connections in flight at once over the whole fleet. */
  maxConnections: number;
  /** Connections in flight at once to one host (IP address). */
  perHost: number;
  /** The fleet's per-probe defaults; a target's own `options` win. */
  timeoutMs: number;
  concurrency: number;
  signal?: AbortSignal;
  /** Name resolution (default: the system resolver, as the probe itself uses). */
  lookup?: (name: string, family?: 4 | 6) => Promise<{ address: string; family: 4 | 6 }>;
  /** Names resolved ahead of the probes (default 8). */
  resolveAhead?: number;
}

async function systemLookup(name: string, family?: 4 | 6): Promise<{ address: string; family: 4 | 6 }> {
  const r = await dnsLookup(name, { family: family ?? 0 });
  return { address: r.address, family: r.family === 6 ? 6 : 4 };
}

/**
 * Targets resolved and waiting for a slot: enough that a long run of names on one busy host
 * does not keep the next hosts of the list waiting, few enough that addresses stay fresh.
 */
const READY_WINDOW = 1024;

interface Ready {
  entry: FleetTarget;
  target: ProbeTarget;
  host: string;
  need: number;
  options: Pick<ProbeOptions, 'timeoutMs' | 'concurrency'>;
}

/**
 * Probes every target; `onOutcome` is called once per target, in the order they finish.
 * Resolves when all are done (or cancelled). Never rejects for a target's failure: a probe that
 * throws anything but a ProbeError is reported as a 'protocol' ProbeError with its message.
 */
export async function runFleet<R>(targets: readonly FleetTarget[], probe: SingleProbe<R>, opts: FleetOptions, onOutcome: (o: FleetOutcome<R>) => void): Promise<void> {
  if (targets.length === 0) return;
  const lookup = opts.lookup ?? systemLookup;
  const ahead = Math.max(1, opts.resolveAhead ?? 8);
  const inner = new AbortController();
  const onAbort = (): void => inner.abort();
  if (opts.signal?.aborted) inner.abort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  const queue = [...targets];
  const ready: Ready[] = [];
  let resolving = 0;
  let inUse = 0;
  const hostUse = new Map<string, number>();
  let settled = 0;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));

  const emit = (o: FleetOutcome<R>): void => {
    settled++;
    try {
      onOutcome(o);
    } finally {
      if (settled === targets.length) finish();
    }
  };
  const cancelled = (entry: FleetTarget): FleetOutcome<R> => ({ entry, ok: false, error: new ProbeError('cancelled', `${entry.input}: not probed, the run was cancelled`) });

  const pump = (): void => {
    if (inner.signal.aborted) {
      for (const r of ready.splice(0)) emit(cancelled(r.entry));
      if (resolving === 0) for (const t of queue.splice(0)) emit(cancelled(t));
      return;
    }
    // Resolve ahead (IP literals are ready at once), then start what fits, in list order; a
    // target waiting for a busy host does not hold up the others.
    while (resolving < ahead && ready.length < READY_WINDOW && queue.length) resolveNext(queue.shift()!);
    for (let i = 0; i < ready.length && inUse < opts.maxConnections; ) {
      const r = ready[i]!;
      const used = hostUse.get(r.host) ?? 0;
      if (inUse + r.need > opts.maxConnections || used + r.need > opts.perHost) {
        i++;
        continue;
      }
      ready.splice(i, 1);
      start(r);
    }
  };

  const start = (r: Ready): void => {
    inUse += r.need;
    hostUse.set(r.host, (hostUse.get(r.host) ?? 0) + r.need);
    let outcome: FleetOutcome<R>;
    probe(r.target, { ...r.options, concurrency: r.need, signal: inner.signal }, r.entry)
      .then(
        (value) => (outcome = { entry: r.entry, ok: true, value, address: r.host }),
        (e: unknown) => (outcome = { entry: r.entry, ok: false, error: asProbeError(e), address: r.host }),
      )
      .finally(() => {
        inUse -= r.need;
        const left = (hostUse.get(r.host) ?? r.need) - r.need;
        if (left > 0) hostUse.set(r.host, left);
        else hostUse.delete(r.host);
        emit(outcome);
        pump();
      })
      .catch(() => undefined);
  };

  const resolveNext = (entry: FleetTarget): void => {
    const options = { timeoutMs: entry.options.timeoutMs ?? opts.timeoutMs, concurrency: entry.options.concurrency ?? opts.concurrency };
    const need = Math.max(1, Math.min(options.concurrency, opts.perHost, opts.maxConnections));
    const name = (entry.target.connectTo ?? entry.target.host).replace(/^\[(.*)\]$/, '$1');
    if (isIP(name)) {
      ready.push({ entry, target: entry.target, host: name, need, options });
      return;
    }
    resolving++;
    lookup(name, entry.target.family)
      .then(
        (a) => {
          ready.push({ entry, target: { ...entry.target, connectTo: a.address }, host: a.address, need, options });
        },
        (e: unknown) => {
          const code = (e as NodeJS.ErrnoException)?.code ?? (e instanceof Error ? e.message : String(e));
          emit({ entry, ok: false, error: new ProbeError('dns', `${name}: the host name does not resolve (${code})`) });
        },
      )
      .finally(() => {
        resolving--;
        pump();
      })
      .catch(() => undefined);
  };

  inner.signal.addEventListener('abort', () => pump(), { once: true });
  pump();
  try {
    await done;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function asProbeError(e: unknown): ProbeError {
  if (e instanceof ProbeError) return e;
  return new ProbeError('protocol', e instanceof Error ? e.message : String(e));
}

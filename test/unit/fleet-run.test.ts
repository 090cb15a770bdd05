/**
 * The fleet runner's scheduling, with a probe function that records what is in flight (the
 * real probes against real servers are in test/probe/fleet.test.ts): the global and per-host
 * budgets, no head-of-line blocking, one outcome per target, DNS pinning, cancel.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProbeError } from '../../server/src/core/probe';
import { parseTargetList, runFleet, type FleetOutcome, type FleetProbeOptions } from '../../server/src/core/probe/fleet';
import type { ProbeTarget } from '../../server/src/core/probe/types';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A probe that waits until released; records the connections each host has in flight. */
function controlled() {
  const inFlight = new Map<string, number>();
  let global = 0;
  const maxHost = new Map<string, number>();
  let maxGlobal = 0;
  const waiting: Array<{ target: ProbeTarget; options: FleetProbeOptions; release: (fail?: Error) => void }> = [];
  const started: string[] = [];
  const probe = (target: ProbeTarget, options: FleetProbeOptions): Promise<string> => {
    const host = target.connectTo ?? target.host;
    inFlight.set(host, (inFlight.get(host) ?? 0) + options.concurrency);
    global += options.concurrency;
    maxHost.set(host, Math.max(maxHost.get(host) ?? 0, inFlight.get(host)!));
    maxGlobal = Math.max(maxGlobal, global);
    started.push(`${target.host}:${target.port}`);
    return new Promise<string>((resolve, reject) => {
      const done = (): void => {
        inFlight.set(host, inFlight.get(host)! - options.concurrency);
        global -= options.concurrency;
      };
      const w = {
        target,
        options,
        release: (fail?: Error) => {
          done();
          if (fail) reject(fail);
          else resolve(`${target.host}:${target.port}`);
        },
      };
      waiting.push(w);
      options.signal.addEventListener('abort', () => {
        const i = waiting.indexOf(w);
        if (i >= 0) waiting.splice(i, 1);
        done();
        reject(new ProbeError('cancelled', 'cancelled'));
      });
    });
  };
  return { probe, waiting, started, maxHost, get maxGlobal() { return maxGlobal; } };
}

async function drain(c: ReturnType<typeof controlled>, run: Promise<void>, pick = (n: number) => n - 1): Promise<void> {
  let finished = false;
  void run.then(() => (finished = true));
  for (let guard = 0; guard < 10_000 && !finished; guard++) {
    await tick();
    if (c.waiting.length) c.waiting.splice(pick(c.waiting.length), 1)[0]!.release();
  }
  await run;
}

const list = (lines: string[]) => parseTargetList(lines.join('\n'), 'l').targets;

describe('runFleet', () => {
  test('per-host budget: no host ever has more than --per-host connections; the global budget holds; one outcome per target', async () => {
    const hosts = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
    const targets = list(Array.from({ length: 30 }, (_, i) => `${hosts[i % 3]}:${1000 + i}`));
    const c = controlled();
    const outcomes: FleetOutcome<string>[] = [];
    await drain(c, runFleet(targets, c.probe, { maxConnections: 64, perHost: 5, timeoutMs: 1000, concurrency: 2 }, (o) => outcomes.push(o)), (n) => n >> 1);
    for (const h of hosts) assert.equal(c.maxHost.get(h), 4, `${h}: two probes of 2 connections fit in 5, three do not`);
    assert.equal(c.maxGlobal, 12);
    assert.equal(outcomes.length, 30);
    assert.deepEqual(new Set(outcomes.map((o) => o.entry.line)).size, 30);
    assert.ok(outcomes.every((o) => o.ok));
  });

  test('global budget, and each probe gets min(--concurrency, --per-host, --max-connections) connections', async () => {
    const targets = list(Array.from({ length: 12 }, (_, i) => `10.0.1.${i + 1}:443`));
    const c = controlled();
    await drain(c, runFleet(targets, c.probe, { maxConnections: 8, perHost: 8, timeoutMs: 1000, concurrency: 3 }, () => undefined));
    assert.equal(c.maxGlobal, 6, 'two probes of 3 connections fit in 8, a third does not');
    const c2 = controlled();
    await drain(c2, runFleet(targets.slice(0, 2), c2.probe, { maxConnections: 64, perHost: 2, timeoutMs: 1000, concurrency: 8 }, () => undefined));
    assert.equal(c2.maxHost.get('10.0.1.1'), 2);
  });

  test('a target waiting for a busy host does not hold up the next host', async () => {
    const targets = list(['10.0.0.1:1', '10.0.0.1:2', '10.0.0.2:3']);
    const c = controlled();
    const run = runFleet(targets, c.probe, { maxConnections: 64, perHost: 8, timeoutMs: 1000, concurrency: 8 }, () => undefined);
    for (let i = 0; i < 5; i++) await tick();
    assert.deepEqual(c.started, ['10.0.0.1:1', '10.0.0.2:3']);
    await drain(c, run);
    assert.deepEqual(c.started, ['10.0.0.1:1', '10.0.0.2:3', '10.0.0.1:2']);
  });

  test('names are resolved once and pinned (connectTo): names of one address share its budget; a name that does not resolve is a dns outcome', async () => {
    const targets = list(['a.example.com:1', 'b.example.com:2', 'nx.example.com:3', 'c.example.com:4 sni.example.com']);
    const looked: string[] = [];
    const lookup = async (name: string): Promise<{ address: string; family: 4 | 6 }> => {
      looked.push(name);
      if (name === 'nx.example.com') throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
      return { address: name === 'c.example.com' ? '192.0.2.9' : '192.0.2.1', family: 4 };
    };
    const c = controlled();
    const outcomes: FleetOutcome<string>[] = [];
    await drain(c, runFleet(targets, c.probe, { maxConnections: 64, perHost: 8, timeoutMs: 1000, concurrency: 8, lookup }, (o) => outcomes.push(o)));
    assert.deepEqual(looked.sort(), ['a.example.com', 'b.example.com', 'c.example.com', 'nx.example.com']);
    assert.equal(c.maxHost.get('192.0.2.1'), 8, 'a and b share 192.0.2.1: one at a time');
    const nx = outcomes.find((o) => o.entry.target.host === 'nx.example.com')!;
    assert.ok(!nx.ok && nx.error.code === 'dns' && /ENOTFOUND/.test(nx.error.message));
    const byHost = new Map(outcomes.filter((o) => o.ok).map((o) => [o.entry.target.host, o.address]));
    assert.deepEqual(Object.fromEntries(byHost), { 'a.example.com': '192.0.2.1', 'b.example.com': '192.0.2.1', 'c.example.com': '192.0.2.9' });
  });

  test('a probe that throws something other than a ProbeError is that target\'s failure, not the fleet\'s', async () => {
    const targets = list(['10.0.0.1:1', '10.0.0.2:2']);
    const outcomes: FleetOutcome<string>[] = [];
    await runFleet(targets, async (t) => (t.port === 1 ? Promise.reject(new TypeError('boom')) : 'ok'), { maxConnections: 8, perHost: 8, timeoutMs: 1, concurrency: 1 }, (o) => outcomes.push(o));
    assert.deepEqual(
      outcomes.map((o) => (o.ok ? o.value : `${o.error.code}: ${o.error.message}`)).sort(),
      ['ok', 'protocol: boom'],
    );
  });

  test('cancel: probes in flight are cancelled, none start after, every target still has one outcome', async () => {
    const targets = list(Array.from({ length: 20 }, (_, i) => `10.0.0.${i + 1}:443`));
    const ac = new AbortController();
    const c = controlled();
    const outcomes: FleetOutcome<string>[] = [];
    const run = runFleet(targets, c.probe, { maxConnections: 16, perHost: 8, timeoutMs: 1000, concurrency: 8, signal: ac.signal }, (o) => outcomes.push(o));
    for (let i = 0; i < 5; i++) await tick();
    c.waiting.shift()!.release();
    await tick();
    const startedBefore = c.started.length;
    ac.abort();
    await run;
    assert.equal(c.started.length, startedBefore, 'nothing started after the cancel');
    assert.equal(outcomes.length, 20);
    assert.equal(outcomes.filter((o) => o.ok).length, 1);
    assert.ok(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.error.code === 'cancelled'));
    assert.equal(new Set(outcomes.map((o) => o.entry.line)).size, 20);
  });

  test('an empty list resolves at once', async () => {
    let called = 0;
    await runFleet([], async () => ++called, { maxConnections: 1, perHost: 1, timeoutMs: 1, concurrency: 1 }, () => called++);
    assert.equal(called, 0);
  });
});

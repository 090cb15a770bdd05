/**
 * `tls-lens probe --targets` and `tls-lens merge` as processes (the bundled CLI) against real
 * nginx endpoints on several ports, a silent endpoint (accepts, never answers) and a refused
 * port: JSON Lines, the summary table, exit codes over the fleet, sharding through the CLI,
 * cancel on SIGINT, the per-host connection budget (TCP proxies in front of nginx on 127.0.0.1
 * and 127.0.0.2 as two hosts, the CLI's connect/close system calls read with strace), and merge round trips (JSON, SARIF
 * against the official schema, --config placing findings on the nginx line, --targets
 * finding a missing shard).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { FleetErrorRecord, FleetRecord, FleetReportRecord } from '../../server/src/core/probe/fleet';
import { startFakeTls, type FakeTlsServer } from '../support/fakeTls';
import { freePort, startProbeServers, type ProbeFixtures } from '../support/nginxServer';
import { checkMetrics, parseWithPrometheus } from '../support/promtool';
import { loadSarifSchema } from '../support/sarifSchema';
import { findTool, repoPath } from '../support/tools';

const CLI = repoPath('dist', 'cli.js');
const nginx = findTool('nginx');
const openssl = findTool('openssl');
const skip = nginx.skip ?? openssl.skip ?? false;
let fx: ProbeFixtures;
let silent: FakeTlsServer;
let refusedPort = 0;
let ws = '';

before(async () => {
  if (skip) return;
  fx = await startProbeServers(nginx.path!, openssl.path!);
  silent = await startFakeTls({ versions: [0x0303], suites: [0xc02f], fault: 'silent' });
  refusedPort = await freePort();
  ws = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-fleet-'));
  writeFileSync(path.join(ws, 'root.pem'), fx.rootPem);
  mkdirSync(path.join(ws, 'etc', 'nginx'), { recursive: true });
  writeFileSync(path.join(ws, 'etc', 'nginx', 'nginx.conf'), readFileSync(path.join(fx.dir, 'conf', 'nginx.conf')));
});
after(async () => {
  await fx?.stop();
  await silent?.close();
  if (ws) rmSync(ws, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; onStdout?: (soFar: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...opts.env };
    if (!opts.env || !('JOB_COMPLETION_INDEX' in opts.env)) delete env.JOB_COMPLETION_INDEX;
    const p = spawn(process.execPath, [CLI, ...args], { cwd: ws, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      opts.onStdout?.(stdout, p);
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.stdin.end(opts.input ?? '');
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const jsonl = (s: string): FleetRecord[] =>
  s
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FleetRecord);
const isError = (r: FleetRecord): r is FleetErrorRecord => 'error' in r;

/** The list: nginx cases on their ports (SNI probe.test), the silent endpoint, a refused port, a comment, a bad line. */
function listText(): string {
  return [
    '# fleet test',
    `127.0.0.1:${fx.ports.valid} probe.test`,
    `127.0.0.1:${fx.ports.expired} probe.test   # expired leaf`,
    '',
    `127.0.0.1:${fx.ports.wrongHost} probe.test`,
    `127.0.0.1:${fx.ports.noHsts} probe.test`,
    `127.0.0.1:${silent.port} silent.test`,
    `127.0.0.1:${refusedPort}`,
    'one.test two.test three',
    `127.0.0.1:${fx.ports.selfSigned} probe.test`,
  ].join('\n');
}

describe('tls-lens probe --targets', { skip }, () => {
  test('json: JSON Lines, one report or error object per endpoint with its list line; bad lines located; exit 2', async () => {
    writeFileSync(path.join(ws, 'targets.txt'), listText());
    const r = await run(['probe', '--targets', 'targets.txt', '--ca', 'root.pem', '--format', 'json', '--timeout', '1500']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^tls-lens: targets\.txt:9:19: unexpected "three": a line is host\[:port\] \[sni\]$/m);
    const recs = jsonl(r.stdout);
    assert.deepEqual(recs.map((x) => x.listedAt?.line).sort((a, b) => a! - b!), [2, 3, 5, 6, 7, 8, 10]);
    assert.ok(recs.every((x) => x.version === 1 && x.listedAt?.file === 'targets.txt'));
    const byLine = new Map(recs.map((x) => [x.listedAt!.line, x]));
    const report = (line: number): FleetReportRecord => {
      const x = byLine.get(line)!;
      assert.ok(!isError(x), `line ${line}: ${JSON.stringify(x)}`);
      return x;
    };
    assert.equal(report(2).grade.letter, 'A+');
    assert.equal(report(2).endpoint, `127.0.0.1:${fx.ports.valid}`);
    assert.equal(report(2).sni, 'probe.test');
    assert.equal(report(2).connectTo, undefined, 'the runner pins the address, the report says what was asked');
    assert.ok(report(3).findings.some((f) => f.ruleId === 'probe/certificate-expiry' && f.severity === 'error'));
    assert.equal(report(5).grade.letter, 'M');
    assert.ok(report(6).findings.some((f) => f.ruleId === 'probe/missing-hsts'));
    assert.equal(report(10).grade.letter, 'T');
    const silentRec = byLine.get(7)!;
    assert.ok(isError(silentRec) && silentRec.error.code === 'timeout', JSON.stringify(silentRec));
    const refused = byLine.get(8)!;
    assert.ok(isError(refused) && refused.error.code === 'refused', JSON.stringify(refused));
    assert.equal(refused.endpoint, `127.0.0.1:${refusedPort}`);
    assert.doesNotMatch(r.stdout, /PRIVATE KEY/);
  });

  test('text: a line per endpoint, the findings at their list lines, the summary table; exit 1 on findings, 0 with --fail-on never', async () => {
    const list = [`127.0.0.1:${fx.ports.valid} probe.test`, `127.0.0.1:${fx.ports.expired} probe.test`].join('\n');
    writeFileSync(path.join(ws, 'two.txt'), list);
    const r = await run(['probe', '--targets', 'two.txt', '--ca', 'root.pem', '--no-scan']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^\[[12]\/2\] 127\.0\.0\.1:\d+ \(SNI probe\.test\): grade (A\+|T \(A\+ ignoring trust\)|T), /m);
    assert.match(r.stdout, new RegExp(`^two\\.txt:2:1: error 127\\.0\\.0\\.1:${fx.ports.expired} \\(SNI probe\\.test\\): .*\\[probe/certificate-expiry\\]$`, 'm'));
    const table = r.stdout.slice(r.stdout.indexOf('\nline '));
    assert.match(table, /^line +endpoint +sni +grade +errors +warnings +notes +leaf expires +result$/m);
    assert.match(table, new RegExp(`^ +1 +127\\.0\\.0\\.1:${fx.ports.valid} +probe\\.test +A\\+ +0 +\\d+ +\\d+ +\\d{4}-\\d\\d-\\d\\d \\(\\d+ d\\) +\\d+ ms$`, 'm'));
    assert.match(table, /^2 of 2 endpoints probed: \d+ errors?, \d+ warnings?, \d+ notes?\.$/m);
    assert.equal((await run(['probe', '--targets', 'two.txt', '--ca', 'root.pem', '--no-scan', '--fail-on', 'never'])).code, 0);
  });

  test('standard input (-), and a refused endpoint makes the fleet exit 2 with the others still reported', async () => {
    const r = await run(['probe', '--targets', '-', '--ca', 'root.pem', '--no-scan', '--format', 'json', '--fail-on', 'never'], { input: `127.0.0.1:${fx.ports.valid} probe.test\n127.0.0.1:${refusedPort}\n` });
    assert.equal(r.code, 2);
    const recs = jsonl(r.stdout);
    assert.equal(recs.length, 2);
    assert.deepEqual(recs.map((x) => x.listedAt?.file), ['-', '-']);
    assert.deepEqual(recs.map((x) => (isError(x) ? x.error.code : 'report')).sort(), ['refused', 'report']);
  });

  test('--shard i/n through the CLI: the shards never overlap and together give the list; JOB_COMPLETION_INDEX with --shard-count picks the same shard', async () => {
    const ports = [fx.ports.valid, fx.ports.expired, fx.ports.wrongHost, fx.ports.noHsts, fx.ports.withRoot, fx.ports.selfSigned, fx.ports.missingIntermediate];
    const lines = ports.flatMap((p) => [`127.0.0.1:${p} probe.test`, `127.0.0.1:${p} www.probe.test`]);
    writeFileSync(path.join(ws, 'many.txt'), lines.join('\n'));
    const base = ['probe', '--targets', 'many.txt', '--ca', 'root.pem', '--no-scan', '--format', 'json', '--fail-on', 'never'];
    const seen = new Map<string, number>();
    for (let i = 1; i <= 3; i++) {
      const r = await run([...base, '--shard', `${i}/3`]);
      assert.equal(r.code, 0, r.stderr);
      for (const x of jsonl(r.stdout)) {
        const key = `${x.endpoint} ${x.sni}`;
        assert.equal(seen.get(key), undefined, `${key} in shards ${seen.get(key)} and ${i}`);
        seen.set(key, i);
      }
      const viaIndex = await run([...base, '--shard-count', '3'], { env: { JOB_COMPLETION_INDEX: String(i - 1) } });
      assert.deepEqual(jsonl(viaIndex.stdout).map((x) => `${x.endpoint} ${x.sni}`).sort(), [...seen].filter(([, s]) => s === i).map(([k]) => k).sort());
    }
    assert.equal(seen.size, lines.length);
    const noCount = await run(base, { env: { JOB_COMPLETION_INDEX: '1' } });
    assert.equal(noCount.code, 2);
    assert.match(noCount.stderr, /JOB_COMPLETION_INDEX=1 is set .*--shard-count N/);
  });

  test('SIGINT: what finished is printed, what did not is a cancelled record, exit 130', async () => {
    const list = [`127.0.0.1:${fx.ports.valid} probe.test`, `127.0.0.1:${silent.port} silent.test`].join('\n');
    writeFileSync(path.join(ws, 'cancel.txt'), list);
    let sent = false;
    // A minute per connection: the silent endpoint can end only by the cancel.
    const r = await run(['probe', '--targets', 'cancel.txt', '--ca', 'root.pem', '--format', 'json', '--timeout', '60000', '--concurrency', '1'], {
      onStdout: (soFar, child) => {
        if (!sent && soFar.includes('\n')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /cancelling/);
    const recs = jsonl(r.stdout);
    assert.equal(recs.length, 2);
    const finished = recs.find((x) => x.listedAt?.line === 1)!;
    assert.ok(!isError(finished) && finished.grade.letter === 'A+');
    const cut = recs.find((x) => x.listedAt?.line === 2)!;
    assert.ok(isError(cut) && cut.error.code === 'cancelled', JSON.stringify(cut));
  });

  test('text mode on SIGINT prints the summary table of what finished', async () => {
    let sent = false;
    const r = await run(['probe', '--targets', 'cancel.txt', '--ca', 'root.pem', '--timeout', '60000', '--concurrency', '1'], {
      onStdout: (soFar, child) => {
        if (!sent && /\[1\/2\]/.test(soFar)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.equal(r.code, 130);
    assert.match(r.stdout, /^1 of 2 endpoints probed, 1 cancelled: /m);
  });
});

/** A TCP proxy on `host` (127.0.0.1, 127.0.0.2: two hosts) to nginx's port; `onConnection` counts what reaches it. */
async function countingProxy(host: string, to: number, onConnection: () => void): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    onConnection();
    const upstream = net.connect({ host: '127.0.0.1', port: to });
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** The CLI under `strace -f -e trace=connect,close` (the system calls in order, into `out`). */
function spawnTraced(straceBin: string, out: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.JOB_COMPLETION_INDEX;
    const p = spawn(straceBin, ['-f', '-e', 'trace=connect,close', '-o', out, process.execPath, CLI, ...args], { cwd: ws, env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const strace = findTool('strace');

/**
 * The most connections the CLI had open at once to each address, from its own connect() and
 * close() system calls in order (strace). A server's view cannot be this exact: it may accept
 * the next connection a fraction of a millisecond before it reads the FIN of the previous one.
 */
function openAtOnce(straceOut: string, ports: ReadonlySet<number>): Map<string, number> {
  const open = new Map<string, string>();
  const now = new Map<string, number>();
  const max = new Map<string, number>();
  for (const line of straceOut.split('\n')) {
    const pid = /^(\d+)/.exec(line)?.[1] ?? '';
    const c = /connect\((\d+), \{sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([\d.]+)"\)/.exec(line);
    if (c && ports.has(Number(c[2]))) {
      const ip = c[3]!;
      open.set(`${pid}/${c[1]}`, ip);
      now.set(ip, (now.get(ip) ?? 0) + 1);
      max.set(ip, Math.max(max.get(ip) ?? 0, now.get(ip)!));
      continue;
    }
    const x = /close\((\d+)\)/.exec(line);
    const key = x ? [...open.keys()].find((k) => k.endsWith(`/${x[1]}`)) : undefined;
    if (key) {
      const ip = open.get(key)!;
      open.delete(key);
      now.set(ip, now.get(ip)! - 1);
    }
  }
  return max;
}

describe('per-host connection budget', { skip: skip || strace.skip }, () => {
  test('--per-host 3: at most 3 connections at once to 127.0.0.1 and to 127.0.0.2 (the CLI\'s own system calls); with --per-host 32 a host gets more', async () => {
    const ports = [fx.ports.valid, fx.ports.noHsts, fx.ports.withRoot, fx.ports.expired];
    const seen = { '127.0.0.1': 0, '127.0.0.2': 0 };
    const proxies = [
      ...(await Promise.all(ports.map((p) => countingProxy('127.0.0.1', p, () => seen['127.0.0.1']++)))),
      ...(await Promise.all(ports.map((p) => countingProxy('127.0.0.2', p, () => seen['127.0.0.2']++)))),
    ];
    const proxyPorts = new Set(proxies.map((p) => p.port));
    const traced = async (perHost: string): Promise<Map<string, number>> => {
      const out = path.join(ws, `strace-${perHost}.txt`);
      const r = await spawnTraced(strace.path!, out, ['probe', '--targets', 'hosts.txt', '--ca', 'root.pem', '--format', 'json', '--fail-on', 'never', '--per-host', perHost, '--concurrency', '8']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(jsonl(r.stdout).filter((x) => !isError(x)).length, 8, r.stdout);
      return openAtOnce(readFileSync(out, 'utf8'), proxyPorts);
    };
    try {
      const list = [...proxies.slice(0, 4).map((p) => `127.0.0.1:${p.port} probe.test`), ...proxies.slice(4).map((p) => `127.0.0.2:${p.port} probe.test`)].join('\n');
      writeFileSync(path.join(ws, 'hosts.txt'), list);
      const limited = await traced('3');
      assert.deepEqual([limited.get('127.0.0.1'), limited.get('127.0.0.2')], [3, 3], `at most 3 at once per host: ${JSON.stringify([...limited])}`);
      assert.ok(seen['127.0.0.1'] > 8 && seen['127.0.0.2'] > 8, 'the connections reached the servers behind both addresses');
      const wide = await traced('32');
      assert.ok(Math.min(wide.get('127.0.0.1')!, wide.get('127.0.0.2')!) > 3, `with --per-host 32: ${JSON.stringify([...wide])}`);
    } finally {
      await Promise.all(proxies.map((p) => p.close()));
    }
  });
});

describe('tls-lens merge', { skip }, () => {
  let shards: string[] = [];
  const list = (): string[] => [fx.ports.valid, fx.ports.expired, fx.ports.wrongHost, fx.ports.noHsts, fx.ports.selfSigned].map((p) => `127.0.0.1:${p} probe.test`).concat(`127.0.0.1:${refusedPort}`);

  before(async () => {
    if (skip) return;
    writeFileSync(path.join(ws, 'fleet.txt'), list().join('\n'));
    shards = [];
    for (let i = 1; i <= 2; i++) {
      const r = await run(['probe', '--targets', 'fleet.txt', '--ca', 'root.pem', '--format', 'json', '--shard', `${i}/2`, '--fail-on', 'never']);
      writeFileSync(path.join(ws, `shard-${i}.jsonl`), r.stdout);
      shards.push(`shard-${i}.jsonl`);
    }
  });

  test('json: the union of the shards, each endpoint once, the exit status over all', async () => {
    const r = await run(['merge', ...shards, '--format', 'json', '--fail-on', 'error']);
    assert.equal(r.code, 2, 'the refused endpoint');
    const merged = JSON.parse(r.stdout) as { version: number; summary: { endpoints: number; probed: number; failed: number; findings: Record<string, number> }; reports: FleetReportRecord[]; errors: FleetErrorRecord[] };
    assert.equal(merged.version, 1);
    assert.equal(merged.summary.endpoints, 6);
    assert.equal(merged.summary.probed, 5);
    assert.equal(merged.summary.failed, 1);
    const fromShards = shards.flatMap((s) => jsonl(readFileSync(path.join(ws, s), 'utf8')));
    assert.deepEqual(
      [...merged.reports, ...merged.errors].map((x) => JSON.stringify(x)).sort(),
      fromShards.map((x) => JSON.stringify(x)).sort(),
      'merge keeps each record as the shard wrote it',
    );
    assert.equal(merged.summary.findings.error, merged.reports.reduce((n, x) => n + x.findings.filter((f) => f.severity === 'error').length, 0));
  });

  test('overlapping inputs: each endpoint once, the later probe kept, a warning naming both places', async () => {
    const r = await run(['merge', shards[0]!, shards[0]!, shards[1]!, '--format', 'json']);
    const merged = JSON.parse(r.stdout) as { summary: { endpoints: number } };
    assert.equal(merged.summary.endpoints, 6);
    assert.match(r.stderr, /warning: shard-1\.jsonl:1: .* is also in shard-1\.jsonl:1 \(do the shards overlap\?\)/);
  });

  test('--targets: an endpoint no shard has is reported missing (exit 2)', async () => {
    const r = await run(['merge', shards[0]!, '--targets', 'fleet.txt', '--format', 'json', '--fail-on', 'never']);
    assert.equal(r.code, 2);
    const merged = JSON.parse(r.stdout) as { summary: { missing: number }; errors: FleetErrorRecord[] };
    const inShard2 = jsonl(readFileSync(path.join(ws, shards[1]!), 'utf8')).length;
    assert.equal(merged.summary.missing, inShard2);
    assert.match(r.stderr, /fleet\.txt:\d+: 127\.0\.0\.1:\d+( probe\.test)?: no result in the merged files/);
  });

  test('sarif with --config: valid against the 2.1.0 schema; each finding on the nginx line it comes from, else the server block; the list line related', async () => {
    const r = await run(['merge', ...shards, '--format', 'sarif', '--config', 'etc']);
    const log = JSON.parse(r.stdout) as {
      runs: Array<{ results: Array<{ ruleId: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>; relatedLocations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }>;
    };
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(loadSarifSchema());
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3)));
    const conf = readFileSync(path.join(ws, 'etc', 'nginx', 'nginx.conf'), 'utf8').split('\n');
    const results = log.runs[0]!.results;
    const hsts = results.find((x) => x.ruleId === 'probe/missing-hsts' && x.message.text.includes(`:${fx.ports.noHsts} `))!;
    assert.ok(hsts, 'the noHsts endpoint has a missing-hsts result');
    const loc = hsts.locations[0]!.physicalLocation;
    assert.equal(loc.artifactLocation.uri, 'etc/nginx/nginx.conf');
    // The server block of that port (the block's line, nginx's missing add_header).
    const listenLine = conf.findIndex((l) => l.includes(`listen 127.0.0.1:${fx.ports.noHsts} ssl`)) + 1;
    assert.equal(loc.region.startLine, listenLine - 1);
    assert.ok(hsts.relatedLocations?.some((l) => l.physicalLocation.artifactLocation.uri === 'fleet.txt'), 'the list line is related');
    const expiry = results.find((x) => x.ruleId === 'probe/certificate-expiry')!;
    assert.equal(expiry.locations[0]!.physicalLocation.artifactLocation.uri, 'etc/nginx/nginx.conf');
    assert.match(conf[expiry.locations[0]!.physicalLocation.region.startLine - 1]!, /ssl_certificate /);
    const unreachable = results.find((x) => x.ruleId === 'probe/unreachable')!;
    assert.equal(unreachable.locations[0]!.physicalLocation.artifactLocation.uri, 'fleet.txt');
    assert.equal(unreachable.locations[0]!.physicalLocation.region.startLine, 6);
  });

  test('sarif without --config: every finding on the line of the list that names its endpoint', async () => {
    const r = await run(['merge', ...shards, '--format', 'sarif']);
    const log = JSON.parse(r.stdout) as { runs: Array<{ results: Array<{ message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
    const lines = list();
    for (const res of log.runs[0]!.results) {
      const at = res.locations[0]!.physicalLocation;
      assert.equal(at.artifactLocation.uri, 'fleet.txt');
      const endpoint = lines[at.region.startLine - 1]!.split(' ')[0]!;
      assert.ok(res.message.text.startsWith(`${endpoint}`), `${res.message.text} at line ${at.region.startLine}`);
    }
  });

  test('text: findings at their places, then the summary table', async () => {
    const r = await run(['merge', ...shards, '--config', 'etc']);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^etc\/nginx\/nginx\.conf:\d+:\d+: error 127\.0\.0\.1:\d+ \(SNI probe\.test\): .*\[probe\/certificate-expiry\]$/m);
    assert.match(r.stdout, /^fleet\.txt:6:1: error 127\.0\.0\.1:\d+: not probed \(refused\): connection refused .*\[probe\/unreachable\]$/m);
    assert.match(r.stdout, /^5 of 6 endpoints probed, 1 failed: /m);
  });

  test('bad input is located and the rest is still merged', async () => {
    writeFileSync(path.join(ws, 'broken.jsonl'), `{"version":1,"endpoint":"a.example:443"}\nnot json\n\n{"version":2}\n${readFileSync(path.join(ws, shards[0]!), 'utf8')}`);
    const r = await run(['merge', 'broken.jsonl', '--format', 'json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /broken\.jsonl:1: not a TLS Lens probe report \(no "grade"\)/);
    assert.match(r.stderr, /broken\.jsonl:2: not JSON/);
    assert.match(r.stderr, /broken\.jsonl:4: not a TLS Lens probe report \(version 2; expected 1\)/);
    assert.equal((JSON.parse(r.stdout) as { summary: { endpoints: number } }).summary.endpoints, jsonl(readFileSync(path.join(ws, shards[0]!), 'utf8')).length);
    const missing = await run(['merge', 'no-such.jsonl']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no-such\.jsonl: ENOENT/);
  });

  test('a single probe report (probe host --format json) merges too', async () => {
    const one = await run(['probe', `127.0.0.1:${fx.ports.valid}`, '--sni', 'probe.test', '--ca', 'root.pem', '--format', 'json', '--no-scan']);
    writeFileSync(path.join(ws, 'one.json'), one.stdout);
    const r = await run(['merge', 'one.json', '--format', 'json', '--fail-on', 'never']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { summary: { probed: number } }).summary.probed, 1);
  });
});

const promtool = findTool('promtool', 'prometheus');

describe('OpenMetrics of probes (promtool)', { skip: skip || promtool.skip }, () => {
  test('probe --targets --format openmetrics: promtool passes; per endpoint success, grade, findings by severity, leaf expiry as the JSON reports say', async () => {
    const list = [fx.ports.valid, fx.ports.expired, fx.ports.wrongHost].map((p) => `127.0.0.1:${p} probe.test`).concat(`127.0.0.1:${refusedPort}`).join('\n');
    writeFileSync(path.join(ws, 'om.txt'), list);
    const om = await run(['probe', '--targets', 'om.txt', '--ca', 'root.pem', '--format', 'openmetrics', '--no-scan']);
    assert.equal(om.code, 2, 'the refused endpoint');
    assert.deepEqual(checkMetrics(promtool.path!, om.stdout), { code: 0, output: '' });
    const series = parseWithPrometheus(promtool.path!, om.stdout);
    const json = jsonl((await run(['probe', '--targets', 'om.txt', '--ca', 'root.pem', '--format', 'json', '--no-scan'])).stdout);
    const pick = (name: string): Array<[string, number]> =>
      series
        .filter((x) => x.name === name)
        .map((x): [string, number] => [JSON.stringify(x.labels), x.value])
        .sort();
    const id = (x: FleetRecord): Record<string, string> => ({ endpoint: x.endpoint, ...(x.sni ? { sni: x.sni } : {}) });
    assert.deepEqual(pick('tls_lens_probe_success'), json.map((x): [string, number] => [JSON.stringify(id(x)), isError(x) ? 0 : 1]).sort());
    assert.deepEqual(pick('tls_lens_probe_failure'), [[JSON.stringify({ code: 'refused', endpoint: `127.0.0.1:${refusedPort}` }), 1]]);
    const reports = json.filter((x): x is FleetReportRecord => !isError(x));
    const sorted = (o: Record<string, string>): string => JSON.stringify(Object.fromEntries(Object.entries(o).sort()));
    assert.deepEqual(
      pick('tls_lens_probe_grade').map(([l, v]) => [sorted(JSON.parse(l) as Record<string, string>), v]),
      reports.map((x) => [sorted({ ...id(x), grade: x.grade.letter, ...(x.grade.ignoringTrust ? { ignoring_trust: x.grade.ignoringTrust } : {}) }), 1]).sort(),
    );
    for (const x of reports) {
      for (const sev of ['error', 'warning', 'info', 'hint'] as const) {
        const got = series.find((m) => m.name === 'tls_lens_probe_findings' && m.labels.endpoint === x.endpoint && m.labels.severity === sev)!;
        assert.equal(got.value, x.findings.filter((f) => f.severity === sev).length, `${x.endpoint} ${sev}`);
      }
      const leaf = new X509Certificate(x.certificates[0]!.pem);
      const expiry = series.find((m) => m.name === 'tls_lens_probe_certificate_expiry_timestamp_seconds' && m.labels.endpoint === x.endpoint)!;
      assert.equal(expiry.value, Math.floor(Date.parse(leaf.validTo) / 1000));
    }
    assert.doesNotMatch(om.stdout, /PRIVATE KEY/);
  });

  test('merge --format openmetrics and a single probe --format openmetrics (success 0 and exit 2 when refused)', async () => {
    const shard = await run(['probe', '--targets', 'om.txt', '--ca', 'root.pem', '--format', 'json', '--no-scan', '--shard', '1/1']);
    writeFileSync(path.join(ws, 'om.jsonl'), shard.stdout);
    const merged = await run(['merge', 'om.jsonl', '--format', 'openmetrics']);
    assert.deepEqual(checkMetrics(promtool.path!, merged.stdout), { code: 0, output: '' });
    assert.equal(parseWithPrometheus(promtool.path!, merged.stdout).filter((x) => x.name === 'tls_lens_probe_success').length, 4);
    const one = await run(['probe', `127.0.0.1:${fx.ports.valid}`, '--sni', 'probe.test', '--ca', 'root.pem', '--format', 'openmetrics', '--no-scan', '--fail-on', 'never']);
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(checkMetrics(promtool.path!, one.stdout), { code: 0, output: '' });
    assert.match(one.stdout, new RegExp(`^tls_lens_probe_success\\{endpoint="127\\.0\\.0\\.1:${fx.ports.valid}",sni="probe\\.test"\\} 1$`, 'm'));
    const down = await run(['probe', `127.0.0.1:${refusedPort}`, '--format', 'openmetrics']);
    assert.equal(down.code, 2);
    assert.match(down.stdout, new RegExp(`^tls_lens_probe_success\\{endpoint="127\\.0\\.0\\.1:${refusedPort}"\\} 0$`, 'm'));
    assert.deepEqual(checkMetrics(promtool.path!, down.stdout), { code: 0, output: '' });
  });
});

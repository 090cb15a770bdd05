// Benchmark of a fleet probe (not a test): 200 loopback endpoints (one nginx, 200 server
// blocks, each on its own port), probed by `tls-lens probe --targets` as a process, against
// `sslscan` over the same list one after the other and with `xargs -P 8`, in the same run
// (the order of the four rotates each round), medians over the rounds, with the load average.
//
// Usage: npm run build && node bench/fleet.mjs [--runs N] [--endpoints N] [--skip-sequential]
//    (a round takes two to four minutes on a 2-core machine, most of it sslscan one by one)
// Results also go to bench/results/fleet.json.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const RUNS = Number(arg('--runs', 3));
const ENDPOINTS = Number(arg('--endpoints', 200));
const SEQUENTIAL = !process.argv.includes('--skip-sequential');

const which = (name) => {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};
const nginx = which('nginx');
const sslscan = which('sslscan');
if (!nginx || !sslscan) {
  console.log(`bench/fleet: skipped (needs nginx and sslscan; found nginx=${!!nginx} sslscan=${!!sslscan})`);
  process.exit(0);
}
let support;
try {
  support = require(join(root, 'out/test/support/nginxServer.js'));
} catch (e) {
  console.error(`bench/fleet: build first (npm run build): ${e.message}`);
  process.exit(1);
}
const CLI = join(root, 'dist/cli.js');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const now = () => Number(process.hrtime.bigint()) / 1e6;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

function timed(cmd, args, opts = {}) {
  return new Promise((res, rej) => {
    const t0 = now();
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.once('error', rej);
    p.once('close', (code) => res({ ms: now() - t0, code, out, err }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'tls-lens-fleet-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const pki = await support.makeTestPki();
const leaf = await pki.leaf({ cn: 'fleet.test', dns: ['*.fleet.test', 'fleet.test'], ips: ['127.0.0.1'] });
const servers = Array.from({ length: ENDPOINTS }, (_, i) => ({
  certChainPem: leaf.chainPem,
  keyPem: leaf.keyPem,
  serverName: `host${i}.fleet.test`,
  ownPort: true,
  tls: i % 4 === 3 ? 'ssl_protocols TLSv1 TLSv1.1 TLSv1.2; ssl_ciphers "DEFAULT:@SECLEVEL=0";' : 'ssl_protocols TLSv1.2 TLSv1.3;',
}));
const t0 = now();
const server = await support.startNginx(nginx, { servers, workerConnections: 4096 });
console.log(`bench/fleet: ${ENDPOINTS} endpoints on one nginx (${((now() - t0) / 1000).toFixed(1)} s to start), ${RUNS} round(s), load ${load()}`);
writeFileSync(join(dir, 'root.pem'), pki.root.certPem);
writeFileSync(join(dir, 'targets.txt'), server.ports.map((p, i) => `127.0.0.1:${p} host${i}.fleet.test`).join('\n') + '\n');
// For xargs: one sslscan per line, "--sni-name=NAME 127.0.0.1:PORT".
writeFileSync(join(dir, 'sslscan.txt'), server.ports.map((p, i) => `--sni-name=host${i}.fleet.test 127.0.0.1:${p}`).join('\n') + '\n');

const ours = (extra) => async () => {
  const r = await timed(process.execPath, [CLI, 'probe', '--targets', 'targets.txt', '--ca', 'root.pem', '--format', 'json', '--fail-on', 'never', ...extra], { cwd: dir });
  const lines = r.out.split('\n').filter(Boolean);
  const failed = lines.filter((l) => l.includes('"error":{')).length;
  if (r.code !== 0 || lines.length !== ENDPOINTS || failed) throw new Error(`tls-lens probe --targets: exit ${r.code}, ${lines.length} lines, ${failed} failed: ${r.err.slice(0, 500)}`);
  return r.ms;
};
const sslscanSeq = async () => {
  const t = now();
  for (let i = 0; i < ENDPOINTS; i++) {
    const r = await timed(sslscan, ['--no-colour', `--sni-name=host${i}.fleet.test`, `127.0.0.1:${server.ports[i]}`]);
    if (r.code !== 0) throw new Error(`sslscan exited ${r.code}: ${r.err}`);
  }
  return now() - t;
};
const sslscanXargs = async () => {
  const r = await timed('sh', ['-c', `xargs -P 8 -L 1 ${sslscan} --no-colour < sslscan.txt > /dev/null`], { cwd: dir });
  if (r.code !== 0) throw new Error(`xargs sslscan exited ${r.code}: ${r.err.slice(0, 500)}`);
  return r.ms;
};

const variants = [
  { name: 'tls-lens probe --targets (--max-connections 64 --per-host 64: 8 probes of 8 connections)', run: ours(['--per-host', '64']) },
  { name: 'tls-lens probe --targets (defaults on one host: --per-host 8, one probe of 8 connections at a time)', run: ours([]) },
  { name: 'sslscan, xargs -P 8', run: sslscanXargs },
  ...(SEQUENTIAL ? [{ name: 'sslscan, one after the other', run: sslscanSeq }] : []),
];
const times = variants.map(() => []);
const loads = [];
try {
  // Warm-up (nginx's first handshakes, page cache), not counted.
  await ours(['--per-host', '64'])();
  for (let round = 0; round < RUNS; round++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (k + round) % variants.length;
      const before = loadavg()[0];
      const ms = await variants[i].run();
      times[i].push(ms);
      loads.push(before);
      console.log(`  round ${round + 1}: ${variants[i].name}: ${(ms / 1000).toFixed(1)} s (load ${load()})`);
    }
  }
} finally {
  await server.stop();
}
const ref = median(times[2]);
const results = variants.map((v, i) => ({ name: v.name, medianMs: Math.round(median(times[i])), runsMs: times[i].map(Math.round), ratioToXargs: median(times[i]) / ref }));
console.log(`\nmedians over ${RUNS} round(s), ${ENDPOINTS} endpoints, load average at the starts ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}:`);
for (const r of results) console.log(`  ${r.name}: ${(r.medianMs / 1000).toFixed(1)} s = ${r.ratioToXargs.toFixed(2)}× sslscan with xargs -P 8`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/fleet.json'), JSON.stringify({ runs: RUNS, endpoints: ENDPOINTS, date: new Date().toISOString(), loadAtStarts: loads, results }, null, 2) + '\n');

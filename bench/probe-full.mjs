// Benchmark (not a test): a full probe of a loopback nginx (raw scan of every version and
// suite, groups, signature algorithms, Heartbleed / compression / CCS / renegotiation checks,
// the certificate of each key type, and the full handshake: chain, trust, name, OCSP staple,
// ALPN, resumption, HSTS), medians over repeated runs, beside sslscan on the same server in
// the same run — plain, and with --show-sigs, which enumerates signature algorithms as we do.
// Usage: npm run build && node bench/probe-full.mjs [--runs N]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { startProbeServers } = require(join(root, 'out/test/support/nginxServer.js'));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 11;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const which = (t) => spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();

function wall(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  const t = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { t, stdout: r.stdout };
}

const fx = await startProbeServers(which('nginx'), which('openssl'));
try {
  const ca = join(fx.dir, 'bench-root.pem');
  writeFileSync(ca, fx.rootPem);
  const port = fx.ports.valid;
  const probeArgs = [join(root, 'dist/cli.js'), 'probe', `${fx.host}:${port}`, '--connect-to', '127.0.0.1', '--ca', ca, '--format', 'json'];
  const sslscan = which('sslscan');
  const ours = [];
  const inProcess = [];
  const theirs = [];
  const theirsSigs = [];
  const node0 = [];
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so both see the same machine load.
    const r = wall(process.execPath, probeArgs);
    ours.push(r.t);
    inProcess.push(JSON.parse(r.stdout).durationMs);
    if (sslscan) theirs.push(wall(sslscan, ['--no-colour', `127.0.0.1:${port}`]).t);
    if (sslscan) theirsSigs.push(wall(sslscan, ['--no-colour', '--show-sigs', `127.0.0.1:${port}`]).t);
    node0.push(wall(process.execPath, ['-e', '0']).t);
  }
  const m = median(ours);
  console.log(`full probe of a loopback nginx, ${RUNS} runs, medians:`);
  console.log(`  tls-lens probe (CLI wall)        ${m.toFixed(0)} ms`);
  console.log(`  probeEndpoint (in process)       ${median(inProcess).toFixed(0)} ms`);
  console.log(`  reference: node -e 0             ${median(node0).toFixed(0)} ms`);
  if (sslscan) {
    console.log(`  sslscan --no-colour (wall)       ${median(theirs).toFixed(0)} ms  → ratio ours/sslscan ${(m / median(theirs)).toFixed(2)}`);
    console.log(`  sslscan --show-sigs (wall)       ${median(theirsSigs).toFixed(0)} ms  → ratio ours/sslscan ${(m / median(theirsSigs)).toFixed(2)}`);
  }
  else console.log('  sslscan not installed: no ratio');
} finally {
  await fx.stop();
}

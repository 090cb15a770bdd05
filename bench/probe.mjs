// Benchmark of the raw probe scanner (not a test): a scan of a loopback nginx against
// `sslscan` on the same server in the same run, medians over several runs, plus the
// agreement of their accepted version/suite pairs. With --testssl, one `testssl --fast`
// run on the first fixture for the order-of-magnitude comparison (one to two minutes), with
// its offered versions and suites compared to ours; --testssl-all does that on every fixture.
//
// Usage: npm run build && node bench/probe.mjs [--runs N] [--fixtures modern,legacy] [--testssl | --testssl-all]
//    or: npm run bench -- --probe [--testssl]   (`npm run bench` runs it only when asked: it
//        starts nginx and sslscan many times and takes a minute on a busy machine)
// Results also go to bench/results/probe.json.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const RUNS = Number(arg('--runs', 7));
const FIXTURES = arg('--fixtures', 'modern,legacy,dhe1024,static-rsa,ecdsa').split(',');
const WITH_TESTSSL = process.argv.includes('--testssl') || process.argv.includes('--testssl-all');
// --testssl-all: testssl on every fixture (one to two minutes each on a quiet machine), not just the first.
const TESTSSL_ALL = process.argv.includes('--testssl-all');
if (process.argv.includes('--if-asked') && !process.argv.includes('--probe') && process.env.TLS_LENS_BENCH_PROBE !== '1') {
  console.log('bench/probe: skipped (pass --probe, e.g. `npm run bench -- --probe [--testssl]`, or set TLS_LENS_BENCH_PROBE=1)');
  process.exit(0);
}

const which = (name) => {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};
const nginx = which('nginx');
const sslscan = which('sslscan');
const testssl = which('testssl') ?? which('testssl.sh');
if (!nginx || !sslscan) {
  console.log(`bench/probe: skipped (needs nginx and sslscan; found nginx=${!!nginx} sslscan=${!!sslscan})`);
  process.exit(0);
}

let scanner, support, sslscanSupport;
try {
  scanner = require(join(root, 'out/server/src/core/probe/scan/index.js'));
  support = require(join(root, 'out/test/support/nginxServer.js'));
  sslscanSupport = require(join(root, 'out/test/support/nginxServerSslscan.js'));
} catch (e) {
  console.error(`bench/probe: build first (npm run build): ${e.message}`);
  process.exit(1);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const now = () => Number(process.hrtime.bigint()) / 1e6;
const ms = (x) => `${x.toFixed(0)} ms`;

// Our scanner as a fresh process (Node start-up included), like sslscan: bundled into one file
// with esbuild, as the CLI ships.
const bundleDir = mkdtempSync(join(tmpdir(), 'tls-lens-probe-bench-'));
const bundle = join(bundleDir, 'scan.js');
require('esbuild').buildSync({ entryPoints: [join(root, 'server/src/core/probe/scan/index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, outfile: bundle, logLevel: 'silent' });
process.on('exit', () => rmSync(bundleDir, { recursive: true, force: true }));

function scanProcess(port, sni) {
  const code = `require(${JSON.stringify(bundle)}).scanEndpoint({host:${JSON.stringify(sni)},connectTo:'127.0.0.1',port:${port}},{timeoutMs:5000}).then(r=>process.stdout.write(String(r.versions.length)))`;
  return new Promise((res, rej) => {
    const t0 = now();
    const p = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    p.once('error', rej);
    p.once('close', (c) => (c === 0 ? res(now() - t0) : rej(new Error(`scan process exited ${c}`))));
  });
}

/** `node -e 0`: the share of Node's own start-up in the process figure. */
function nodeStart() {
  return new Promise((res, rej) => {
    const t0 = now();
    const p = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    p.once('error', rej);
    p.once('close', () => res(now() - t0));
  });
}

async function timeSslscan(port, sni) {
  const t0 = now();
  const r = await sslscanSupport.runSslscan(sslscan, '127.0.0.1', port, sni);
  return { t: now() - t0, r };
}

const pairsOf = (scan) => scan.versions.flatMap((v) => v.suites.map((s) => sslscanSupport.pair(v.version, s))).sort();

const pki = await support.makeTestPki();
const results = [];
for (const name of FIXTURES) {
  const fixture = await support.nginxFixture(pki, name);
  const server = await support.startNginx(nginx, fixture.spec);
  const target = { host: fixture.serverName, connectTo: '127.0.0.1', port: server.port };
  try {
    // Warm-up (nginx's first handshakes, page cache), not counted.
    const first = await scanner.scanEndpoint(target, { timeoutMs: 5000 });
    const ref = await timeSslscan(server.port, fixture.serverName);
    const ours = [];
    const oursProc = [];
    const theirs = [];
    const boot = [];
    for (let i = 0; i < RUNS; i++) {
      boot.push(await nodeStart());
      const t0 = now();
      await scanner.scanEndpoint(target, { timeoutMs: 5000 });
      ours.push(now() - t0);
      oursProc.push(await scanProcess(server.port, fixture.serverName));
      theirs.push((await timeSslscan(server.port, fixture.serverName)).t);
    }
    const a = pairsOf(first);
    const b = ref.r.pairs;
    const same = a.length === b.length && a.every((x, i) => x === b[i]);
    const row = {
      fixture: name,
      description: fixture.description,
      pairs: a.length,
      sslscanPairs: b.length,
      agree: same,
      oursMs: median(ours),
      oursProcessMs: median(oursProc),
      nodeStartMs: median(boot),
      sslscanMs: median(theirs),
      ratio: median(ours) / median(theirs),
      ratioProcess: median(oursProc) / median(theirs),
    };
    results.push(row);
    console.log(
      `${name.padEnd(11)} ${String(row.pairs).padStart(3)} pairs, sslscan ${String(row.sslscanPairs).padStart(3)} (${same ? 'equal' : 'DIFFERENT'})  ` +
        `scan ${ms(row.oursMs)} (as a process ${ms(row.oursProcessMs)}, of which node -e 0 ${ms(row.nodeStartMs)})  sslscan ${ms(row.sslscanMs)}  ratio ${row.ratio.toFixed(2)} (process ${row.ratioProcess.toFixed(2)})`,
    );
    if (!same) console.log(`  only ours: ${a.filter((x) => !b.includes(x)).join(', ')}\n  only sslscan: ${b.filter((x) => !a.includes(x)).join(', ')}`);

    if (WITH_TESTSSL && (TESTSSL_ALL || results.length === 1)) {
      if (!testssl) console.log('testssl: not installed, skipped');
      else {
        const dir = mkdtempSync(join(tmpdir(), 'tls-lens-testssl-'));
        const json = join(dir, 'out.json');
        const t0 = now();
        spawnSync(testssl, ['--fast', '--quiet', '--warnings', 'off', '--color', '0', '--jsonfile', json, '--ip', '127.0.0.1', `${fixture.serverName}:${server.port}`], { stdio: 'ignore', timeout: 600_000 });
        const t = now() - t0;
        let protocols = '';
        let suites = '';
        try {
          const findings = JSON.parse(readFileSync(json, 'utf8'));
          const offered = findings.filter((f) => /^(SSLv[23]|TLS1(_[123])?)$/.test(f.id) && /^offered/.test(f.finding)).map((f) => f.id);
          protocols = offered.join(' ');
          // testssl --fast lists every accepted suite once, over all versions: ids cipher_x<hex>.
          const theirs = new Set(findings.filter((f) => /^cipher_x[0-9a-f]+$/i.test(f.id)).map((f) => parseInt(f.id.slice(8), 16)));
          const ours = new Set(first.versions.filter((v) => v.accepted).flatMap((v) => v.suites));
          const onlyOurs = [...ours].filter((c) => !theirs.has(c));
          const onlyTheirs = [...theirs].filter((c) => !ours.has(c));
          const hex = (c) => '0x' + c.toString(16).padStart(4, '0');
          suites = onlyOurs.length || onlyTheirs.length
            ? `DIFFERENT suites (only ours: ${onlyOurs.map(hex).join(' ') || '-'}; only testssl: ${onlyTheirs.map(hex).join(' ') || '-'})`
            : `the same ${ours.size} suites`;
          row.testsslSuitesAgree = !(onlyOurs.length || onlyTheirs.length);
        } catch {
          protocols = '(no JSON)';
        }
        rmSync(dir, { recursive: true, force: true });
        const oursVersions = first.versions.filter((v) => v.accepted).map((v) => v.version).join(' ');
        row.testsslMs = t;
        row.testsslRatio = t / row.oursMs;
        console.log(`testssl --fast on ${name}: ${ms(t)} = ${row.testsslRatio.toFixed(0)}x our scan; testssl protocols offered: ${protocols}; ours: ${oursVersions}; ${suites}`);
      }
    }
  } finally {
    await server.stop();
  }
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/probe.json'), JSON.stringify({ runs: RUNS, date: new Date().toISOString(), results }, null, 2) + '\n');

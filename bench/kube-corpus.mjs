// Public manifests, one CLI run over several repositories (extracted under /work/corpus or
// --corpus DIR): wall time, CPU time and peak RSS of `tls-lens check REPO… --format json`,
// medians of --runs runs, each run also timing `node -e 0` and (with BASE=path/to/cli.js)
// another build's CLI on the same repositories, in rotating order. Prints how many files the
// CLI reads as manifests. Peak RSS comes from GNU time (/usr/bin/time), when installed.
// Usage: node bench/kube-corpus.mjs [--runs 3] [--set gitops|all] [--corpus DIR]   (needs `npm run build`)
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { loadAverage, median, ms } from './lib/measure.mjs';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const core = require(join(root, 'out/server/src/core/index.js'));
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const RUNS = Number(arg('--runs', 3));
const CORPUS = arg('--corpus', '/work/corpus');
// Without Istio's 2,764 manifests (most of them test data), the set is about the 1,800 manifests issue 13 measured.
const SETS = {
  gitops: ['kubernetes+ingress-nginx', 'kubernetes-sigs+gateway-api', 'cert-manager+cert-manager', 'linkerd+linkerd2', 'traefik+traefik', 'onedr0p+home-ops', 'khuedoan+homelab', 'fluxcd+flux2-kustomize-helm-example', 'argoproj+argocd-example-apps'],
};
SETS.all = [...SETS.gitops, 'istio+istio'];
const repos = SETS[arg('--set', 'gitops')].filter((r) => existsSync(join(CORPUS, r)));
const BASE = process.env.BASE;
const loadAtStart = loadAverage();

// What the CLI will read as manifests (by the same detection).
let manifests = 0;
let bytes = 0;
const walk = (d) => {
  for (const n of readdirSync(d)) {
    if (n === '.git' || n === 'node_modules') continue;
    const p = join(d, n);
    const st = lstatSync(p);
    if (st.isDirectory()) walk(p);
    else if (st.isFile() && /\.(ya?ml|json)$/i.test(n)) {
      const t = readFileSync(p, 'utf8');
      if (core.detectFormat(new core.TextDoc(p, t)) === 'kubernetes') {
        manifests++;
        bytes += t.length;
      }
    }
  }
};
for (const r of repos) walk(join(CORPUS, r));

const hasTime = existsSync('/usr/bin/time');
function run(args) {
  const cmd = hasTime ? '/usr/bin/time' : process.execPath;
  const full = hasTime ? ['-f', '%e %U %S %M', process.execPath, ...args] : args;
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, full, { cwd: CORPUS, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr.toString().slice(-500)}`);
  const last = r.stderr.toString().trim().split('\n').at(-1) ?? '';
  const [, u, s, kb] = hasTime ? last.split(' ').map(Number) : [];
  return { wall, cpu: hasTime ? (u + s) * 1000 : NaN, rss: hasTime ? kb / 1024 : NaN };
}
const check = (cli) => [cli, 'check', ...repos, '--format', 'json', '--fail-on', 'never'];
const results = { ours: [], base: [], node: [] };
for (let r = 0; r < RUNS; r++) {
  const order = r % 2 ? ['base', 'ours', 'node'] : ['ours', 'node', 'base'];
  for (const which of order) {
    if (which === 'base' && !BASE) continue;
    results[which].push(run(which === 'node' ? ['-e', '0'] : check(which === 'ours' ? join(root, 'dist/cli.js') : BASE)));
  }
}
const m = (list, k) => median(list.map((x) => x[k]));
console.log(`load average at start ${loadAtStart}, at end ${loadAverage()} (${cpus().length} CPUs)`);
console.log(`corpus — ${repos.length} repositories, ${manifests} manifests (${(bytes / 1e6).toFixed(1)} MB); ${RUNS} runs, medians`);
console.log(`tls-lens check (one run over all)            wall ${ms(m(results.ours, 'wall'))}, CPU ${ms(m(results.ours, 'cpu'))}, peak RSS ${m(results.ours, 'rss').toFixed(0)} MB  (goal < 2000 ms)`);
console.log(`  reference: node -e 0                      wall ${ms(m(results.node, 'wall'))} (check = ${(m(results.ours, 'wall') / m(results.node, 'wall')).toFixed(1)}×)`);
if (BASE) console.log(`  ${BASE}  wall ${ms(m(results.base, 'wall'))}, CPU ${ms(m(results.base, 'cpu'))}, peak RSS ${m(results.base, 'rss').toFixed(0)} MB (ours = ${(m(results.ours, 'wall') / m(results.base, 'wall')).toFixed(2)}× wall, ${(m(results.ours, 'cpu') / m(results.base, 'cpu')).toFixed(2)}× CPU)`);

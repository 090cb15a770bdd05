// Scale benchmark for the Kubernetes rules: a generated workspace of 2,000 YAML files with
// 10,000 resources, 500 of them TLS Secrets (distinct certificates), 500 Ingresses naming
// them across files (bench/lib/kubeWorkspace.mjs). Measures (medians, each with a reference
// measured in the same run, interleaved with it): indexing + linting every file in process
// against the `yaml` package's parse of the same files, the re-lint of one edited Ingress, the
// CLI on the folder against `node -e 0` (and against another build's CLI with BASE=path/to/cli.js),
// and the language server's time from opening an Ingress to its first and its cross-file
// diagnostics, with its memory once it has indexed the workspace.
// Usage: node bench/kube-scale.mjs [--runs N] [--server-runs N]   (needs `npm run build`)
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { ingress, writeKubeWorkspace } from './lib/kubeWorkspace.mjs';
import { cpuMs, loadAverage, median, ms, now, rssMb, whenIdle } from './lib/measure.mjs';

const root = resolve(import.meta.dirname, '..');
const loadAtStart = loadAverage();
const require = createRequire(import.meta.url);
const core = require(join(root, 'out/server/src/core/index.js'));
const { NodeHost } = require(join(root, 'out/server/src/host/nodeHost.js'));
const arg = (name, dflt) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : dflt);
const RUNS = arg('--runs', 7);
const SERVER_RUNS = arg('--server-runs', 3);
const BASE = process.env.BASE;
// --only inproc,cli,server: run those parts only.
const ONLY = process.argv.includes('--only') ? new Set(process.argv[process.argv.indexOf('--only') + 1].split(',')) : undefined;
const part = (name) => !ONLY || ONLY.has(name);

const { dir, files, resources } = await writeKubeWorkspace(500);

// As the CLI reads files (blocking calls: a batch run).
const host = new NodeHost({ blocking: true });
const policy = core.resolvePolicy();
const when = new Date();
const { parseAllDocuments } = require(join(root, 'node_modules/yaml'));
const texts = files.map((f) => readFileSync(f, 'utf8'));
let findings = 0;
let index;
const full = { wall: [], cpu: [] };
const yamlOnly = { wall: [], cpu: [] };
// Interleaved, so each ratio compares times taken under the same load (the machine is shared).
for (let r = 0; r < (part('inproc') ? RUNS : 1); r++) {
  let t = now();
  let c = process.cpuUsage();
  // As the CLI does: index every file, then lint each with the bytes the index read.
  const cached = new core.IndexedFilesHost(host);
  index = await core.indexFiles(host, files.map((f) => ({ path: f, name: f })), policy.maxFileSizeBytes, undefined, undefined, cached);
  let n = 0;
  for (const f of files) {
    const res = await core.lintFile(cached, f, f, { policy, now: when, kubeIndex: index });
    n += res.findings?.length ?? 0;
  }
  full.wall.push(now() - t);
  full.cpu.push(cpuMs(c));
  findings = n;
  t = now();
  c = process.cpuUsage();
  for (const x of texts) parseAllDocuments(x);
  yamlOnly.wall.push(now() - t);
  yamlOnly.cpu.push(cpuMs(c));
}

// One Ingress edited (as in an editor): the index takes the new text, then the document is linted.
const target = files[4 * 250];
const original = readFileSync(target, 'utf8');
const relint = [];
for (let r = 0; r < Math.max(RUNS * 6, 30); r++) {
  const text = r % 2 ? original : ingress(250, 'team250', `\n    x-edit: "${r}"`);
  const t = now();
  index.setFile(target, text);
  const out = core.lintDocument(new core.TextDoc(target, text), { policy, now: when, kubeIndex: index });
  relint.push(now() - t);
  if (!out.some((f) => f.ruleId === 'ingress/certificate-mismatch')) throw new Error('the edited Ingress lost its cross-file finding');
}

// The CLI as a process, against `node -e 0` (and another build's CLI), in rotating order.
const time = (args) => {
  const t = now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')}: exit ${r.status} ${r.stderr}`);
  return now() - t;
};
const cliArgs = (cli) => [cli, 'check', dir, '--fail-on', 'never', '--format', 'json'];
const cli = [];
const node0 = [];
const base = [];
for (let r = 0; r < (part('cli') ? Math.min(RUNS, 5) : 0); r++) {
  node0.push(time(['-e', '0']));
  cli.push(time(cliArgs(join(root, 'dist/cli.js'))));
  if (BASE) base.push(time(cliArgs(BASE)));
}

// The language server: open one Ingress, time its first publish and the one with cross-file findings; RSS once indexed.
const { LspSession, fileUri } = require(join(root, 'out/test/support/lspClient.js'));
const firstPublish = [];
const completePublish = [];
const rss = [];
let firstHasCrossFile = false;
let firstCount = 0;
for (let r = 0; r < (part('server') ? SERVER_RUNS : 0); r++) {
  const session = await LspSession.start({ workspaceFolders: [dir] });
  const uri = fileUri(target);
  const t0 = now();
  await session.open(uri, 'yaml', original);
  const crossFile = (p) => p.diagnostics.some((d) => d.code === 'ingress/certificate-mismatch');
  const first = await session.diagnostics(uri, { timeoutMs: 120_000 });
  firstPublish.push(now() - t0);
  firstHasCrossFile = crossFile(first);
  firstCount = first.diagnostics.length;
  if (!firstHasCrossFile) await session.diagnostics(uri, { accept: crossFile, timeoutMs: 120_000 });
  completePublish.push(now() - t0);
  // Memory once the whole workspace is indexed (the server has gone quiet).
  await whenIdle(session.proc.pid);
  rss.push(rssMb(session.proc.pid));
  await session.shutdownAndExit();
}

console.log(`load average at start ${loadAtStart}, at end ${loadAverage()} (${cpus().length} CPUs)`);
console.log(`kube scale — ${files.length} files, ${resources} resources, 500 TLS Secrets, ${findings} findings; ${RUNS} runs, medians`);
console.log(`index + lint every file (in process)          wall ${ms(median(full.wall))}, CPU ${ms(median(full.cpu))}`);
console.log(`  reference: yaml parse of the same files       wall ${ms(median(yamlOnly.wall))}, CPU ${ms(median(yamlOnly.cpu))}`);
console.log(`  ratio (goal ≤ 0.8)                            wall ${(median(full.wall) / median(yamlOnly.wall)).toFixed(2)}, CPU ${(median(full.cpu) / median(yamlOnly.cpu)).toFixed(2)}`);
console.log(`re-lint one edited Ingress, cross-file checks   ${ms(median(relint))}  (goal < 50 ms)`);
console.log(`CLI on the folder (wall, process start incl.)   ${ms(median(cli))} = ${(median(cli) / median(node0)).toFixed(1)}× node -e 0 (${ms(median(node0))})${BASE ? `; ${BASE}: ${ms(median(base))} (ours = ${(median(cli) / median(base)).toFixed(2)}×)` : ''}  (goal < 1000 ms)`);
console.log(`server: open one Ingress → first publish      ${ms(median(firstPublish))}  (${firstCount} diagnostics, ${firstHasCrossFile ? 'with' : 'before'} the cross-file ones)`);
console.log(`server: open one Ingress → cross-file publish ${ms(median(completePublish))}  (goal < 500 ms)`);
console.log(`server memory after indexing (RSS)            ${median(rss).toFixed(0)} MB  (goal < 150 MB)`);
if (process.env.KEEP) console.log(dir);
else rmSync(dir, { recursive: true, force: true });

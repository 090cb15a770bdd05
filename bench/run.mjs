// Start-up benchmarks (not tests): medians over repeated runs, each a ratio to `node -e 0`
// measured in the same run, interleaved so that load changes hit every measure alike.
// What is measured is the build that ships: the production bundles with their code caches,
// built into a scratch folder (`scripts/bundle.mjs --production`); the same bundles with the
// cache turned off (TLS_LENS_CODE_CACHE=off) show what the cache saves.
// Usage: npm run bench [-- --runs N]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onMessages, send as sendTo } from '../scripts/lsp-frames.mjs';

const root = resolve(import.meta.dirname, '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
const GOAL = 1.5;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

function timeCommand(args, env = process.env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const t = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return t;
}

/** Spawns the server over stdio, opens a document, resolves with ms until its first non-empty diagnostics. */
function serverColdStart(serverJs, file, env = process.env) {
  return new Promise((resolvePromise, reject) => {
    const text = readFileSync(file, 'utf8');
    const uri = pathToFileURL(file).href;
    const t0 = process.hrtime.bigint();
    const p = spawn(process.execPath, [serverJs, '--stdio'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    const send = (msg) => sendTo(p.stdin, msg);
    const timer = setTimeout(() => {
      p.kill();
      reject(new Error('no diagnostics within 10 s'));
    }, 10_000);
    onMessages(p.stdout, (msg) => {
      if (msg.id === 1) {
        send({ method: 'initialized', params: {} });
        send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'nginx', version: 1, text } } });
      } else if (msg.method === 'textDocument/publishDiagnostics' && msg.params.uri === uri && msg.params.diagnostics.length > 0) {
        const t = Number(process.hrtime.bigint() - t0) / 1e6;
        clearTimeout(timer);
        send({ id: 2, method: 'shutdown' });
        send({ method: 'exit' });
        p.on('exit', () => resolvePromise(t));
      }
    });
    send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null } });
  });
}

const loadBefore = load();
const prod = mkdtempSync(join(tmpdir(), 'tls-lens-bundle-'));
const built = spawnSync(process.execPath, ['scripts/bundle.mjs', '--production', '--outdir', prod], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(1);
const cli = join(prod, 'cli.js');
const server = join(prod, 'server.js');
const noCache = { ...process.env, TLS_LENS_CODE_CACHE: 'off' };
const weak = join(root, 'examples/nginx/sites-enabled/weak.example.com');
const checkArgs = ['check', 'examples', '--fail-on', 'never'];

const t = { noop: [], cli: [], cliNoCache: [], server: [], serverNoCache: [], version: [] };
for (let i = 0; i < RUNS; i++) {
  t.noop.push(timeCommand(['-e', '0']));
  t.cli.push(timeCommand([cli, ...checkArgs]));
  t.cliNoCache.push(timeCommand([cli, ...checkArgs], noCache));
  t.version.push(timeCommand([cli, '--version']));
  t.server.push(await serverColdStart(server, weak));
  t.serverNoCache.push(await serverColdStart(server, weak, noCache));
}

const size = (f) => `${(statSync(join(prod, f)).size / 1024).toFixed(0)} KiB`;
const noop = median(t.noop);
const row = (label, xs, goal) => {
  const m = median(xs);
  const ratio = m / noop;
  const verdict = goal ? `  goal ≤ ${GOAL}×: ${ratio <= GOAL ? 'met' : 'not met'}` : '';
  console.log(`${label.padEnd(52)} ${m.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2)}× node -e 0${verdict}`);
};
console.log(`TLS Lens start-up — ${RUNS} runs each, interleaved, medians (${new Date().toISOString()}, node ${process.version})`);
console.log(`load average (1, 5, 15 min): ${loadBefore} before, ${load()} after`);
row('reference: node -e 0', t.noop);
row('tls-lens --version (load the CLI, nothing else)', t.version);
row('tls-lens check examples/ (wall)', t.cli, true);
row('  … with the code cache off', t.cliNoCache);
row('server: spawn → first diagnostics (stdio)', t.server, true);
row('  … with the code cache off', t.serverNoCache);
console.log(`bundles (minified, as packaged): extension ${size('extension.js')}, server ${size('server.bundle.js')} (+ ${size('server.bundle.js.' + cacheSuffix(prod, 'server'))} code cache), cli ${size('cli.bundle.js')} (+ ${size('cli.bundle.js.' + cacheSuffix(prod, 'cli'))} code cache)`);
rmSync(prod, { recursive: true, force: true });

function cacheSuffix(dir, name) {
  const f = readdirSync(dir).find((n) => n.startsWith(`${name}.bundle.js.`) && n.endsWith('.cache')) ?? '';
  return f.slice(`${name}.bundle.js.`.length);
}

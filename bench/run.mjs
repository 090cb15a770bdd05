// Benchmarks (not tests): medians over repeated runs, with ratios against a reference
// measured in the same run. Usage: npm run bench [-- --runs N]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => `${x.toFixed(1)} ms`;

function timeCommand(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const t = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return t;
}

/** Spawns the server over stdio, opens a document, resolves with ms until its first non-empty diagnostics. */
function serverColdStart(file) {
  return new Promise((resolvePromise, reject) => {
    const text = readFileSync(file, 'utf8');
    const uri = pathToFileURL(file).href;
    const t0 = process.hrtime.bigint();
    const p = spawn(process.execPath, [join(root, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const send = (msg) => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...msg });
      p.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      p.kill();
      reject(new Error('no diagnostics within 10 s'));
    }, 10_000);
    p.stdout.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const sep = buf.indexOf('\r\n\r\n');
        if (sep < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, sep).toString())[1]);
        if (buf.length < sep + 4 + len) return;
        const msg = JSON.parse(buf.subarray(sep + 4, sep + 4 + len).toString());
        buf = buf.subarray(sep + 4 + len);
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
      }
    });
    send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null } });
  });
}

const nodeNoop = [];
const cli = [];
const server = [];
const weak = join(root, 'examples/nginx/sites-enabled/weak.example.com');
for (let i = 0; i < RUNS; i++) {
  nodeNoop.push(timeCommand(process.execPath, ['-e', '0']));
  cli.push(timeCommand(process.execPath, ['dist/cli.js', 'check', 'examples', '--fail-on', 'never']));
  server.push(await serverColdStart(weak));
}

const prod = mkdtempSync(join(tmpdir(), 'tls-lens-bundle-'));
spawnSync(process.execPath, ['scripts/bundle.mjs', '--production', '--outdir', prod], { cwd: root, stdio: 'inherit' });
const size = (f) => `${(statSync(f).size / 1024).toFixed(0)} KiB`;

const noop = median(nodeNoop);
console.log(`TLS Lens benchmarks — ${RUNS} runs each, medians (${new Date().toISOString()}, node ${process.version})`);
console.log(`reference: node -e 0                          ${ms(noop)}`);
console.log(`CLI: tls-lens check examples/ (wall)          ${ms(median(cli))}  (${(median(cli) / noop).toFixed(2)}× node -e 0; goal < 300 ms)`);
console.log(`server: spawn → first diagnostics (stdio)     ${ms(median(server))}  (${(median(server) / noop).toFixed(2)}× node -e 0; goal < 300 ms)`);
console.log(`bundles (minified, as packaged): extension ${size(join(prod, 'extension.js'))}, server ${size(join(prod, 'server.js'))}, cli ${size(join(prod, 'cli.js'))}`);
rmSync(prod, { recursive: true, force: true });

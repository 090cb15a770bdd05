// Soak bench (not a test): one language server over stdio, many mutated documents, each opened,
// asked for hover, code actions and code lenses, and closed. Counts crashes, requests answered
// after more than 5 s (and the slowest answer), and samples the server's RSS over the run.
//
//   npm run build && node bench/soak.mjs [--docs 100000] [--seed 1] [--report-every 10000]
//
// Seeds are the project's own examples plus generated shapes; mutations: truncation, byte
// flips, deep nesting, huge strings, alias bombs, 10,000-document files, 3,000-certificate
// bundles, 100,000-line nginx files, splices of two seeds, control characters.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const DOCS = arg('--docs', 100_000);
// --only yaml,pem (any of nginx, yaml, pem, json): that part of the mix only.
const ONLY = process.argv.includes('--only') ? new Set(process.argv[process.argv.indexOf('--only') + 1].split(',')) : undefined;
const wanted = (kind) => !ONLY || ONLY.has(kind);
const REPORT_EVERY = arg('--report-every', 10_000);
const SLOW_MS = 5_000;
const HANG_MS = 60_000;
let seed = arg('--seed', 1) >>> 0 || 1;

/** xorshift32: the same sequence of documents for the same seed. */
function rand() {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 0x100000000;
}
const int = (n) => Math.floor(rand() * n);
const pick = (xs) => xs[int(xs.length)];

// ---------------------------------------------------------------------------------------
// Seeds

function walk(dir, out = []) {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (!/\.(mjs|md)$/.test(n)) out.push(p);
  }
  return out;
}

const seeds = walk(join(root, 'examples')).map((p) => ({ name: p.slice(root.length + 1), text: readFileSync(p, 'utf8') }));
const certPem = seeds.find((s) => s.name.endsWith('valid.crt'))?.text ?? '';
const kinds = {
  nginx: seeds.filter((s) => /nginx/.test(s.name)),
  yaml: seeds.filter((s) => /\.ya?ml$/.test(s.name)),
  pem: seeds.filter((s) => /\.(crt|pem|key)$/.test(s.name)),
};
const jsonSeed = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'y' }, data: { 'tls.crt': Buffer.from(certPem).toString('base64') } }, null, 2);

const generated = {
  deepNginx: (n) => 'http {\n' + 'server { location / {\n'.repeat(n) + '}}\n'.repeat(n) + '}\n',
  deepYaml: (n) => Array.from({ length: n }, (_, i) => ' '.repeat(i) + 'a:').join('\n') + ' 1\n',
  deepJson: (n) => '['.repeat(n) + ']'.repeat(n),
  hugeString: (n) => `server {\n  server_name ${'a'.repeat(n)};\n  listen 443 ssl;\n}\n`,
  aliasBomb: () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    return lines.join('\n') + '\n';
  },
  manyDocs: (n) => Array.from({ length: n }, (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  namespace: ns\ndata:\n  k: v\n`).join(''),
  bundle: (n) => certPem.repeat(n),
  /** A long nginx file with a finding on most servers (weak protocols, no HSTS). */
  bigNginx: (servers) =>
    'http {\n' + Array.from({ length: servers }, (_, i) => `server {\n listen 443 ssl;\n ssl_protocols TLSv1;\n location / {\n proxy_pass https://u${i};\n }\n}\n`).join('') + '}\n',
};

// ---------------------------------------------------------------------------------------
// Mutations

function truncate(t) {
  return t.slice(0, int(t.length + 1));
}
function flipBytes(t) {
  const chars = [...t];
  const n = 1 + int(8);
  for (let i = 0; i < n && chars.length; i++) chars[int(chars.length)] = String.fromCharCode(int(0x80));
  return chars.join('');
}
function controlChars(t) {
  const at = int(t.length + 1);
  return t.slice(0, at) + pick(['\u0000', '\u001b[31m', '\u0007', '\f', '\ufeff', '\ud800', '\u2028']) + t.slice(at);
}
function splice(a, b) {
  return a.slice(0, int(a.length + 1)) + b.slice(int(b.length + 1));
}

/** One document: a file name (its extension and folder pick the format) and its text. */
function nextDocument(i) {
  for (;;) {
    const d = candidate(i);
    if (wanted(d.kind)) return d;
  }
}

function candidate(i) {
  const r = rand();
  if (r < 0.002) return { kind: 'nginx', name: 'deep/nginx.conf', text: generated.deepNginx(500 + int(3000)) };
  if (r < 0.004) return { kind: 'yaml', name: 'deep.yaml', text: generated.deepYaml(200 + int(2000)) };
  if (r < 0.006) return { kind: 'json', name: 'deep.json', text: generated.deepJson(1000 + int(10000)) };
  if (r < 0.008) return { kind: 'nginx', name: 'huge/conf.d/huge.conf', text: generated.hugeString(100_000 + int(1_500_000)) };
  if (r < 0.010) return { kind: 'yaml', name: 'bomb.yaml', text: generated.aliasBomb() };
  if (r < 0.0105) return { kind: 'yaml', name: 'many.yaml', text: generated.manyDocs(10_000) };
  if (r < 0.011) return { kind: 'pem', name: 'bundle.pem', text: generated.bundle(pick([1500, 3000])) };
  if (r < 0.0113) return { kind: 'nginx', name: 'big/nginx.conf', text: generated.bigNginx(14_300) };
  const kind = pick(['nginx', 'nginx', 'yaml', 'yaml', 'pem', 'json']);
  let text = kind === 'json' ? jsonSeed : pick(kinds[kind]).text;
  const name = kind === 'json' ? `m${i % 97}.json` : kind === 'nginx' ? pick(['nginx.conf', 'conf.d/site.conf', 'sites-enabled/site']) : kind === 'yaml' ? `k${i % 97}.yaml` : `c${i % 97}.pem`;
  const rounds = 1 + int(3);
  for (let k = 0; k < rounds; k++) {
    const m = rand();
    if (m < 0.3) text = truncate(text);
    else if (m < 0.6) text = flipBytes(text);
    else if (m < 0.8) text = controlChars(text);
    else text = splice(text, pick(seeds).text);
  }
  return { kind, name, text };
}

// ---------------------------------------------------------------------------------------
// The server

class Server {
  constructor() {
    // SOAK_NODE_ARGS: extra node options for the server (e.g. --heapsnapshot-signal=SIGUSR2 to look at its heap).
    const nodeArgs = (process.env.SOAK_NODE_ARGS ?? '').split(' ').filter(Boolean);
    this.proc = spawn(process.execPath, [...nodeArgs, join(root, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'], cwd: process.env.SOAK_CWD ?? process.cwd() });
    this.buf = Buffer.alloc(0);
    this.nextId = 1;
    this.pending = new Map();
    this.exited = false;
    this.proc.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error('server exited'));
      this.pending.clear();
    });
    this.proc.stdin.on('error', () => {});
    this.proc.stdout.on('data', (chunk) => this.onData(chunk));
  }
  onData(chunk) {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, sep).toString())[1]);
      if (this.buf.length < sep + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(sep + 4, sep + 4 + len).toString());
      this.buf = this.buf.subarray(sep + 4 + len);
      if (msg.id !== undefined && msg.method === undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.resolve(msg);
      } else if (msg.id !== undefined && msg.method) {
        // Requests from the server (configuration, registerCapability …): answer empty.
        this.send({ id: msg.id, result: msg.method === 'workspace/configuration' ? (msg.params.items ?? []).map(() => null) : null });
      }
    }
  }
  send(msg) {
    if (this.exited) return;
    const body = JSON.stringify({ jsonrpc: '2.0', ...msg });
    this.proc.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  request(method, params) {
    const id = this.nextId++;
    const t0 = process.hrtime.bigint();
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer within ${HANG_MS} ms`));
      }, HANG_MS);
      this.pending.set(id, {
        resolve: (msg) => {
          clearTimeout(timer);
          resolvePromise({ msg, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.send({ id, method, params });
    });
  }
  rssMb() {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.proc.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : undefined;
    } catch {
      return undefined;
    }
  }
  async start() {
    const folder = pathToFileURL(tmpdir()).href;
    await this.request('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: [{ uri: `${folder}/tls-lens-soak`, name: 'soak' }] });
    this.send({ method: 'initialized', params: {} });
  }
  stop() {
    this.send({ id: this.nextId++, method: 'shutdown' });
    this.send({ method: 'exit' });
    setTimeout(() => this.proc.kill(), 1000).unref();
  }
}

// ---------------------------------------------------------------------------------------
// The run

const stats = { docs: 0, requests: 0, slow: 0, hung: 0, crashes: 0, slowest: { ms: 0, what: '' }, rss: [] };
let server = new Server();
await server.start();
const base = join(tmpdir(), 'tls-lens-soak');
const t0 = Date.now();
for (let i = 0; i < DOCS; i++) {
  const { name, text } = nextDocument(i);
  const uri = pathToFileURL(join(base, name)).href;
  const lines = text.split('\n');
  const pos = () => {
    const line = int(lines.length);
    return { line, character: int((lines[line]?.length ?? 0) + 1) };
  };
  server.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: name.endsWith('.pem') ? 'pem' : /\.(ya?ml)$/.test(name) ? 'yaml' : name.endsWith('.json') ? 'json' : 'nginx', version: 1, text } } });
  const p = pos();
  const asks = [
    ['textDocument/hover', { textDocument: { uri }, position: p }],
    ['textDocument/codeAction', { textDocument: { uri }, range: { start: p, end: p }, context: { diagnostics: [] } }],
    ['textDocument/codeLens', { textDocument: { uri } }],
  ];
  for (const [method, params] of asks) {
    stats.requests++;
    try {
      const { ms } = await server.request(method, params);
      if (ms > SLOW_MS) stats.slow++;
      if (ms > stats.slowest.ms) stats.slowest = { ms, what: `${method} on ${name} (${text.length} chars, document ${i})` };
    } catch (e) {
      if (server.exited) {
        stats.crashes++;
        console.log(`crash at document ${i} (${name}, ${text.length} chars): ${e.message}`);
        server = new Server();
        await server.start();
        break;
      }
      stats.hung++;
      console.log(`hung at document ${i}: ${e.message}`);
    }
  }
  server.send({ method: 'textDocument/didClose', params: { textDocument: { uri } } });
  stats.docs++;
  if ((i + 1) % REPORT_EVERY === 0 || i + 1 === DOCS) {
    const rss = server.rssMb();
    stats.rss.push(rss);
    console.log(`${i + 1} documents, ${((Date.now() - t0) / 1000).toFixed(0)} s, RSS ${rss?.toFixed(0)} MB, slowest ${stats.slowest.ms.toFixed(0)} ms, load ${loadavg()[0].toFixed(1)}`);
  }
}
if (process.env.SOAK_SNAPSHOT) {
  // Ask for a heap snapshot (with --heapsnapshot-signal=SIGUSR2 in SOAK_NODE_ARGS) and give it time to be written.
  server.proc.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 20_000));
}
server.stop();
const rss = stats.rss.filter((x) => x !== undefined);
console.log(`\nsoak: ${stats.docs} documents, ${stats.requests} requests; crashes ${stats.crashes}, answered after > ${SLOW_MS / 1000} s: ${stats.slow}, unanswered after ${HANG_MS / 1000} s: ${stats.hung}`);
console.log(`slowest answer: ${stats.slowest.ms.toFixed(0)} ms — ${stats.slowest.what}`);
console.log(`RSS samples (MB, every ${REPORT_EVERY} documents): ${rss.map((x) => x.toFixed(0)).join(' ')}; first → last ${rss[0]?.toFixed(0)} → ${rss.at(-1)?.toFixed(0)}`);
process.exit(stats.crashes || stats.hung ? 1 : 0);

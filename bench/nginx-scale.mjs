// Scale benchmark for the nginx linter, against `nginx -t` on the same configuration in the same
// run (medians over repeated runs, interleaved, with the load average printed):
//
//   npm run build && node bench/nginx-scale.mjs [--runs 15] [--only inproc|cli|lsp] [--base DIR]
//
// - a generated 19,500-line configuration with 500 TLS servers and no findings: a full lint and
//   re-lints after one-character edits, five in a row per round (in process);
// - a generated 20,000-line configuration of 2,000 servers with 16,000 findings: a re-lint after
//   a one-character edit, and the same with every finding turned into an LSP diagnostic;
// - the CLI on the first configuration as one file and split over 51 included files
//   (nginx.conf + conf.d/part*.conf), wall time with process start;
// - the language server over stdio: an edit → the diagnostics of that version published, on both
//   files, and on a 114,000-line file (14,300 servers): open → publish, then hovers at random
//   positions and code lenses.
// `--base DIR` (a checkout or copy with its own out/ and dist/, e.g. the code before a change)
// measures the same things for it in the same run, interleaved.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const argOf = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(argOf('--runs')) || 15;
const only = argOf('--only');
const LSP = !process.argv.includes('--no-lsp') && (!only || only === 'lsp');
const INPROC = !only || only === 'inproc';
const CLI = !only || only === 'cli';
const base = argOf('--base') ? resolve(argOf('--base')) : undefined;
const impls = { new: root, ...(base ? { base } : {}) };
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const time = (fn) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const loads = [];
const sampleLoad = () => loads.push(loadavg()[0]);

// ---------------------------------------------------------------------------------------
// The configurations

function server(i) {
  const lines = [
    '    server {',
    `        listen 127.0.0.1:${10000 + i} ssl;`,
    `        server_name s${i}.example.test;`,
    '        ssl_certificate site.crt;',
    '        ssl_certificate_key site.key;',
    '        ssl_protocols TLSv1.2 TLSv1.3;',
    '        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384;',
    '        add_header Strict-Transport-Security "max-age=63072000" always;',
  ];
  for (let j = 0; j < 6; j++) {
    lines.push(`        location /app${j}/ {`, `            proxy_pass http://127.0.0.1:${20000 + j};`, '            proxy_set_header Host $host;', `            # route ${j} of server ${i}`, '        }');
  }
  lines.push('    }');
  return lines;
}

/** Ten lines, eight findings: weak protocols, no certificate, default ciphers, a short HSTS without "always", stapling without a resolver, early data, an unverified upstream. */
function findingServer(i) {
  return [
    `server { # site ${i}`,
    ' listen 443 ssl;',
    ' ssl_protocols TLSv1 TLSv1.2;',
    ' ssl_stapling on; ssl_early_data on;',
    ' add_header Strict-Transport-Security "max-age=60";',
    ' location / {',
    `  proxy_pass https://u${i};`,
    ' }',
    '}',
    '',
  ];
}

const dir = mkdtempSync(join(tmpdir(), 'tls-lens-scale-'));
mkdirSync(join(dir, 'conf', 'conf.d'), { recursive: true });
mkdirSync(join(dir, 'logs'));
// A certificate that covers every server_name and is not about to expire: the language server reads
// it (it is in the workspace), and the 19.5k-line file has no findings there either.
spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '90', '-subj', '/CN=scale.example.test', '-addext', 'subjectAltName=DNS:*.example.test', '-keyout', join(dir, 'conf', 'site.key'), '-out', join(dir, 'conf', 'site.crt')], { stdio: 'ignore' });
const head = ['pid logs/nginx.pid;', 'events {}', 'http {', '    access_log off;', '    client_body_temp_path logs/c;', '    proxy_temp_path logs/p;', '    fastcgi_temp_path logs/f;', '    uwsgi_temp_path logs/u;', '    scgi_temp_path logs/s;', '    server_names_hash_bucket_size 128;'];
const servers = Array.from({ length: 500 }, (_, i) => server(i));
const single = [...head, ...servers.flat(), '}', ''].join('\n');
writeFileSync(join(dir, 'conf', 'single.conf'), single);
for (let f = 0; f < 50; f++) writeFileSync(join(dir, 'conf', 'conf.d', `part${f}.conf`), servers.slice(f * 10, f * 10 + 10).flat().join('\n') + '\n');
writeFileSync(join(dir, 'conf', 'nginx.conf'), [...head, '    include conf.d/*.conf;', '}', ''].join('\n'));
const many = ['http {', ...Array.from({ length: 2000 }, (_, i) => findingServer(i)).flat(), '}', ''].join('\n');
mkdirSync(join(dir, 'many'));
writeFileSync(join(dir, 'many', 'nginx.conf'), many);
const huge = 'http {\n' + Array.from({ length: 14_300 }, (_, i) => `server {\n listen 443 ssl;\n server_name s${i}.example.test;\n ssl_protocols TLSv1;\n location / {\n proxy_pass https://u${i};\n }\n}\n`).join('') + '}\n';
mkdirSync(join(dir, 'huge'));
writeFileSync(join(dir, 'huge', 'nginx.conf'), huge);
const lineCount = (t) => t.split('\n').length;

// Every re-lint sees a text it has not seen before: one character changed from the previous
// version of the same document (as an editor sends it), never a repeat a cache could answer.
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const singleEdit = { needle: 'route 3 of server 250', line: single.split('\n').findIndex((l) => l.includes('route 3 of server 250')) };
const manyEdit = { needle: '# site 1000', line: many.split('\n').findIndex((l) => l.includes('# site 1000')) };
const edited = (text, e, r) => text.replace(e.needle, `${e.needle.slice(0, -1)}${LETTERS[r % LETTERS.length]}`);

// ---------------------------------------------------------------------------------------
// In process

const haveNginx = spawnSync('sh', ['-c', 'command -v nginx']).status === 0;
const nginxT = (conf) => () => {
  const x = spawnSync('nginx', ['-t', '-q', '-p', dir + '/', '-c', conf, '-e', join(dir, 'logs', 'error.log')]);
  if (x.status !== 0) throw new Error(`nginx -t failed: ${x.stderr}`);
};
const inProcess = {};
for (const [name, at] of Object.entries(impls)) {
  const core = require(join(at, 'out/server/src/core/index.js'));
  const convert = require(join(at, 'out/server/src/lsp/convert.js'));
  const policy = core.resolvePolicy();
  const now = new Date();
  const lint = (file, text) => core.lintDocument(new core.TextDoc(file, text, 'nginx'), { policy, now });
  inProcess[name] = { core, convert, lint, full: [], relint: [], many: [], manyDiag: [], counts: { single: lint(join(dir, 'conf', 'single.conf'), single).length, many: lint(join(dir, 'many', 'nginx.conf'), many).length } };
}
const nginxTimes = { single: [], split: [] };
for (let r = 0; r < (INPROC ? RUNS : 0); r++) {
  sampleLoad();
  const order = r % 2 ? Object.keys(impls).reverse() : Object.keys(impls);
  for (const name of order) {
    const x = inProcess[name];
    // A full lint: a line added at the end (outside every block) makes the parse cache parse it all
    // again, and new directive objects leave no effective value to reuse.
    x.full.push(time(() => x.lint(join(dir, 'conf', 'full.conf'), `${single}# run ${r}\n`)));
    // Five edits in a row, as typing makes them (the first one right after the full lint above,
    // which leaves its garbage to collect): the median is the typical one.
    for (let k = 0; k < 5; k++) x.relint.push(time(() => x.lint(join(dir, 'conf', 'single.conf'), edited(single, singleEdit, 5 * r + k))));
    for (let k = 0; k < 3; k++) x.many.push(time(() => x.lint(join(dir, 'many', 'nginx.conf'), edited(many, manyEdit, 5 * r + k))));
    for (let k = 3; k < 5; k++) x.manyDiag.push(time(() => x.lint(join(dir, 'many', 'nginx.conf'), edited(many, manyEdit, 5 * r + k)).map(x.convert.toDiagnostic)));
  }
  if (haveNginx) nginxTimes.single.push(time(nginxT('conf/single.conf')));
}

// ---------------------------------------------------------------------------------------
// The CLI

const cli = Object.fromEntries(Object.keys(impls).map((k) => [k, { single: [], split: [] }]));
const node0 = [];
for (let r = 0; r < (CLI ? Math.min(RUNS, 9) : 0); r++) {
  sampleLoad();
  node0.push(time(() => spawnSync(process.execPath, ['-e', '0'])));
  for (const name of r % 2 ? Object.keys(impls).reverse() : Object.keys(impls)) {
    const js = join(impls[name], 'dist/cli.js');
    cli[name].single.push(time(() => spawnSync(process.execPath, [js, 'check', join(dir, 'conf', 'single.conf'), '--fail-on', 'never'], { stdio: 'ignore' })));
    cli[name].split.push(time(() => spawnSync(process.execPath, [js, 'check', join(dir, 'conf', 'nginx.conf'), join(dir, 'conf', 'conf.d'), '--fail-on', 'never'], { stdio: 'ignore' })));
  }
  if (haveNginx) {
    nginxTimes.split.push(time(nginxT('conf/nginx.conf')));
    if (!INPROC) nginxTimes.single.push(time(nginxT('conf/single.conf')));
  }
}

// ---------------------------------------------------------------------------------------
// The language server over stdio

class Server {
  constructor(at) {
    this.proc = spawn(process.execPath, [join(at, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.chunks = [];
    this.size = 0;
    this.nextId = 1;
    this.pending = new Map();
    this.waiters = [];
    this.proc.stdout.on('data', (c) => this.onData(c));
  }
  onData(chunk) {
    // Chunks are joined only when a whole message is there: a 40 MB publish arrives in thousands.
    this.chunks.push(chunk);
    this.size += chunk.length;
    for (;;) {
      if (this.need !== undefined && this.size < this.need) return;
      const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      this.chunks = [buf];
      const sep = buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, sep).toString())[1]);
      if (buf.length < sep + 4 + len) {
        this.need = sep + 4 + len;
        return;
      }
      this.need = undefined;
      const msg = JSON.parse(buf.subarray(sep + 4, sep + 4 + len).toString());
      const rest = buf.subarray(sep + 4 + len);
      this.chunks = rest.length ? [rest] : [];
      this.size = rest.length;
      if (msg.id !== undefined && msg.method === undefined) {
        this.pending.get(msg.id)?.(msg);
        this.pending.delete(msg.id);
      } else if (msg.id !== undefined) {
        // The server asks for settings: re-lint at once after an edit.
        this.send({ id: msg.id, result: msg.method === 'workspace/configuration' ? (msg.params.items ?? []).map((i) => (i.section === 'tlsLens' ? { lintDelayMs: 0 } : null)) : null });
      } else if (msg.method === 'textDocument/publishDiagnostics') {
        for (const w of [...this.waiters]) w(msg.params);
      }
    }
  }
  send(msg) {
    const body = JSON.stringify({ jsonrpc: '2.0', ...msg });
    this.proc.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  request(method, params) {
    const id = this.nextId++;
    const t0 = process.hrtime.bigint();
    return new Promise((res) => {
      this.pending.set(id, (msg) => res({ msg, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      this.send({ id, method, params });
    });
  }
  /** Resolves with the time from now until diagnostics for `uri` at `version` are published. */
  published(uri, version) {
    const t0 = process.hrtime.bigint();
    return new Promise((res) => {
      const w = (p) => {
        if (p.uri !== uri || (version !== undefined && p.version !== version)) return;
        this.waiters.splice(this.waiters.indexOf(w), 1);
        res({ ms: Number(process.hrtime.bigint() - t0) / 1e6, count: p.diagnostics.length });
      };
      this.waiters.push(w);
    });
  }
  async start() {
    await this.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: { workspace: { configuration: true } }, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'scale' }] });
    this.send({ method: 'initialized', params: {} });
  }
  stop() {
    this.send({ id: this.nextId++, method: 'shutdown' });
    this.send({ method: 'exit' });
    setTimeout(() => this.proc.kill(), 2000).unref();
  }
}

/** The needle's last character replaced, as an incremental didChange (the same place in every version). */
function change(uri, version, text, e, r) {
  const lineText = text.split('\n')[e.line];
  const at = lineText.indexOf(e.needle) + e.needle.length - 1;
  return { method: 'textDocument/didChange', params: { textDocument: { uri, version }, contentChanges: [{ range: { start: { line: e.line, character: at }, end: { line: e.line, character: at + 1 } }, text: LETTERS[r % LETTERS.length] }] } };
}

const lsp = {};
if (LSP) {
  for (const name of Object.keys(impls)) {
    const s = new Server(impls[name]);
    await s.start();
    const out = (lsp[name] = { single: [], many: [], hover: [], lens: [] });
    for (const [key, file, text, e] of [['single', join(dir, 'conf', 'single.conf'), single, singleEdit], ['many', join(dir, 'many', 'nginx.conf'), many, manyEdit]]) {
      const uri = pathToFileURL(file).href;
      const first = s.published(uri, 1);
      s.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'nginx', version: 1, text } } });
      await first;
      for (let r = 0; r < RUNS; r++) {
        sampleLoad();
        const version = r + 2;
        const msg = change(uri, version, text, e, r);
        const done = s.published(uri, version);
        s.send(msg);
        const p = await done;
        out[key].push(p.ms);
        out[`${key}Count`] = p.count;
        if (haveNginx && !INPROC && !CLI && key === 'single') nginxTimes.single.push(time(nginxT('conf/single.conf')));
      }
      s.send({ method: 'textDocument/didClose', params: { textDocument: { uri } } });
    }
    // 114,000 lines: open → publish, then hovers and code lenses (the lint is done by then).
    const uri = pathToFileURL(join(dir, 'huge', 'nginx.conf')).href;
    const opened = s.published(uri, 1);
    s.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'nginx', version: 1, text: huge } } });
    const o = await opened;
    out.hugeOpen = o.ms;
    out.hugeDiagnostics = o.count;
    const lines = huge.split('\n');
    let seed = 7;
    const rnd = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    for (let r = 0; r < RUNS; r++) {
      sampleLoad();
      const line = rnd(lines.length);
      out.hover.push((await s.request('textDocument/hover', { textDocument: { uri }, position: { line, character: Math.min(2, lines[line].length) } })).ms);
      const lens = await s.request('textDocument/codeLens', { textDocument: { uri } });
      out.lens.push(lens.ms);
      out.lensCount = lens.msg.result?.length;
    }
    s.stop();
  }
}

// ---------------------------------------------------------------------------------------
// Report

const ms = (x) => `${x.toFixed(1)} ms`;
const nT = haveNginx && nginxTimes.single.length ? median(nginxTimes.single) : undefined;
const nTs = haveNginx && nginxTimes.split.length ? median(nginxTimes.split) : undefined;
const vs = (x, ref) => (ref ? ` = ${(x / ref).toFixed(3)}× nginx -t` : '');
const row = (label, value) => console.log(`  ${label.padEnd(58)} ${value}`);
// Other processes on the machine slow every figure alike: the ratios to nginx -t stay comparable.
console.log(`load average during the run: median ${median(loads).toFixed(2)} (min ${Math.min(...loads).toFixed(2)}, max ${Math.max(...loads).toFixed(2)}) on ${availableParallelism()} cores; ${RUNS} runs, medians`);
console.log(`configurations: ${lineCount(single)} lines / 500 servers (${inProcess.new.counts.single} findings); ${lineCount(many)} lines / 2,000 servers (${inProcess.new.counts.many} findings); ${lineCount(huge)} lines / 14,300 servers`);
if (!haveNginx) console.log('nginx -t: not installed, no ratio');
else console.log(`reference: nginx -t on the 19.5k-line file ${nT ? ms(nT) : '-'}, on the 51-file split ${nTs ? ms(nTs) : '-'}${node0.length ? `; node -e 0 ${ms(median(node0))}` : ''}`);
for (const name of Object.keys(impls)) {
  const x = inProcess[name];
  console.log(`\n[${name}] ${impls[name]}`);
  if (x.full.length) {
    row('full lint, 19.5k lines (in process)', `${ms(median(x.full))}${vs(median(x.full), nT)}`);
    if (process.env.SAMPLES) console.log(x.relint.map((v) => v.toFixed(1)).join(" "));
    row("re-lint after a one-character edit, no findings", `${ms(median(x.relint))}${vs(median(x.relint), nT)}  (goal ≤ 10 ms)`);
    row(`re-lint after an edit, ${x.counts.many} findings`, `${ms(median(x.many))}${vs(median(x.many), nT)}  (goal < 100 ms)`);
    row('… and every finding made an LSP diagnostic', ms(median(x.manyDiag)));
  }
  if (cli[name].single.length) {
    row('CLI, the 19.5k-line file (wall)', `${ms(median(cli[name].single))}${vs(median(cli[name].single), nT)}`);
    row('CLI, split over 51 included files (wall)', `${ms(median(cli[name].split))}${vs(median(cli[name].split), nTs)}  (goal ≤ 0.3×)`);
  }
  const l = lsp[name];
  if (l) {
    row(`server: edit → publish, 19.5k lines (${l.singleCount} findings)`, ms(median(l.single)));
    row(`server: edit → publish, ${x.counts.many} findings`, ms(median(l.many)));
    row(`server: open → publish, ${lineCount(huge)} lines (${l.hugeDiagnostics} diagnostics)`, ms(l.hugeOpen));
    row('server: hover there, random positions', `${ms(median(l.hover))} (max ${ms(Math.max(...l.hover))})  (goal < 100 ms)`);
    row(`server: code lenses there (${l.lensCount} lenses)`, `${ms(median(l.lens))} (max ${ms(Math.max(...l.lens))})  (goal < 100 ms)`);
  }
}
rmSync(dir, { recursive: true, force: true });

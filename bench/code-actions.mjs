// Code actions (the light bulb) on a 100,000-line, 1.7 MB nginx file with thousands of fixable
// findings, asked of the bundled language server over stdio as VS Code asks them: the
// diagnostics at the cursor, no `only`, then "Fix all" resolved when chosen. Medians over
// repeated requests, with the server's own lint of the file as the reference from the same run.
//
//   node bench/code-actions.mjs [--runs N] [--server dist/server.js] [--base OTHER/server.js]
//
// --base also times one light-bulb request against another build (e.g. main's dist/server.js)
// on the same file, with a 120 s limit.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const rpc = require('vscode-languageserver-protocol/node');
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const RUNS = Number(arg('--runs', 15));
const SERVER = resolve(arg('--server', join(root, 'dist', 'server.js')));
const BASE = arg('--base', undefined);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;

/** One weak server of 20 lines: weak protocols, ciphers and server order, 0-RTT, no HSTS, an unverified upstream. */
function server(i) {
  return [
    'server {',
    '  listen 443 ssl;',
    `  server_name s${i}.test;`,
    `  ssl_certificate c/${i};`,
    `  ssl_certificate_key k/${i};`,
    '  ssl_protocols TLSv1 TLSv1.2;',
    '  ssl_ciphers AES128-SHA;',
    '  ssl_prefer_server_ciphers on;',
    '  ssl_early_data on;',
    '  location / {',
    `    proxy_pass https://b${i};`,
    '  }',
    '  location /s/ {',
    '    root /srv;',
    '  }',
    `  # ${i}`,
    '  location /x/ {',
    '    return 204;',
    '  }',
    '}',
  ];
}

const lines = Array.from({ length: 5000 }, (_, i) => server(i)).flat();
const text = ['http {', ...lines, '}', ''].join('\n');
const dir = mkdtempSync(join(tmpdir(), 'tls-lens-bench-actions-'));
const file = join(dir, 'big.conf');
writeFileSync(file, text);
const uri = pathToFileURL(file).href;

async function session(serverPath, { resolveEdits, applyEdit }) {
  const proc = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const c = rpc.createProtocolConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  const published = [];
  let wake = () => undefined;
  c.onNotification(rpc.PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    wake();
  });
  c.onRequest(rpc.ConfigurationRequest.type, (p) => p.items.map(() => ({})));
  c.onRequest(rpc.RegistrationRequest.type, () => undefined);
  let applied;
  c.onRequest(rpc.ApplyWorkspaceEditRequest.type, (p) => {
    applied = p;
    return { applied: true };
  });
  c.listen();
  await c.sendRequest(rpc.InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'bench' }],
    capabilities: {
      workspace: { configuration: true, applyEdit: applyEdit === true },
      textDocument: {
        publishDiagnostics: { dataSupport: true },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } }, dataSupport: true, ...(resolveEdits ? { resolveSupport: { properties: ['edit'] } } : {}) },
      },
    },
  });
  await c.sendNotification(rpc.InitializedNotification.type, {});
  const diagnostics = () =>
    new Promise((res) => {
      const check = () => {
        const p = published.find((x) => x.uri === uri);
        if (p) res(p.diagnostics);
        else wake = check;
      };
      check();
    });
  const stop = () => {
    c.dispose();
    proc.kill();
  };
  return { c, diagnostics, stop, applied: () => applied };
}

function lightBulb(c, diagnostics, line) {
  const here = diagnostics.filter((d) => d.range.start.line === line);
  return c.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line, character: 20 }, end: { line, character: 20 } }, context: { diagnostics: here, triggerKind: 2 } });
}

async function measure(serverPath, mode) {
  const resolveEdits = mode === 'resolve';
  const s = await session(serverPath, { resolveEdits, applyEdit: mode === 'command' });
  let t = process.hrtime.bigint();
  await s.c.sendNotification(rpc.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'nginx', version: 1, text } });
  const diagnostics = await s.diagnostics();
  const lintMs = ms(t);
  const firstLine = diagnostics[Math.floor(diagnostics.length / 2)].range.start.line;
  t = process.hrtime.bigint();
  const first = await lightBulb(s.c, diagnostics, firstLine);
  const firstMs = ms(t);
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const line = diagnostics[Math.floor(((i + 1) * diagnostics.length) / (RUNS + 2))].range.start.line;
    t = process.hrtime.bigint();
    await lightBulb(s.c, diagnostics, line);
    times.push(ms(t));
  }
  // For comparison: a hover on a directive of the same file (not part of the goal here).
  const hovers = [];
  for (let i = 0; i < RUNS; i++) {
    const line = 1 + 20 * Math.floor(((i + 1) * 5000) / (RUNS + 2)) + 5;
    t = process.hrtime.bigint();
    await s.c.sendRequest(rpc.HoverRequest.type, { textDocument: { uri }, position: { line, character: 4 } });
    hovers.push(ms(t));
  }
  const fixAll = first.find((a) => a.title.startsWith('Fix all'));
  let resolveMs;
  let edits = fixAll?.edit?.changes?.[uri]?.length;
  if (fixAll && resolveEdits) {
    t = process.hrtime.bigint();
    const r = await s.c.sendRequest('codeAction/resolve', fixAll);
    resolveMs = ms(t);
    edits = r.edit.changes[uri].length;
  } else if (fixAll?.command) {
    t = process.hrtime.bigint();
    await s.c.sendRequest(rpc.ExecuteCommandRequest.type, { command: fixAll.command.command, arguments: fixAll.command.arguments });
    resolveMs = ms(t);
    edits = s.applied()?.edit.documentChanges[0].edits.length;
  }
  s.stop();
  return { lintMs, findings: diagnostics.length, firstMs, median: median(times), fixAll: fixAll?.title, edits, resolveMs, hover: median(hovers) };
}

try {
  const load = loadavg()[0].toFixed(1);
  console.log(`code actions on ${lines.length + 3} lines, ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB of nginx (${availableParallelism()} cores, load ${load}), ${RUNS} requests`);
  const MODES = { resolve: 'client resolves edits (VS Code)', command: 'Fix all as a command, workspace/applyEdit (Neovim)', inline: 'edits inline (neither)' };
  for (const [mode, label] of Object.entries(MODES)) {
    const r = await measure(SERVER, mode);
    console.log(
      `${label}: open → ${r.findings} diagnostics ${r.lintMs.toFixed(0)} ms (the reference); ` +
        `first light bulb ${r.firstMs.toFixed(1)} ms, then median ${r.median.toFixed(1)} ms = ${(r.median / r.lintMs).toFixed(4)}× the lint; ` +
        `Fix all ${r.resolveMs !== undefined ? `${mode === 'resolve' ? 'resolved' : 'applied'} in ${r.resolveMs.toFixed(0)} ms` : 'inline'} (${r.edits} edits); a hover there ${r.hover.toFixed(1)} ms`,
    );
  }
  if (BASE) {
    const s = await session(resolve(BASE), { resolveEdits: true });
    await s.c.sendNotification(rpc.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'nginx', version: 1, text } });
    const diagnostics = await s.diagnostics();
    const t = process.hrtime.bigint();
    const limit = new Promise((res) => setTimeout(() => res('timeout'), 120_000).unref());
    const r = await Promise.race([lightBulb(s.c, diagnostics, diagnostics[Math.floor(diagnostics.length / 2)].range.start.line), limit]);
    console.log(`base ${BASE}: one light bulb ${r === 'timeout' ? 'did not answer within 120 s' : `${(ms(t) / 1000).toFixed(1)} s`}`);
    s.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Writes the V8 code caches of dist/cli.bundle.js and dist/server.bundle.js for the Node running
// this script: each launcher, finding no cache, writes one when it exits (server/src/launch/
// codeCache.ts). So the caches hold the functions a real run compiles, both programs are run
// over examples/: `check` on the folder, and the server over stdio with a few documents open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onMessages, send as sendTo } from './lsp-frames.mjs';

const root = resolve(import.meta.dirname, '..');

export async function trainCodeCache(outdir) {
  const dir = resolve(root, outdir);
  const env = { ...process.env };
  delete env.TLS_LENS_CODE_CACHE;
  const r = spawnSync(process.execPath, [join(dir, 'cli.js'), 'check', 'examples', '--fail-on', 'never'], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`code cache: tls-lens check examples exited ${r.status}: ${r.stderr}`);
  await serverRun(join(dir, 'server.js'), env);
  for (const bundle of ['cli.bundle.js', 'server.bundle.js']) {
    if (!readdirSync(dir).some((f) => f.startsWith(`${bundle}.`) && f.endsWith('.cache'))) throw new Error(`code cache: no cache was written for ${bundle}`);
  }
}

/** The server over stdio: initialize, open an nginx file, a manifest and a certificate, hover, wait for their diagnostics, exit. */
function serverRun(server, env) {
  const docs = [
    ['examples/nginx/sites-enabled/weak.example.com', 'nginx'],
    ['examples/kubernetes/ingress.yaml', 'yaml'],
    ['examples/certs/expired.crt', 'pem'],
  ].map(([f, languageId]) => ({ uri: pathToFileURL(join(root, f)).href, languageId, text: readFileSync(join(root, f), 'utf8') }));
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [server, '--stdio'], { cwd: root, env, stdio: ['pipe', 'pipe', 'inherit'] });
    const send = (msg) => sendTo(p.stdin, msg);
    const waiting = new Set(docs.map((d) => d.uri));
    let hovered = false;
    const timer = setTimeout(() => {
      p.kill();
      fail(new Error('code cache: the server published no diagnostics within 20 s'));
    }, 20_000);
    const finish = () => {
      if (waiting.size || !hovered) return;
      clearTimeout(timer);
      send({ id: 3, method: 'shutdown' });
      send({ method: 'exit' });
    };
    p.on('exit', () => (waiting.size ? undefined : done()));
    onMessages(p.stdout, (msg) => {
      if (msg.id === 1) {
        send({ method: 'initialized', params: {} });
        for (const d of docs) send({ method: 'textDocument/didOpen', params: { textDocument: { ...d, version: 1 } } });
        send({ id: 2, method: 'textDocument/hover', params: { textDocument: { uri: docs[0].uri }, position: { line: 2, character: 6 } } });
      } else if (msg.id === 2) {
        hovered = true;
        finish();
      } else if (msg.method === 'textDocument/publishDiagnostics' && waiting.delete(msg.params.uri)) {
        finish();
      } else if (msg.method && msg.id !== undefined) {
        send({ id: msg.id, result: null }); // workspace/configuration, registrations, progress
      }
    });
    const folder = pathToFileURL(join(root, 'examples')).href;
    send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: folder, capabilities: {}, workspaceFolders: [{ uri: folder, name: 'examples' }] } });
  });
}

if (import.meta.main ?? process.argv[1] === import.meta.filename) {
  await trainCodeCache(process.argv[2] ?? 'dist');
  if (!existsSync(join(root, process.argv[2] ?? 'dist'))) process.exit(1);
}

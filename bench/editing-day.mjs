// An editing day in one language server: the 2,000-file workspace of bench/kube-scale.mjs,
// indexed once, then many rounds of opening a manifest, editing it (each edit waits for its
// diagnostics), hovering, asking for code lenses, and closing it (every tenth file is saved:
// written to disk and announced as a changed watched file). The server's RSS is sampled every
// round; the bench reports the samples, the edit → diagnostics times and the slowest answer.
// A day has pauses: every --pause-every rounds the client is quiet for --pause-ms (the server
// gives memory back after 2 s of quiet), and RSS is sampled at the end of each pause too.
// Usage: node bench/editing-day.mjs [--rounds 1500] [--edits 5] [--sample-every 100] [--pause-every 100] [--pause-ms 3000]
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { writeKubeWorkspace } from './lib/kubeWorkspace.mjs';
import { loadAverage, median, ms, now, rssMb, whenIdle } from './lib/measure.mjs';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { LspSession, fileUri } = require(join(root, 'out/test/support/lspClient.js'));
const arg = (name, dflt) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : dflt);
const ROUNDS = arg('--rounds', 1500);
const EDITS = arg('--edits', 5);
const SAMPLE_EVERY = arg('--sample-every', 100);
const PAUSE_EVERY = arg('--pause-every', 100);
const PAUSE_MS = arg('--pause-ms', 3000);
const loadAtStart = loadAverage();

const { dir, files } = await writeKubeWorkspace(500);
let seed = 13;
const rand = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);

const session = await LspSession.start({ workspaceFolders: [dir], settings: () => ({ lintDelayMs: 0 }) });
const pid = session.proc.pid;
// Index the workspace: open one manifest and wait until the server has read every file.
const first = fileUri(files[0]);
await session.open(first, 'yaml', readFileSync(files[0], 'utf8'));
await session.diagnostics(first, { timeoutMs: 120_000 });
await whenIdle(pid);
await session.close(first);
const rss = [rssMb(pid)];
const paused = [];
const editTimes = [];
let slowest = { ms: 0, what: '' };
const timed = async (what, p) => {
  const t = now();
  const r = await p;
  const took = now() - t;
  if (took > slowest.ms) slowest = { ms: took, what };
  return { r, took };
};
const t0 = now();
for (let round = 0; round < ROUNDS; round++) {
  const file = files[rand(files.length)];
  const uri = fileUri(file);
  let text = readFileSync(file, 'utf8');
  let version = 1;
  await session.open(uri, 'yaml', text);
  await session.diagnostics(uri, { after: session.mark() - 1, timeoutMs: 60_000 }).catch(() => undefined);
  for (let e = 0; e < EDITS; e++) {
    // An edit somewhere in the file: a label added under the first metadata, or a value changed.
    const lines = text.split('\n');
    const at = rand(lines.length);
    lines.splice(at, 0, `# edit ${round}.${e}`);
    text = lines.join('\n');
    version++;
    const mark = session.mark();
    const { took } = await timed(`edit of ${file}`, (async () => {
      await session.change(uri, version, [{ text }]);
      await session.diagnostics(uri, { after: mark, accept: (p) => p.version === version, timeoutMs: 60_000 });
    })());
    editTimes.push(took);
    const line = rand(lines.length);
    await timed(`hover in ${file}`, session.hover(uri, { line, character: rand(20) }));
    await timed(`code lenses of ${file}`, session.within('code lenses', session.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })));
  }
  if (round % 10 === 9) {
    // Saved: the file on disk changes and the client says so.
    writeFileSync(file, text);
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
  }
  await session.close(uri);
  if ((round + 1) % SAMPLE_EVERY === 0) rss.push(rssMb(pid));
  if (PAUSE_EVERY && (round + 1) % PAUSE_EVERY === 0) {
    await new Promise((r) => setTimeout(r, PAUSE_MS));
    paused.push(rssMb(pid));
  }
}
const seconds = (now() - t0) / 1000;
await whenIdle(pid);
rss.push(rssMb(pid));
if (process.env.DAY_SNAPSHOT) {
  // With NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2 the server writes a heap snapshot into the working folder.
  session.proc.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 30_000));
}
await session.shutdownAndExit();

console.log(`load average at start ${loadAtStart}, at end ${loadAverage()} (${cpus().length} CPUs)`);
console.log(`editing day — ${files.length} files indexed, ${ROUNDS} rounds (open, ${EDITS} edits each with hover and code lenses, close; every 10th saved) in ${seconds.toFixed(0)} s, lintDelayMs 0`);
console.log(`edit → diagnostics                          median ${ms(median(editTimes))}, max ${ms(Math.max(...editTimes))}`);
console.log(`slowest answer                              ${ms(slowest.ms)} (${slowest.what})`);
console.log(`server RSS (MB): after indexing ${rss[0].toFixed(0)}, every ${SAMPLE_EVERY} rounds (busy) ${rss.slice(1, -1).map((x) => x.toFixed(0)).join(' ')}, at the end ${rss.at(-1).toFixed(0)} (max ${Math.max(...rss).toFixed(0)})`);
if (paused.length) console.log(`server RSS (MB) after each ${PAUSE_MS / 1000} s pause: ${paused.map((x) => x.toFixed(0)).join(' ')} (max ${Math.max(...paused).toFixed(0)}; goal < 150 MB and flat)`);
rmSync(dir, { recursive: true, force: true });

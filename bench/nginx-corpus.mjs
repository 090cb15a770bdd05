// Public nginx files in one CLI run, against gixy-ng on the same files in the same run (medians,
// interleaved, with the load average printed):
//
//   npm run build && GIXY=/path/to/gixy-ng-source node bench/nginx-corpus.mjs [--runs 7] [--base DIR]
//       [--corpus /work/corpus] [--swag /work/corpus-nginx/swag]
//
// gixy-ng runs from its source (`python3 -m gixy.cli -f json FILES` with PYTHONPATH=$GIXY) under
// $GIXY_PYTHON (default /usr/bin/python3: Debian's Python with python3-pyparsing, python3-jinja2,
// python3-six and python3-configargparse). Without GIXY the comparison is skipped with a note and
// only TLS Lens is timed. gixy-ng asks for pyparsing ≤ 2.4.7; Debian 12's is 3.0.9, with which its
// parser fails on most files (`server_tokens on;` already), so it would be timed on files it
// skips: GIXY_PYPARSING=DIR puts a folder holding pyparsing 2.4.7's pyparsing.py (from its public
// source, tag pyparsing_2.4.7) first on its path. The files gixy-ng could not parse are counted.
// `--base DIR` (a copy with its own dist/) is timed in the same rounds.
//
// The file sets (each file named on both command lines; sets whose folders are missing are skipped):
// - "certbot+gixy+crossplane+h5bp": every *.conf, nginx.conf* and sites-enabled/-available file under
//   certbot's nginx test data (certbot/src/certbot/_internal/tests/plugins/nginx and
//   certbot-compatibility-test/nginx/nginx-roundtrip-testdata), gixy-ng's tests/, crossplane's
//   tests/ and h5bp's server-configs-nginx;
// - "swag": the same selection under SWAG's nginx folder laid out as on a server.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const argOf = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(argOf('--runs')) || 7;
const corpus = resolve(argOf('--corpus') ?? '/work/corpus');
const swag = resolve(argOf('--swag') ?? '/work/corpus-nginx/swag');
const gixy = argOf('--gixy') ?? process.env.GIXY;
const python = process.env.GIXY_PYTHON ?? '/usr/bin/python3';
const gixyPath = [process.env.GIXY_PYPARSING, gixy].filter(Boolean).join(':');
const base = argOf('--base') ? resolve(argOf('--base')) : undefined;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function nginxFiles(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) nginxFiles(p, out);
    else if (st.isFile() && (/\.conf$/.test(name) || /^nginx\.conf/.test(name) || /\/sites-(enabled|available)\//.test(p))) out.push(p);
  }
  return out;
}

const sets = [];
const first = [
  'certbot+certbot/certbot/src/certbot/_internal/tests/plugins/nginx',
  'certbot+certbot/certbot-compatibility-test/nginx/nginx-roundtrip-testdata',
  'dvershinin+gixy/tests',
  'nginxinc+crossplane/tests',
  'h5bp+server-configs-nginx',
].map((d) => join(corpus, d));
if (first.every((d) => existsSync(d))) sets.push({ name: 'certbot+gixy+crossplane+h5bp', files: first.flatMap((d) => nginxFiles(d)) });
else console.log(`skipped the certbot/gixy/crossplane/h5bp set: not all of ${first.join(', ')} exist`);
if (existsSync(swag)) sets.push({ name: 'swag', files: nginxFiles(swag) });
else console.log(`skipped the SWAG set: ${swag} does not exist`);

let haveGixy = false;
if (!gixy) console.log('gixy-ng: not given (GIXY=/path/to/its/source or --gixy DIR): TLS Lens is timed alone, no ratio');
else {
  const probe = spawnSync(python, ['-c', 'import pyparsing, gixy; print(pyparsing.__version__, gixy.version)'], { env: { ...process.env, PYTHONPATH: gixyPath }, encoding: 'utf8' });
  haveGixy = probe.status === 0;
  if (!haveGixy) console.log(`gixy-ng: ${python} -m gixy.cli from ${gixy} does not run (${(probe.stderr || probe.stdout).trim().split('\n').pop()}): no ratio`);
  else {
    const [pyparsing, version] = probe.stdout.trim().split(' ');
    console.log(`gixy-ng ${version} from ${gixy}, pyparsing ${pyparsing}, ${python}`);
  }
}

const runners = {
  'tls-lens': (files) => [process.execPath, [join(root, 'dist/cli.js'), 'check', ...files, '--format', 'json', '--fail-on', 'never'], {}],
  ...(base ? { 'tls-lens (base)': (files) => [process.execPath, [join(base, 'dist/cli.js'), 'check', ...files, '--format', 'json', '--fail-on', 'never'], {}] } : {}),
  ...(haveGixy ? { 'gixy-ng': (files) => [python, ['-m', 'gixy.cli', '-f', 'json', ...files], { PYTHONPATH: gixyPath }] } : {}),
};
const refs = { 'node -e 0': [process.execPath, ['-e', '0'], {}], ...(haveGixy ? { 'python3 -c pass': [python, ['-c', 'pass'], {}] } : {}) };
const loads = [];
const time = ([cmd, args, env]) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 1 << 28, encoding: 'utf8' });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, out: r.stdout, err: r.stderr };
};

// A file gixy-ng crashes on (an uncaught exception) ends its run there, so the files after it would
// go unread: such files are found one by one first and left out of both tools' runs.
if (haveGixy) {
  for (const set of sets) {
    set.crashing = set.files.filter((f) => /Traceback \(most recent call last\)/.test(spawnSync(python, ['-m', 'gixy.cli', '-f', 'json', f], { env: { ...process.env, PYTHONPATH: gixyPath }, encoding: 'utf8' }).stderr));
    set.files = set.files.filter((f) => !set.crashing.includes(f));
  }
}

const results = [];
for (const set of sets) {
  const times = Object.fromEntries([...Object.keys(runners), ...Object.keys(refs)].map((k) => [k, []]));
  const counts = {};
  for (let r = 0; r < RUNS; r++) {
    loads.push(loadavg()[0]);
    const names = Object.keys(runners);
    // Rotating order: neither tool always runs right after the other.
    for (const k of [...names.slice(r % names.length), ...names.slice(0, r % names.length)]) {
      const x = time(runners[k](set.files));
      times[k].push(x.ms);
      if (r === 0) {
        if (k === 'gixy-ng') counts.gixyFailed = (x.err.match(/Failed to parse config/g) ?? []).length;
        try {
          const j = JSON.parse(x.out);
          counts[k] = Array.isArray(j) ? j.length : (j.findings?.length ?? 0);
        } catch {
          counts[k] = undefined;
        }
      }
    }
    for (const [k, c] of Object.entries(refs)) times[k].push(time(c).ms);
  }
  results.push({ set, times, counts });
}

console.log(`load average during the run: median ${median(loads).toFixed(2)} (min ${Math.min(...loads).toFixed(2)}, max ${Math.max(...loads).toFixed(2)}) on ${availableParallelism()} cores; ${RUNS} runs each, medians, wall time with process start`);
for (const { set, times, counts } of results) {
  console.log(`\n${set.name}: ${set.files.length} files${set.crashing?.length ? ` (left out: ${set.crashing.length} that gixy-ng crashes on, ${set.crashing.map((f) => f.slice(corpus.length + 1)).join(', ')})` : ''}`);
  const g = times['gixy-ng']?.length ? median(times['gixy-ng']) : undefined;
  for (const [k, v] of Object.entries(times)) {
    const m = median(v);
    const ratio = g && k.startsWith('tls-lens') ? ` = ${(m / g).toFixed(2)}× gixy-ng (goal ≤ 0.5×)` : '';
    const found = counts[k] !== undefined ? `, ${counts[k]} ${k === 'gixy-ng' ? `issues (${counts.gixyFailed} files it could not parse)` : 'findings'}` : '';
    console.log(`  ${k.padEnd(18)} ${m.toFixed(0).padStart(6)} ms${ratio}${found}`);
  }
}

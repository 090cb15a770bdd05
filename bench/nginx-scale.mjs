// Scale benchmark for the nginx linter: a generated 20,000-line configuration with 500
// server blocks (one file, and the same split over included files), compared with
// `nginx -t` on the same configuration in the same run. Medians over repeated runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const core = require(join(root, 'out/server/src/core/index.js'));
const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const time = (fn) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

function server(i) {
  const lines = [
    '    server {',
    `        listen 127.0.0.1:${10000 + i} ssl;`,
    `        server_name s${i}.example.test www.s${i}.example.test;`,
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

const dir = mkdtempSync(join(tmpdir(), 'tls-lens-scale-'));
mkdirSync(join(dir, 'conf', 'conf.d'), { recursive: true });
mkdirSync(join(dir, 'logs'));
spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=scale', '-keyout', join(dir, 'conf', 'site.key'), '-out', join(dir, 'conf', 'site.crt')], { stdio: 'ignore' });
const head = ['pid logs/nginx.pid;', 'events {}', 'http {', '    access_log off;', '    client_body_temp_path logs/c;', '    proxy_temp_path logs/p;', '    fastcgi_temp_path logs/f;', '    uwsgi_temp_path logs/u;', '    scgi_temp_path logs/s;', '    server_names_hash_bucket_size 128;'];
const servers = Array.from({ length: 500 }, (_, i) => server(i));
const single = [...head, ...servers.flat(), '}', ''].join('\n');
writeFileSync(join(dir, 'conf', 'single.conf'), single);
const lineCount = single.split('\n').length;
for (let f = 0; f < 50; f++) writeFileSync(join(dir, 'conf', 'conf.d', `part${f}.conf`), servers.slice(f * 10, f * 10 + 10).flat().join('\n') + '\n');
writeFileSync(join(dir, 'conf', 'nginx.conf'), [...head, '    include conf.d/*.conf;', '}', ''].join('\n'));

const policy = core.resolvePolicy();
const now = new Date();
const lint = (text) => core.lintDocument(new core.TextDoc(join(dir, 'conf', 'single.conf'), text, 'nginx'), { policy, now });
const found = lint(single);
// Every re-lint sees a text it has not seen before: one character changed from the previous
// version of the same document (as an editor sends it), never a repeat a cache could answer.
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const editedAt = (r) => single.replace('route 3 of server 250', `route 3 of server 25${LETTERS[r % LETTERS.length]}`);
const full = [];
const relint = [];
const nginxT = [];
const haveNginx = spawnSync('sh', ['-c', 'command -v nginx']).status === 0;
for (let r = 0; r < RUNS; r++) {
  // A full lint: nothing cached from earlier runs.
  core.clearParseCache?.();
  full.push(time(() => lint(single)));
  relint.push(time(() => lint(editedAt(r))));
  if (haveNginx) {
    nginxT.push(time(() => {
      const x = spawnSync('nginx', ['-t', '-q', '-p', dir + '/', '-c', 'conf/single.conf', '-e', join(dir, 'logs', 'error.log')]);
      if (x.status !== 0) throw new Error(`nginx -t failed: ${x.stderr}`);
    }));
  }
}
const cli = [];
for (let r = 0; r < Math.min(RUNS, 7); r++) {
  cli.push(time(() => spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'check', join(dir, 'conf', 'nginx.conf'), join(dir, 'conf', 'conf.d'), '--fail-on', 'never'], { stdio: 'ignore' })));
}
const ms = (x) => `${x.toFixed(1)} ms`;
// Other processes on the machine slow every figure alike: the ratios to nginx -t stay comparable.
console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${availableParallelism()} cores`);
console.log(`nginx scale — ${lineCount} lines, 500 servers, ${found.length} findings; ${RUNS} runs, medians`);
console.log(`full lint (one 20k-line document)             ${ms(median(full))}  (goal < 150 ms)`);
console.log(`re-lint after a one-character edit            ${ms(median(relint))}  (goal < 30 ms)`);
if (haveNginx) {
  console.log(`nginx -t on the same configuration            ${ms(median(nginxT))}  (lint = ${(median(full) / median(nginxT)).toFixed(2)}× nginx -t, re-lint = ${(median(relint) / median(nginxT)).toFixed(3)}× nginx -t)`);
}
else console.log('nginx -t: not installed, no ratio');
console.log(`CLI on the include-split tree (51 files, wall) ${ms(median(cli))}  (process start included)`);
rmSync(dir, { recursive: true, force: true });

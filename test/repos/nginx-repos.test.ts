/**
 * Repository-shaped workspaces (issue 11): a conf.d-only repository, the Debian layout with
 * absolute includes and pathMappings, a SWAG-like tree — through the bundled CLI and the
 * bundled language server over stdio. And the proof that neither opens a file outside the
 * workspace: a FIFO there would keep a reader blocked in open(), which a non-blocking
 * open for writing sees (it fails with ENXIO only while nobody reads).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { constants, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { LspSession, fileUri } from '../support/lspClient';
import { repoPath } from '../support/tools';

const CLI = repoPath('dist', 'cli.js');
const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-repo-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

interface JsonFinding {
  ruleId: string;
  file: string;
  message: string;
  range: { start: { line: number } };
  assumptions?: string[];
}

function check(cwd: string, ...args: string[]): { code: number | null; findings: JsonFinding[]; stdout: string } {
  const r = spawnSync(process.execPath, [CLI, 'check', ...args, '--format', 'json', '--fail-on', 'never'], { cwd, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return { code: r.status, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings, stdout: r.stdout };
}

const SITE_NO_PROTOCOLS = 'server {\n    listen 443 ssl;\n    server_name shop.test;\n    ssl_certificate /etc/ssl/shop.pem;\n    ssl_certificate_key /etc/ssl/shop.key;\n    location / {\n        proxy_pass https://backend;\n    }\n}\n';

describe('repository-shaped workspaces through the CLI', () => {
  test('a conf.d-only repository is judged as included by the official image\'s nginx.conf, and every finding says so', () => {
    const root = workspace({ 'conf.d/shop.conf': SITE_NO_PROTOCOLS, 'README.md': '# shop\n' });
    const { findings } = check(root, '.');
    const ids = findings.map((f) => f.ruleId).sort();
    assert.deepEqual(ids, ['nginx/default-protocols', 'nginx/missing-hsts', 'nginx/session-tickets', 'nginx/upstream-unverified', 'nginx/weak-ciphers'].filter((id) => id !== 'nginx/session-tickets'));
    for (const f of findings) assert.ok(f.assumptions?.some((a) => /official nginx image's stock \/etc\/nginx\/nginx.conf \(nginx.base: official-image\)/.test(a)), `${f.ruleId}: ${JSON.stringify(f.assumptions)}`);
    const sarif = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'sarif', '--fail-on', 'never'], { cwd: root, encoding: 'utf8' });
    const results = (JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ properties?: { assumptions?: string[] } }> }> }).runs[0]!.results;
    assert.ok(results.length > 0 && results.every((r) => (r.properties?.assumptions?.length ?? 0) > 0), 'SARIF carries the assumptions');
  });

  test('the Debian layout with absolute includes: with pathMappings the weak site is reported and its snippet read; without, the snippet is not guessed at', () => {
    const files = {
      'deploy/nginx/nginx.conf': 'user www-data;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/conf.d/*.conf;\n    include /etc/nginx/sites-enabled/*;\n}\n',
      'deploy/nginx/sites-enabled/shop': 'server {\n    listen 443 ssl;\n    server_name shop.test;\n    include /etc/nginx/snippets/tls.conf;\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n    }\n}\n',
      'deploy/nginx/snippets/tls.conf': 'ssl_certificate /etc/ssl/shop.pem;\nssl_certificate_key /etc/ssl/shop.key;\nssl_protocols TLSv1 TLSv1.2;\nssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\nssl_session_tickets off;\nadd_header Strict-Transport-Security "max-age=63072000" always;\n',
    };
    const mapped = workspace({ ...files, '.tls-lens.yaml': 'pathMappings:\n  /etc/nginx/: deploy/nginx/\n' });
    const withMap = check(mapped, '.').findings;
    assert.deepEqual(withMap.map((f) => [f.ruleId, f.file]), [['nginx/weak-protocol', 'deploy/nginx/snippets/tls.conf']], JSON.stringify(withMap, null, 1));
    const text = spawnSync(process.execPath, [CLI, 'check', '.'], { cwd: mapped, encoding: 'utf8' }).stdout;
    assert.match(text, /1 warning, 0 notes in 4 files checked\./);
    // Without the mapping, the one workspace file whose path ends as the include's is read (the trailing-path guess): the same verdicts.
    const guessed = check(workspace(files), '.').findings;
    assert.deepEqual(guessed.map((f) => [f.ruleId, f.file]), withMap.map((f) => [f.ruleId, f.file]));
    // Without the snippet at all, its name says TLS: ssl_* are not judged (one note says so), HSTS is, saying what was assumed.
    const { ['deploy/nginx/snippets/tls.conf']: _gone, ...rest } = files;
    const site = check(workspace(rest), '.').findings.filter((f) => f.file === 'deploy/nginx/sites-enabled/shop');
    assert.deepEqual(site.map((f) => f.ruleId).sort(), ['nginx/include-unknown', 'nginx/missing-hsts']);
    assert.match(site.find((f) => f.ruleId === 'nginx/include-unknown')!.message, /`include \/etc\/nginx\/snippets\/tls.conf;` \(line 4\) is not in the workspace and, by its name, likely sets ssl_protocols/);
    assert.deepEqual(site.find((f) => f.ruleId === 'nginx/missing-hsts')!.assumptions, ['`include /etc/nginx/snippets/tls.conf;` (line 4) is not in the workspace; assumed it sets no Strict-Transport-Security']);
  });

  test('a SWAG-like tree: the missing ssl.conf hides only ssl_*; HSTS and the https upstream are judged, saying what was assumed', () => {
    const root = workspace({
      'swag/config/nginx/proxy.conf': 'proxy_http_version 1.1;\nproxy_set_header Host $host;\n',
      'swag/config/nginx/site-confs/default.conf': 'server {\n    listen 443 ssl default_server;\n    server_name _;\n    include /config/nginx/ssl.conf;\n    include /config/nginx/proxy-confs/*.subfolder.conf;\n    location / {\n        try_files $uri $uri/ /index.html;\n    }\n}\ninclude /config/nginx/proxy-confs/*.subdomain.conf;\n',
      'swag/config/nginx/proxy-confs/app.subdomain.conf':
        'server {\n    listen 443 ssl;\n    server_name app.*;\n    include /config/nginx/ssl.conf;\n    location / {\n        include /config/nginx/proxy.conf;\n        include /config/nginx/resolver.conf;\n        set $upstream_app app;\n        set $upstream_proto https;\n        proxy_pass $upstream_proto://$upstream_app:443;\n    }\n}\n',
    });
    const { findings } = check(root, 'swag');
    const app = findings.filter((f) => f.file === 'swag/config/nginx/proxy-confs/app.subdomain.conf');
    assert.deepEqual(app.map((f) => [f.ruleId, f.range.start.line]).sort(), [['nginx/include-unknown', 3], ['nginx/missing-hsts', 0], ['nginx/upstream-unverified', 9]]);
    const up = app.find((f) => f.ruleId === 'nginx/upstream-unverified')!;
    assert.ok(up.assumptions!.some((a) => /`include \/config\/nginx\/proxy.conf;` \(line 6\) was read from .*swag\/config\/nginx\/proxy.conf/.test(a)), JSON.stringify(up.assumptions));
    assert.ok(up.assumptions!.some((a) => /`include \/config\/nginx\/resolver.conf;` \(line 7\) is not in the workspace; assumed it sets no proxy_ssl_verify/.test(a)));
    assert.ok(!findings.some((f) => f.ruleId === 'nginx/include-not-found'));
  });
});

/** True while some process holds the FIFO open for reading. */
function fifoHasReader(fifo: string): boolean {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENXIO') return false;
    throw e;
  }
}

describe('nothing outside the workspace is opened', () => {
  const outside = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-outside-'));
  roots.push(outside);
  const fifo = path.join(outside, 'ssl.conf');
  execFileSync('mkfifo', [fifo]);
  const conf = `events {}\nhttp {\n    include ${fifo};\n    include ${outside}/*.conf;\n    include ../${path.basename(outside)}/ssl.conf;\n    server {\n        listen 443 ssl;\n        include ${fifo};\n    }\n}\n`;

  test('the CLI: no reader ever appears on a FIFO the includes name outside the workspace', async () => {
    const ws = workspace({ 'nginx.conf': conf });
    const child = spawn(process.execPath, [CLI, 'check', '.', '--format', 'json', '--fail-on', 'never'], { cwd: ws, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    let exited = false;
    const done = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
    let polls = 0;
    let reader = false;
    while (!exited && !reader) {
      reader = fifoHasReader(fifo);
      polls++;
      await new Promise((r) => setImmediate(r));
    }
    if (reader) {
      // Let the blocked reader go before failing: the child must not outlive the test.
      child.kill('SIGKILL');
      await done;
    }
    assert.equal(reader, false, 'the CLI opened the FIFO outside the workspace');
    await done;
    assert.ok(polls > 0);
    const findings = (JSON.parse(out) as { findings: JsonFinding[] }).findings;
    assert.ok(findings.some((f) => f.ruleId === 'nginx/include-unknown'), 'the ssl-named include outside is judged by its name');
  });

  test('the language server: after it has published, no reader is on the FIFO; the server reads nothing outside its folder', async () => {
    const ws = workspace({ 'nginx.conf': conf });
    const s = await LspSession.start({ workspaceFolders: [ws] });
    try {
      const uri = fileUri(path.join(ws, 'nginx.conf'));
      await s.open(uri, 'nginx', conf);
      const { diagnostics } = await s.diagnostics(uri);
      assert.equal(fifoHasReader(fifo), false, 'the server opened the FIFO outside the workspace');
      assert.ok(diagnostics.some((d) => d.code === 'nginx/include-unknown'));
      assert.ok(!diagnostics.some((d) => d.code === 'nginx/include-not-found'), 'outside is not "not found"');
    } finally {
      s.dispose();
    }
  });

  test('the language server with the Debian layout and pathMappings: the open site is judged with its mapped snippet', async () => {
    const ws = workspace({
      '.tls-lens.yaml': 'pathMappings:\n  /etc/nginx/: deploy/nginx/\n',
      'deploy/nginx/nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n',
      'deploy/nginx/sites-enabled/shop': 'server {\n    listen 443 ssl;\n    include /etc/nginx/snippets/tls.conf;\n}\n',
      'deploy/nginx/snippets/tls.conf': 'ssl_certificate /c.pem;\nssl_certificate_key /k.pem;\nssl_protocols TLSv1.2 TLSv1.3;\nssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\nssl_session_tickets off;\n',
    });
    const s = await LspSession.start({ workspaceFolders: [ws] });
    try {
      const file = path.join(ws, 'deploy/nginx/sites-enabled/shop');
      const uri = fileUri(file);
      await s.open(uri, 'nginx', 'server {\n    listen 443 ssl;\n    include /etc/nginx/snippets/tls.conf;\n}\n');
      const { diagnostics } = await s.diagnostics(uri);
      assert.deepEqual(diagnostics.map((d) => d.code), ['nginx/missing-hsts'], JSON.stringify(diagnostics));
      const message = diagnostics[0]!.message;
      assert.ok(typeof message === 'string' && !/assumed/.test(message), 'everything was read: nothing assumed');
    } finally {
      s.dispose();
    }
  });
});

/**
 * Includes resolve inside the workspace (and mapped folders) only: a file outside is never
 * opened, whatever the include says (/etc/*, ../../x); pathMappings and the trailing-path guess
 * bring server paths into the workspace; non-regular files and deep nesting end in a note.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ConfinedHost, MemoryHost, includerHttpContext, lintFile, resolvePolicy, trailingPathGuesser, type DirEntry, type FileStat, type Host } from '../../server/src/core';
import { NodeHost } from '../../server/src/host/nodeHost';
import { NOW, lint } from '../support/lint';

/** Records every path the core asks the real host about. */
class CountingHost implements Host {
  readonly touched: string[] = [];
  constructor(private readonly inner: Host) {}
  readFile(p: string): Promise<Uint8Array> {
    this.touched.push(p);
    return this.inner.readFile(p);
  }
  stat(p: string): Promise<FileStat | undefined> {
    this.touched.push(p);
    return this.inner.stat(p);
  }
  readDirectory(p: string): Promise<DirEntry[]> {
    this.touched.push(p);
    return this.inner.readDirectory(p);
  }
  now(): Date {
    return this.inner.now();
  }
  env(name: string): string | undefined {
    return this.inner.env(name);
  }
}

const within = (root: string) => (p: string) => p === root || p.startsWith(root + '/');

describe('confinement', () => {
  test('includes of /etc/*, ../../x and absolute paths outside the workspace are never read', async () => {
    const files = {
      '/ws/nginx.conf': 'events {}\nhttp {\n    include /etc/*;\n    include ../../secret/x.conf;\n    include /etc/nginx/conf.d/*.conf;\n    server {\n        listen 443 ssl;\n        include /etc/ssl-params.conf;\n    }\n}\n',
      '/etc/shadow': 'root:x:0:0\n',
      '/etc/ssl-params.conf': 'ssl_protocols TLSv1;\n',
      '/etc/nginx/conf.d/a.conf': 'ssl_protocols TLSv1;\n',
      '/secret/x.conf': 'ssl_protocols SSLv3;\n',
    };
    const counting = new CountingHost(new MemoryHost(files));
    const host = new ConfinedHost(counting, () => ['/ws']);
    const r = await lintFile(host, '/ws/nginx.conf', 'nginx.conf', { policy: resolvePolicy(), now: NOW, gather: { nginx: { httpContext: (p) => includerHttpContext(host, p) } } });
    assert.ok('findings' in r);
    assert.deepEqual(counting.touched.filter((p) => !within('/ws')(p)), [], 'nothing outside /ws was asked for');
    assert.ok(counting.touched.includes('/ws/nginx.conf'));
    // What the outside files would set is not judged from them; not "not found" either.
    assert.ok(!r.findings.some((f) => f.ruleId === 'nginx/weak-protocol' || f.ruleId === 'nginx/include-not-found'), r.findings.map((f) => f.message).join('\n'));
    assert.match(r.findings.find((f) => f.ruleId === 'nginx/include-unknown')!.message, /`include \/etc\/ssl-params.conf;` \(line 8\) is not in the workspace and, by its name, likely sets ssl_protocols/);
  });

  test('pathMappings bring server paths into the workspace for includes, as for certificates', async () => {
    const files = {
      '/repo/deploy/nginx/nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n',
      '/repo/deploy/nginx/sites-enabled/weak': 'server {\n    listen 443 ssl;\n    include /etc/nginx/snippets/ssl.conf;\n}\n',
      '/repo/deploy/nginx/snippets/ssl.conf': 'ssl_certificate /c.pem;\nssl_certificate_key /k.pem;\nssl_protocols TLSv1 TLSv1.2;\n',
    };
    const counting = new CountingHost(new MemoryHost(files));
    const host = new ConfinedHost(counting, () => ['/repo']);
    const policy = resolvePolicy({ pathMappings: { '/etc/nginx/': '/repo/deploy/nginx/' } });
    const site = await lintFile(host, '/repo/deploy/nginx/sites-enabled/weak', 'weak', { policy, now: NOW, gather: { nginx: { httpContext: (p) => includerHttpContext(host, p, { pathMappings: policy.pathMappings }) } } });
    assert.ok('findings' in site);
    const ids = site.findings.map((f) => f.ruleId).sort();
    // The snippet is read: certificate and protocols are known (TLSv1 is the snippet's finding); HSTS is judged.
    assert.deepEqual(ids, ['nginx/missing-hsts', 'nginx/weak-ciphers'], site.findings.map((f) => f.message).join('\n'));
    assert.ok(site.findings.every((f) => !f.assumptions), 'everything was read: nothing assumed');
    const snippet = await lintFile(host, '/repo/deploy/nginx/snippets/ssl.conf', 'ssl.conf', { policy, now: NOW, gather: { nginx: { httpContext: (p) => includerHttpContext(host, p, { pathMappings: policy.pathMappings }) } } });
    assert.ok('findings' in snippet);
    assert.deepEqual(snippet.findings.map((f) => f.ruleId), ['nginx/weak-protocol']);
    assert.deepEqual(counting.touched.filter((p) => !within('/repo')(p)), []);
  });

  test('the trailing-path guess: one workspace file with the path\'s end is read, with an assumption; several are not', async () => {
    const guess = trailingPathGuesser(['/ws/swag/config/nginx/proxy.conf', '/ws/swag/config/nginx/proxy-confs/a.subfolder.conf', '/ws/a/ssl.conf', '/ws/b/ssl.conf']);
    assert.deepEqual(guess('/config/nginx/proxy.conf'), { from: '/', to: '/ws/swag' });
    assert.deepEqual(guess('/config/nginx/proxy-confs/*.subfolder.conf'), { from: '/', to: '/ws/swag' });
    assert.equal(guess('/etc/nginx/ssl.conf'), undefined, 'only the file name matches, and twice');
    const files = {
      '/ws/swag/config/nginx/proxy.conf': 'proxy_http_version 1.1;\n',
      '/ws/swag/config/nginx/proxy-confs/app.subdomain.conf': 'server {\n    listen 443 ssl;\n    ssl_certificate /c;\n    ssl_certificate_key /k;\n    location / {\n        include /config/nginx/proxy.conf;\n        set $upstream_proto https;\n        proxy_pass $upstream_proto://app:443;\n    }\n}\n',
    };
    const host = new ConfinedHost(new MemoryHost(files), () => ['/ws']);
    const r = await lintFile(host, '/ws/swag/config/nginx/proxy-confs/app.subdomain.conf', 'app', { policy: resolvePolicy(), now: NOW, gather: { nginx: { guessPath: trailingPathGuesser(Object.keys(files)) } } });
    assert.ok('findings' in r);
    const up = r.findings.find((f) => f.ruleId === 'nginx/upstream-unverified');
    assert.ok(up, 'set $upstream_proto https; proxy_pass $upstream_proto://… is a TLS upstream');
    assert.ok(up.assumptions?.includes('`include /config/nginx/proxy.conf;` (line 6) was read from /ws/swag/config/nginx/proxy.conf, the one workspace file whose path ends as it does'), JSON.stringify(up.assumptions));
  });

  test('an include of a FIFO, a directory or /dev/zero: a located note, never a hang or a read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-fifo-'));
    try {
      mkdirSync(path.join(dir, 'adir'));
      execFileSync('mkfifo', [path.join(dir, 'pipe.conf')]);
      writeFileSync(path.join(dir, 'nginx.conf'), `events {}\nhttp {\n    include ${dir}/pipe.conf;\n    include ${dir}/adir;\n    include /dev/zero;\n}\n`);
      const counting = new CountingHost(new NodeHost());
      const host = new ConfinedHost(counting, () => [dir]);
      const r = await lintFile(host, path.join(dir, 'nginx.conf'), 'nginx.conf', { policy: resolvePolicy(), now: NOW });
      assert.ok('findings' in r);
      const notes = r.findings.filter((f) => f.ruleId === 'nginx/include-not-found');
      assert.deepEqual(notes.map((f) => [f.range.start.line, f.severity]), [[2, 'warning'], [3, 'warning']]);
      assert.ok(notes.every((f) => /not a regular file \(a directory, FIFO or device\)/.test(f.message)));
      assert.ok(!counting.touched.includes('/dev/zero'), '/dev/zero is outside the workspace: not even stat-ed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deep nesting', () => {
  test('3,000 nested blocks: no rule overflows the stack; one located note; the server\'s own finding stays', () => {
    const n = 3000;
    const text = 'http {\nserver {\n    listen 443 ssl;\n    ssl_protocols TLSv1 TLSv1.2;\n' + 'location /a {\n'.repeat(n) + '}\n'.repeat(n) + '}\n}\n';
    const f = lint(text, 'nginx.conf');
    assert.deepEqual(f.filter((x) => x.ruleId === 'core/internal-error'), []);
    const cap = f.filter((x) => x.ruleId === 'nginx/syntax');
    assert.deepEqual(cap.map((x) => [x.severity, x.range.start.line]), [['warning', 202]]);
    assert.match(cap[0]!.message, /nested deeper than 200 levels/);
    assert.ok(f.some((x) => x.ruleId === 'nginx/weak-protocol' && x.range.start.line === 3));
  });

  test('nesting across included files is capped too', async () => {
    const deep = 'location /b {\n'.repeat(150) + '}\n'.repeat(150);
    const host = new MemoryHost({ '/e/nginx.conf': 'events {}\nhttp {\nserver {\n    listen 80;\n' + 'location /a {\n'.repeat(150) + 'include deep.conf;\n' + '}\n'.repeat(150) + '}\n}\n', '/e/deep.conf': deep });
    const r = await lintFile(host, '/e/nginx.conf', 'nginx.conf', { policy: resolvePolicy(), now: NOW });
    assert.ok('findings' in r);
    assert.deepEqual(r.findings.filter((x) => x.ruleId === 'core/internal-error'), []);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryHost, type DirEntry, type FileStat, type Host } from '../../server/src/core';
import { walkDirectives, type NginxDirective } from '../../server/src/core/formats/nginx/ast';
import {
  defaultPrefix,
  directivesFromFile,
  expandGlob,
  findIncluders,
  globSegmentToRegExp,
  loadNginxConfig,
  normalizePath,
  type NginxTree,
} from '../../server/src/core/formats/nginx/includes';

/** `name@file` for every directive, depth first, with the enclosing names. */
function flat(tree: NginxTree): string[] {
  const out: string[] = [];
  walkDirectives(tree.directives, (d, anc) => {
    const arg = d.args[0]?.value;
    out.push(`${[...anc.map((a) => a.name), d.name].join('>')}${arg !== undefined ? ' ' + arg : ''} @${d.file ?? '?'}`);
  });
  return out;
}

function find(tree: NginxTree, name: string, arg?: string): NginxDirective[] {
  const out: NginxDirective[] = [];
  walkDirectives(tree.directives, (d) => {
    if (d.name === name && (arg === undefined || d.args[0]?.value === arg)) out.push(d);
  });
  return out;
}

describe('nginx includes: paths and globs', () => {
  test('normalizePath collapses dots and separators', () => {
    assert.equal(normalizePath('/etc/nginx/./conf.d/../x.conf'), '/etc/nginx/x.conf');
    assert.equal(normalizePath('/a//b/'), '/a/b');
    assert.equal(normalizePath('/..'), '/');
    assert.equal(normalizePath('a/../../b'), '../b');
    assert.equal(normalizePath('C:\\nginx\\conf\\nginx.conf'), 'C:/nginx/conf/nginx.conf');
  });

  test('glob segments: *, ?, brackets, negation, ranges, classes, escapes', () => {
    const m = (p: string, s: string): boolean => globSegmentToRegExp(p).test(s);
    assert.ok(m('*.conf', 'a.conf'));
    assert.ok(!m('*.conf', 'a.conf.bak'));
    assert.ok(m('site?', 'site1'));
    assert.ok(!m('site?', 'site'));
    assert.ok(m('[ab]*', 'beta'));
    assert.ok(!m('[ab]*', 'gamma'));
    assert.ok(m('[!ab]*', 'gamma'));
    assert.ok(m('[^ab]*', 'gamma'));
    assert.ok(m('[0-9][0-9]-*', '10-x'));
    assert.ok(!m('[0-9][0-9]-*', 'a0-x'));
    assert.ok(m('[[:digit:]]x', '7x'));
    assert.ok(m('[]]', ']'));
    assert.ok(m('a\\*', 'a*'));
    assert.ok(!m('a\\*', 'ab'));
    assert.ok(m('x[', 'x['), 'an unclosed bracket is literal');
    assert.ok(m('a.b', 'a.b') && !m('a.b', 'axb'), 'regex metacharacters are literal');
  });

  test('globs match in any segment, sorted by name, hidden files and directories excluded', async () => {
    const host = new MemoryHost({
      '/n/sites/b/x.conf': '',
      '/n/sites/a/x.conf': '',
      '/n/sites/a/y.conf': '',
      '/n/sites/a/.hidden.conf': '',
      '/n/sites/a/dir.conf/inner': '',
      '/n/sites/c/z.txt': '',
    });
    assert.deepEqual(await expandGlob(host, '/n/sites/*/*.conf'), ['/n/sites/a/x.conf', '/n/sites/a/y.conf', '/n/sites/b/x.conf']);
    assert.deepEqual(await expandGlob(host, '/n/sites/a/.*.conf'), ['/n/sites/a/.hidden.conf']);
    assert.deepEqual(await expandGlob(host, '/n/none/*.conf'), []);
  });
});

describe('nginx includes: loadNginxConfig', () => {
  test('glob includes are spliced in place, in name order, each directive keeping its file', async () => {
    const host = new MemoryHost({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n  include conf.d/*.conf;\n  include mime.types;\n}\n',
      '/etc/nginx/conf.d/20-b.conf': 'server { listen 81; }\n',
      '/etc/nginx/conf.d/10-a.conf': 'server { listen 80; }\n',
      '/etc/nginx/conf.d/README': 'not included',
      '/etc/nginx/mime.types': 'types { text/html html; }\n',
    });
    const tree = await loadNginxConfig(host, '/etc/nginx/nginx.conf');
    assert.deepEqual(tree.problems, []);
    assert.equal(tree.prefix, '/etc/nginx');
    assert.deepEqual(flat(tree), [
      'events @/etc/nginx/nginx.conf',
      'http @/etc/nginx/nginx.conf',
      'http>include conf.d/*.conf @/etc/nginx/nginx.conf',
      'http>server @/etc/nginx/conf.d/10-a.conf',
      'http>server>listen 80 @/etc/nginx/conf.d/10-a.conf',
      'http>server @/etc/nginx/conf.d/20-b.conf',
      'http>server>listen 81 @/etc/nginx/conf.d/20-b.conf',
      'http>include mime.types @/etc/nginx/nginx.conf',
      'http>types @/etc/nginx/mime.types',
      'http>types>text/html html @/etc/nginx/mime.types',
    ]);
    // Ranges stay per file: the included listen is on line 0 of its own file.
    const listen = find(tree, 'listen', '81')[0]!;
    assert.equal(listen.nameRange.start.line, 0);
    assert.equal(listen.includedBy?.args[0]?.value, 'conf.d/*.conf');
    assert.deepEqual([...tree.files.keys()], ['/etc/nginx/nginx.conf', '/etc/nginx/conf.d/10-a.conf', '/etc/nginx/conf.d/20-b.conf', '/etc/nginx/mime.types']);
    assert.deepEqual(
      tree.includes.map((s) => [s.pattern, s.resolved, s.glob, s.files, s.context]),
      [
        ['conf.d/*.conf', '/etc/nginx/conf.d/*.conf', true, ['/etc/nginx/conf.d/10-a.conf', '/etc/nginx/conf.d/20-b.conf'], ['http']],
        ['mime.types', '/etc/nginx/mime.types', false, ['/etc/nginx/mime.types'], ['http']],
      ],
    );
  });

  test('relative includes resolve against the prefix (the main file\'s directory), also from nested files', async () => {
    const host = new MemoryHost({
      '/srv/nginx/nginx.conf': 'http { include sites/site.conf; }\n',
      // Relative to the prefix, not to sites/: nginx resolves every include against the conf dir.
      '/srv/nginx/sites/site.conf': 'server { include snippets/tls.conf; }\n',
      '/srv/nginx/snippets/tls.conf': 'ssl_protocols TLSv1.3;\n',
      '/srv/nginx/sites/snippets/tls.conf': 'ssl_protocols SSLv3;\n',
    });
    const tree = await loadNginxConfig(host, '/srv/nginx/nginx.conf');
    assert.deepEqual(tree.problems, []);
    const p = find(tree, 'ssl_protocols')[0]!;
    assert.equal(p.file, '/srv/nginx/snippets/tls.conf');
    assert.equal(p.args[0]!.value, 'TLSv1.3');
    const site = tree.includes.find((s) => s.pattern === 'snippets/tls.conf')!;
    assert.deepEqual(site.context, ['http', 'server']);
    assert.equal(site.file, '/srv/nginx/sites/site.conf');
    assert.equal(p.includedBy, site.directive);
    assert.equal(site.directive.includedBy?.args[0]?.value, 'sites/site.conf');
  });

  test('an explicit prefix wins; absolute includes ignore it', async () => {
    const host = new MemoryHost({
      '/a/main.conf': 'include x.conf;\ninclude /abs/y.conf;\n',
      '/p/x.conf': 'worker_processes 1;\n',
      '/abs/y.conf': 'pid /run/n.pid;\n',
    });
    const tree = await loadNginxConfig(host, '/a/main.conf', { prefix: '/p' });
    assert.deepEqual(tree.problems, []);
    assert.deepEqual(flat(tree), [
      'include x.conf @/a/main.conf',
      'worker_processes 1 @/p/x.conf',
      'include /abs/y.conf @/a/main.conf',
      'pid /run/n.pid @/abs/y.conf',
    ]);
  });

  test('the default prefix: the nearest nginx.conf at or above the entry, else its own directory', async () => {
    const host = new MemoryHost({
      '/etc/nginx/nginx.conf': '',
      '/etc/nginx/sites-enabled/site': '',
      '/tmp/loose/site.conf': '',
    });
    assert.equal(await defaultPrefix(host, '/etc/nginx/sites-enabled/site'), '/etc/nginx');
    assert.equal(await defaultPrefix(host, '/tmp/loose/site.conf'), '/tmp/loose');
    // A snippet opened on its own resolves its includes like its main file would.
    host.set('/etc/nginx/snippets/a.conf', 'include snippets/b.conf;\n');
    host.set('/etc/nginx/snippets/b.conf', 'ssl_stapling on;\n');
    const tree = await loadNginxConfig(host, '/etc/nginx/snippets/a.conf');
    assert.deepEqual(tree.problems, []);
    assert.equal(find(tree, 'ssl_stapling')[0]!.file, '/etc/nginx/snippets/b.conf');
  });

  test('open buffers win over the disk', async () => {
    const host = new MemoryHost({
      '/n/nginx.conf': 'include inc.conf;\n',
      '/n/inc.conf': 'ssl_protocols TLSv1;\n',
    });
    const buffers: Record<string, string> = { '/n/inc.conf': 'ssl_protocols TLSv1.3;\n', '/n/new.conf': 'ssl_stapling on;\n' };
    host.set('/n/nginx.conf', 'include inc.conf;\ninclude new.conf;\n');
    const tree = await loadNginxConfig(host, '/n/nginx.conf', { text: (p) => buffers[p] });
    assert.deepEqual(tree.problems, []);
    assert.equal(find(tree, 'ssl_protocols')[0]!.args[0]!.value, 'TLSv1.3');
    assert.equal(find(tree, 'ssl_stapling').length, 1, 'an unsaved buffer can be included');
    assert.equal(tree.files.get('/n/inc.conf')!.fromBuffer, true);
  });

  test('a missing include is a located info; a glob matching nothing is fine', async () => {
    const text = 'http {\n    include missing.conf;\n    include conf.d/*.conf;\n}\n';
    const host = new MemoryHost({ '/n/nginx.conf': text });
    const tree = await loadNginxConfig(host, '/n/nginx.conf');
    assert.equal(tree.problems.length, 1);
    const p = tree.problems[0]!;
    assert.equal(p.kind, 'include-not-found');
    assert.equal(p.severity, 'info');
    assert.equal(p.file, '/n/nginx.conf');
    assert.match(p.message, /not found: \/n\/missing\.conf/);
    assert.deepEqual(p.range, { start: { line: 1, character: 12 }, end: { line: 1, character: 24 } });
    assert.deepEqual(tree.includes[1]!.files, []);
  });

  test('include cycles are reported on the include directive and do not recurse', async () => {
    const host = new MemoryHost({
      '/n/nginx.conf': 'http {\n  include a.conf;\n}\n',
      '/n/a.conf': 'server {\n  include b.conf;\n}\n',
      '/n/b.conf': 'include a.conf;\nssl_stapling on;\n',
      '/n/self.conf': 'include self.conf;\n',
    });
    const tree = await loadNginxConfig(host, '/n/nginx.conf');
    assert.equal(tree.problems.length, 1);
    const p = tree.problems[0]!;
    assert.equal(p.kind, 'include-cycle');
    assert.equal(p.file, '/n/b.conf');
    assert.deepEqual(p.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 15 } });
    assert.equal(p.message, 'include cycle: /n/a.conf → /n/b.conf → /n/a.conf');
    assert.equal(find(tree, 'ssl_stapling').length, 1);

    const self = await loadNginxConfig(host, '/n/self.conf');
    assert.deepEqual(
      self.problems.map((x) => [x.kind, x.file]),
      [['include-cycle', '/n/self.conf']],
    );
  });

  test('the same file included twice is spliced twice, as independent copies', async () => {
    const host = new MemoryHost({
      '/n/nginx.conf': 'http {\n server { include tls.conf; }\n server { include tls.conf; }\n}\n',
      '/n/tls.conf': 'ssl_protocols TLSv1.2;\n',
    });
    const tree = await loadNginxConfig(host, '/n/nginx.conf');
    assert.deepEqual(tree.problems, []);
    const [a, b] = find(tree, 'ssl_protocols');
    assert.ok(a && b && a !== b);
    assert.notEqual(a.includedBy, b.includedBy);
    assert.equal(tree.files.size, 2);
  });

  test('limits on files, bytes and depth come back as located problems', async () => {
    const files: Record<string, string> = { '/n/nginx.conf': 'include 0.conf;\n' };
    for (let i = 0; i < 50; i++) files[`/n/${i}.conf`] = `include ${i + 1}.conf;\n`;
    const host = new MemoryHost(files);
    const byFiles = await loadNginxConfig(host, '/n/nginx.conf', { maxFiles: 5 });
    assert.deepEqual(
      byFiles.problems.map((p) => [p.kind, p.file]),
      [['include-limit', '/n/3.conf']],
    );
    assert.equal(byFiles.files.size, 6 - 1 + 1); // nginx.conf + 0..3 admitted, 4.conf read but not admitted
    const byDepth = await loadNginxConfig(host, '/n/nginx.conf', { maxDepth: 3 });
    assert.deepEqual(
      byDepth.problems.map((p) => p.kind),
      ['include-limit'],
    );
    const byBytes = await loadNginxConfig(host, '/n/nginx.conf', { maxBytes: 40 });
    assert.deepEqual(
      byBytes.problems.map((p) => p.kind),
      ['include-limit'],
    );
    // Fifty levels are past the default depth limit too.
    const dflt = await loadNginxConfig(host, '/n/nginx.conf');
    assert.deepEqual(
      dflt.problems.map((p) => p.kind),
      ['include-limit'],
    );
  });

  test('syntax problems in included files are located in those files', async () => {
    const host = new MemoryHost({
      '/n/nginx.conf': 'http {\n  include bad.conf;\n}\n',
      '/n/bad.conf': 'server {\n  listen 443 ssl\n}\n',
    });
    const tree = await loadNginxConfig(host, '/n/nginx.conf');
    assert.deepEqual(
      tree.problems.map((p) => [p.kind, p.severity, p.file, p.range.start.line]),
      [['syntax', 'error', '/n/bad.conf', 1]],
    );
  });

  test('an unreadable entry, a bad argument count and a throwing host are problems, never exceptions', async () => {
    const missing = await loadNginxConfig(new MemoryHost({}), '/nope/nginx.conf');
    assert.deepEqual(
      missing.problems.map((p) => [p.kind, p.severity]),
      [['read-error', 'error']],
    );
    assert.deepEqual(missing.directives, []);

    const args = await loadNginxConfig(new MemoryHost({ '/n/nginx.conf': 'include;\ninclude a b;\n' }), '/n/nginx.conf');
    assert.deepEqual(
      args.problems.map((p) => p.kind),
      ['include-arguments', 'include-arguments'],
    );

    const broken: Host = {
      readFile: async (p) => {
        if (p === '/n/nginx.conf') return new TextEncoder().encode('include x.conf;\ninclude d/*.conf;\n');
        throw new Error('EIO');
      },
      stat: async (p): Promise<FileStat | undefined> => {
        if (p === '/n/nginx.conf') return { isFile: true, isDirectory: false, size: 10 };
        throw new Error('EACCES');
      },
      readDirectory: async (): Promise<DirEntry[]> => {
        throw new Error('EACCES');
      },
      now: () => new Date(),
      env: () => undefined,
    };
    const tree = await loadNginxConfig(broken, '/n/nginx.conf', { prefix: '/n' });
    assert.deepEqual(
      tree.problems.map((p) => [p.kind, p.severity]),
      [['read-error', 'warning']],
    );
  });

  test('symbolic links in a glob are followed through stat', async () => {
    const mem = new MemoryHost({ '/n/nginx.conf': 'http { include sites-enabled/*; }\n', '/n/sites-available/a': 'server { listen 80; }\n' });
    const host: Host = {
      readFile: (p) => mem.readFile(p === '/n/sites-enabled/a' ? '/n/sites-available/a' : p),
      stat: async (p) => (p === '/n/sites-enabled/a' ? mem.stat('/n/sites-available/a') : mem.stat(p)),
      readDirectory: async (p) => (p === '/n/sites-enabled' ? [{ name: 'a', type: 'symlink' }] : mem.readDirectory(p)),
      now: () => new Date(),
      env: () => undefined,
    };
    const tree = await loadNginxConfig(host, '/n/nginx.conf');
    assert.deepEqual(tree.problems, []);
    assert.equal(find(tree, 'listen')[0]!.file, '/n/sites-enabled/a');
  });
});

describe('nginx includes: from a snippet to its includers', () => {
  const layout = (): MemoryHost =>
    new MemoryHost({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n  include /etc/nginx/sites-enabled/*;\n}\n',
      '/etc/nginx/sites-enabled/example': 'server {\n  listen 443 ssl;\n  include snippets/ssl-params.conf;\n  location / {\n    include snippets/headers.conf;\n  }\n}\n',
      '/etc/nginx/sites-available/example': 'server {\n  listen 443 ssl;\n  include snippets/ssl-params.conf;\n  location / {\n    include snippets/headers.conf;\n  }\n}\n',
      '/etc/nginx/sites-available/unused': 'server { listen 80; }\n',
      '/etc/nginx/snippets/ssl-params.conf': 'ssl_protocols TLSv1.2 TLSv1.3;\n',
      '/etc/nginx/snippets/headers.conf': 'add_header X-Frame-Options DENY;\n',
      '/etc/nginx/snippets/orphan.conf': 'ssl_stapling on;\n',
    });

  test('a snippet finds the nginx.conf above it and the context it lands in', async () => {
    const host = layout();
    const found = await findIncluders(host, '/etc/nginx/snippets/ssl-params.conf');
    assert.equal(found.length, 1);
    const inc = found[0]!;
    assert.equal(inc.config, '/etc/nginx/nginx.conf');
    assert.equal(inc.matchedBy, 'path');
    assert.deepEqual(
      inc.sites.map((s) => [s.file, s.context]),
      [['/etc/nginx/sites-enabled/example', ['http', 'server']]],
    );
    const mine = directivesFromFile(inc.tree, '/etc/nginx/snippets/ssl-params.conf');
    assert.deepEqual(
      mine.map((d) => d.name),
      ['ssl_protocols'],
    );

    const headers = await findIncluders(host, '/etc/nginx/snippets/headers.conf');
    assert.deepEqual(headers[0]!.sites[0]!.context, ['http', 'server', 'location']);
  });

  test('a site opened under sites-available matches its sites-enabled link by content', async () => {
    const host = layout();
    const found = await findIncluders(host, '/etc/nginx/sites-available/example');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.matchedBy, 'content');
    assert.equal(found[0]!.includedAs, '/etc/nginx/sites-enabled/example');
    assert.deepEqual(found[0]!.sites[0]!.context, ['http']);
    assert.deepEqual(await findIncluders(host, '/etc/nginx/sites-available/unused'), []);
  });

  test('orphans have no includer; extra candidates are tried; the main file is not its own includer', async () => {
    const host = layout();
    assert.deepEqual(await findIncluders(host, '/etc/nginx/snippets/orphan.conf'), []);
    assert.deepEqual(await findIncluders(host, '/etc/nginx/nginx.conf'), []);
    host.set('/opt/other/main.conf', 'http { server { include /etc/nginx/snippets/orphan.conf; } }\n');
    const found = await findIncluders(host, '/etc/nginx/snippets/orphan.conf', { candidates: ['/opt/other/main.conf'] });
    assert.deepEqual(
      found.map((f) => [f.config, f.sites[0]!.context]),
      [['/opt/other/main.conf', ['http', 'server']]],
    );
  });
});

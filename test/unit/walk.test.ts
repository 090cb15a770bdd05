import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryHost, walkFiles, type Host } from '../../server/src/core';

async function collect(host: Host, root: string, ignore: string[] = []): Promise<string[]> {
  const out: string[] = [];
  for await (const f of walkFiles(host, root, { ignore })) out.push(f);
  return out;
}

test('walks in name order, honouring nested .gitignore files and always skipping .git and node_modules', async () => {
  const host = new MemoryHost({
    '/w/.gitignore': '*.log\nbuild/\n',
    '/w/a.conf': '',
    '/w/b.log': '',
    '/w/build/out.conf': '',
    '/w/node_modules/x/nginx.conf': '',
    '/w/.git/config': '',
    '/w/sub/.gitignore': 'secret.pem\n!keep.log\n',
    '/w/sub/secret.pem': '',
    '/w/sub/keep.log': '',
    '/w/sub/z.pem': '',
    '/w/sub/deeper/secret.pem': '',
    '/w/vendor/v.conf': '',
  });
  assert.deepEqual(await collect(host, '/w'), [
    '/w/.gitignore',
    '/w/a.conf',
    '/w/sub/.gitignore',
    '/w/sub/deeper/secret.pem',
    '/w/sub/keep.log',
    '/w/sub/z.pem',
    '/w/vendor/v.conf',
  ].filter((p) => p !== '/w/sub/deeper/secret.pem'));
  assert.deepEqual(await collect(host, '/w', ['vendor/', '*.pem']), ['/w/.gitignore', '/w/a.conf', '/w/sub/.gitignore', '/w/sub/keep.log']);
});

test('unreadable directories are reported and skipped; cancellation stops the walk', async () => {
  const host = new MemoryHost({ '/w/a/1.conf': '', '/w/b/2.conf': '' });
  const broken: Host = Object.assign(Object.create(host) as MemoryHost, {
    readDirectory: async (p: string) => {
      if (p === '/w/a') throw new Error('EACCES: permission denied');
      return host.readDirectory(p);
    },
  });
  const errors: string[] = [];
  const files: string[] = [];
  for await (const f of walkFiles(broken, '/w', { onError: (p, m) => errors.push(`${p}: ${m}`) })) files.push(f);
  assert.deepEqual(files, ['/w/b/2.conf']);
  assert.deepEqual(errors, ['/w/a: EACCES: permission denied']);
  let n = 0;
  for await (const _ of walkFiles(host, '/w', { isCancelled: () => n++ > 0 })) assert.fail('walked after cancellation');
});

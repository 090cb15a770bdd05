import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { isCandidateName } from '../../server/src/core/engine';
import { repoPath } from '../support/tools';

// pre-commit passes a hook the staged files its `files` pattern (a Python regex, searched in
// the path git gives) selects; the hooks should see the files `tls-lens check .` would walk.
const hooks = parse(readFileSync(repoPath('.pre-commit-hooks.yaml'), 'utf8')) as Array<{ id: string; files: string; entry: string }>;

test('every hook runs tls-lens check on the same files', () => {
  assert.deepEqual(hooks.map((h) => h.id), ['tls-lens', 'tls-lens-system']);
  for (const h of hooks) {
    assert.equal(h.entry, 'tls-lens check');
    assert.equal(h.files, hooks[0]!.files);
  }
});

test('the files pattern selects exactly the names isCandidateName accepts', () => {
  const pattern = new RegExp(hooks[0]!.files);
  const names = [
    'nginx.conf', 'etc/nginx/nginx.conf', 'conf.d/app.conf', 'x/sites-enabled/site', 'sites-available/example.com', 'sites-enabled/a.b',
    'nginx/snippets/ssl.conf', 'site.nginx', 'SITE.NGINX', 'cert.pem', 'CERT.PEM', 'chain.crt', 'a.cer', 'tls.key', 'req.csr', 'Key.Key',
    'deploy/ingress.yaml', 'x.yml', 'X.YAML', '.tls-lens.yaml', '.tls-lens.json', 'package.json', 'README.md', 'notes.txt', 'NOTES.TXT',
    'a.conf', '.conf', '.pem', '.yaml', 'dir/.yml', 'x.pem.bak', 'image.png', 'app.ts', 'Makefile', 'sites-enabled/', 'sites-enabledx/a',
    'xsites-enabled/a', 'sites-enabled/sub/a', 'SITES-ENABLED/a', 'conf.d/a.txt', 'yaml', 'pem', 'a.json5', 'a.mdx', 'a.key.pub',
  ];
  for (const n of names) assert.equal(pattern.test(n), isCandidateName(n), n);
});

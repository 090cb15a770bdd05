// Runs layers 1-3 of the tests (unit, CLI, real nginx, protocol, Neovim) with Node's test runner.
// The real-VS-Code layer runs inside VS Code: `npm run test:vscode:offline`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['out/test/unit', 'out/test/cli', 'out/test/ci', 'out/test/nginx', 'out/test/lsp', 'out/test/nvim', 'out/test/kube', 'out/test/repos', 'out/test/probe'];
const files = [];
const walk = (dir) => {
  let names;
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p);
    else if (n.endsWith('.test.js')) files.push(p);
  }
};
roots.forEach(walk);
if (files.length === 0) {
  console.error('no compiled tests found under out/test: run `npm run build` first');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...process.argv.slice(2), ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);

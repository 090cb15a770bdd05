/**
 * Layer: where CI runs. The package as `npm pack` makes it, installed globally into a
 * temporary prefix with the network off; then the GitHub Action's steps and the pre-commit
 * hooks, each run for real (bash as the runner runs it; Debian's pre-commit) on top of it.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadAction, runAction, type ActionRun } from '../support/actionRunner';
import { LspSession, fileUri } from '../support/lspClient';
import { cleanEnv, cleanPath, npmInstallGlobal, npmPack, run, stageRepository, type PackedFile } from '../support/packaging';
import { loadSarifSchema } from '../support/sarifSchema';
import { findTool, repoPath } from '../support/tools';

const npm = findTool('npm', 'npm');
const skip = npm.skip ?? false;

const WEAK = 'server {\n    listen 443;\n    ssl_protocols TLSv1 TLSv1.2;\n}\n';
const GOOD = 'server {\n    listen 443;\n    ssl_protocols TLSv1.2 TLSv1.3;\n}\n';
const WEAK_LINE = 'sites-enabled/weak:3:19: warning ssl_protocols enables TLSv1, deprecated by RFC 8996; the intermediate profile allows TLSv1.2, TLSv1.3 [nginx/weak-protocol]';

let root = '';
let stage = '';
let tarball = '';
let packed: PackedFile[] = [];
let prefix = '';
let installed = '';

/** A folder with the given files (relative path → text). */
function workspace(name: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(root, name);
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), body);
  }
  return dir;
}

/** The installed `tls-lens`, run the way a shell runs it: through its shebang, with a PATH that has Node and nothing of this repository. */
function tlsLens(args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): ReturnType<typeof run> {
  return run(path.join(prefix, 'bin', 'tls-lens'), args, { cwd, env: cleanEnv({ PATH: cleanPath(), HOME: root, ...extraEnv }) });
}

before(() => {
  if (skip) return;
  root = mkdtempSync(path.join(tmpdir(), 'tls-lens-installed-'));
  stage = stageRepository(path.join(root, 'stage'));
  ({ tarball, files: packed } = npmPack(npm.path!, stage, root, path.join(root, 'npm-cache-pack')));
  prefix = path.join(root, 'prefix');
  const r = npmInstallGlobal(npm.path!, tarball, prefix, path.join(root, 'npm-cache-install'));
  assert.equal(r.code, 0, `npm install --global --offline ${tarball} failed:\n${r.stderr}`);
  installed = path.join(prefix, 'lib', 'node_modules', 'tls-lens');
});
after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the npm package', { skip }, () => {
  test('the tarball holds the launchers, the bundles with their code caches, the rule pages and the licence; no sources, tests or source maps', () => {
    const names = packed.map((f) => f.path);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/cli.js', 'dist/cli.bundle.js', 'dist/server.js', 'dist/server.bundle.js']) {
      assert.ok(names.includes(f), `${f} is missing from ${path.basename(tarball)}`);
    }
    assert.equal(names.filter((n) => /^dist\/cli\.bundle\.js\..+\.cache$/.test(n)).length, 1, 'one code cache for the CLI');
    assert.equal(names.filter((n) => /^dist\/server\.bundle\.js\..+\.cache$/.test(n)).length, 1, 'one code cache for the server');
    const pages = readdirSync(repoPath('docs', 'rules'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && d.name.endsWith('.md')).length;
    assert.equal(names.filter((n) => n.startsWith('docs/rules/') && n.endsWith('.md')).length, pages, 'every rule page');
    const stray = names.filter((n) => /^(server|client|test|scripts|bench|examples|node_modules)\//.test(n) || n.endsWith('.map') || n.endsWith('.ts'));
    assert.deepEqual(stray, []);
  });

  test('its manifest names no runtime dependency, so an offline install needs nothing but the tarball', () => {
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.dependencies, undefined);
    assert.equal(manifest.private, undefined, 'publishable');
    assert.deepEqual(manifest.bin, { 'tls-lens': 'dist/cli.js', 'tls-lens-server': 'dist/server.js' });
    assert.equal(existsSync(path.join(installed, 'node_modules')), false, 'nothing was installed beside it');
  });

  test('`tls-lens check` from the PATH: a weak config exits 1 with the finding, a good one 0', () => {
    const ws = workspace('npm-ws', { 'sites-enabled/weak': WEAK, 'good/sites-enabled/good': GOOD });
    const weak = tlsLens(['check', 'sites-enabled'], ws);
    assert.equal(weak.code, 1, weak.stderr);
    assert.equal(weak.stdout, `${WEAK_LINE}\n0 errors, 1 warning, 0 notes in 1 file checked.\n`);
    const good = tlsLens(['check', '.'], path.join(ws, 'good'));
    assert.equal(good.code, 0, good.stderr + good.stdout);
    assert.equal(good.stdout, 'No findings in 1 file checked.\n');
  });

  test('`tls-lens probe --help` and `--version`', () => {
    const help = tlsLens(['probe', '--help'], root);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: tls-lens probe host\[:port\]/);
    const version = tlsLens(['--version'], root);
    assert.equal(version.stdout, `tls-lens ${(JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version}\n`);
  });

  test('SARIF from the installed CLI is valid and carries each rule page as its help text', () => {
    const ws = workspace('sarif-ws', { 'sites-enabled/weak': WEAK });
    const r = tlsLens(['check', '.', '--format', 'sarif'], ws);
    assert.equal(r.code, 1, r.stderr);
    const sarif = JSON.parse(r.stdout) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; help?: { markdown?: string } }> } } }> };
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(loadSarifSchema());
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3)));
    const rules = sarif.runs[0]!.tool.driver.rules;
    const rule = rules.find((x) => x.id === 'nginx/weak-protocol');
    assert.equal(rule?.help?.markdown, readFileSync(repoPath('docs', 'rules', 'nginx', 'weak-protocol.md'), 'utf8'));
    assert.deepEqual(rules.filter((x) => !x.help?.markdown).map((x) => x.id), [], 'every rule has its page');
  });

  test('the shipped code cache is the one this Node accepts: nothing is compiled or written at start', () => {
    const ws = workspace('cache-ws', { 'sites-enabled/weak': WEAK });
    const r = tlsLens(['check', '.'], ws, { TLS_LENS_CODE_CACHE: 'debug' });
    assert.match(r.stderr, /^tls-lens: code cache cli\.bundle\.js\..+\.cache: accepted$/m);
    assert.doesNotMatch(r.stderr, /written/);
    const caches = readdirSync(path.join(installed, 'dist')).filter((f) => f.endsWith('.cache'));
    assert.equal(caches.length, 2, caches.join(', '));
  });

  test('a copy without a usable cache writes one at exit and uses it next time; a read-only copy just runs', () => {
    const copy = path.join(root, 'cache-copy');
    cpSync(installed, copy, { recursive: true });
    const dist = path.join(copy, 'dist');
    const ws = workspace('cache-copy-ws', { 'sites-enabled/weak': WEAK });
    const cli = (env: NodeJS.ProcessEnv = {}): ReturnType<typeof run> =>
      run(process.execPath, [path.join(dist, 'cli.js'), 'check', '.'], { cwd: ws, env: cleanEnv({ TLS_LENS_CODE_CACHE: 'debug', ...env }) });
    const cacheFile = (): string => path.join(dist, readdirSync(dist).find((f) => /^cli\.bundle\.js\..+\.cache$/.test(f))!);
    const shipped = cacheFile();
    const states = (r: ReturnType<typeof run>): string[] => [...r.stderr.matchAll(/^tls-lens: code cache \S+: (\w+)$/gm)].map((m) => m[1]!);

    writeFileSync(shipped, 'not a V8 code cache');
    const rejected = cli();
    assert.equal(rejected.code, 1, rejected.stderr);
    assert.ok(rejected.stdout.includes(WEAK_LINE));
    assert.deepEqual(states(rejected), ['rejected', 'written']);
    assert.deepEqual(states(cli()), ['accepted']);

    rmSync(shipped);
    assert.deepEqual(states(cli()), ['missing', 'written']);
    assert.deepEqual(states(cli()), ['accepted']);

    const off = cli({ TLS_LENS_CODE_CACHE: 'off' });
    assert.equal(off.code, 1);
    assert.deepEqual(states(off), []);

    rmSync(shipped);
    chmodSync(dist, 0o555);
    try {
      const readOnly = cli();
      assert.equal(readOnly.code, 1, readOnly.stderr);
      assert.ok(readOnly.stdout.includes(WEAK_LINE));
      // root may write anyway; an ordinary user cannot, and the run must not care either way.
      assert.ok(['missing,written', 'missing'].includes(states(readOnly).join(',')), states(readOnly).join(','));
      assert.deepEqual(readdirSync(dist).filter((f) => f.endsWith('.tmp')), []);
    } finally {
      chmodSync(dist, 0o755);
    }
  });

  test('`tls-lens-server` from the PATH answers initialize and publishes diagnostics over stdio', async () => {
    const ws = workspace('lsp-ws', { 'sites-enabled/weak': WEAK });
    const session = await LspSession.start({
      workspaceFolders: [ws],
      command: { file: path.join(prefix, 'bin', 'tls-lens-server'), env: cleanEnv({ PATH: cleanPath(), HOME: root }) },
    });
    try {
      assert.equal(session.initializeResult?.serverInfo?.name, 'TLS Lens');
      const uri = fileUri(path.join(ws, 'sites-enabled', 'weak'));
      await session.open(uri, 'nginx', WEAK);
      const published = await session.diagnostics(uri, { accept: (p) => p.diagnostics.length > 0 });
      assert.deepEqual(published.diagnostics.map((d) => d.code), ['nginx/weak-protocol']);
    } finally {
      await session.shutdownAndExit();
    }
  });
});

describe('the GitHub Action (action.yml), its steps run as the runner runs them', { skip }, () => {
  const action = loadAction(repoPath('action.yml'));
  const runnerTemp = (): string => path.join(root, 'runner-temp');
  let firstRun: ActionRun | undefined;
  const jobEnv = (): NodeJS.ProcessEnv => cleanEnv({ PATH: cleanPath(), HOME: root, npm_config_offline: 'true', npm_config_cache: path.join(root, 'npm-cache-action') });
  /** The action on `ws`, installing from the tarball the first time, and reusing that install (the runner's PATH) after. */
  const act = (ws: string, inputs: Record<string, string>): ActionRun => {
    const r = runAction(action, {
      actionPath: repoPath(),
      workspace: ws,
      runnerTemp: runnerTemp(),
      inputs: { package: tarball, ...inputs },
      env: jobEnv(),
      path: firstRun?.path,
      skip: firstRun ? ['Install tls-lens'] : [],
    });
    firstRun ??= r;
    return r;
  };
  const step = (r: ActionRun, name: string): ActionRun['steps'][number] => {
    const s = r.steps.find((x) => x.name === name);
    assert.ok(s, `no step "${name}"`);
    return s;
  };
  /** The annotations GitHub would make: the matchers the step added, applied to the lines it printed while they were on. */
  const annotations = (stdout: string): Array<{ severity: string; file: string; line: number; column: number; code: string }> => {
    const found: Array<{ severity: string; file: string; line: number; column: number; code: string }> = [];
    let matchers: Array<{ severity: string; re: RegExp; p: { file: number; line: number; column: number; code: number } }> = [];
    for (const line of stdout.split('\n')) {
      const add = /^::add-matcher::(.+)$/.exec(line);
      if (add) {
        const json = JSON.parse(readFileSync(add[1]!, 'utf8')) as { problemMatcher: Array<{ owner: string; severity: string; pattern: Array<{ regexp: string; file: number; line: number; column: number; code: number }> }> };
        matchers = json.problemMatcher.map((m) => ({ severity: m.severity, re: new RegExp(m.pattern[0]!.regexp), p: m.pattern[0]! }));
        continue;
      }
      if (/^::remove-matcher owner=/.test(line)) {
        matchers = [];
        continue;
      }
      for (const m of matchers) {
        const g = m.re.exec(line);
        if (g) found.push({ severity: m.severity, file: g[m.p.file]!, line: Number(g[m.p.line]), column: Number(g[m.p.column]), code: g[m.p.code]! });
      }
    }
    return found;
  };

  test('no run step splices an expression into its script: every input arrives through env', () => {
    for (const s of action.runs.steps) {
      if (s.run !== undefined) {
        assert.equal(s.shell, 'bash', s.name);
        assert.doesNotMatch(s.run, /\$\{\{/, `${s.name} interpolates into its script`);
      }
    }
  });

  test('a weak config: installs from the tarball, annotates the finding as a warning on its line, skips the upload, fails the job', () => {
    const ws = workspace('action-weak', { 'sites-enabled/weak': WEAK, 'README.md': '# a repository\n' });
    const r = act(ws, {});
    const install = step(r, 'Install tls-lens');
    assert.equal(install.outcome, 'success', install.stderr);
    assert.match(install.stdout, /^tls-lens \d+\.\d+\.\d+$/m);
    const check = step(r, 'Check');
    assert.equal(check.outcome, 'success', check.stderr);
    assert.equal(r.outputs['exit-code'], '1');
    assert.equal(r.outputs['sarif-file'], '');
    assert.deepEqual(annotations(check.stdout), [{ severity: 'warning', file: 'sites-enabled/weak', line: 3, column: 19, code: 'nginx/weak-protocol' }]);
    assert.equal(step(r, 'Upload SARIF to code scanning').outcome, 'skipped');
    const result = step(r, 'Result');
    assert.equal(result.outcome, 'failure');
    assert.match(result.stdout, /^::error title=TLS Lens::findings at or above 'warning'/m);
    assert.match(r.summary, /### TLS Lens\n\n0 errors, 1 warning, 0 notes in 2 files checked\.\n/);
  });

  test('upload-sarif with fail-on error: a valid SARIF file handed to upload-sarif with the category, and the job passes', () => {
    const ws = workspace('action-sarif', { 'sites-enabled/weak': WEAK });
    const r = act(ws, { 'upload-sarif': 'true', 'fail-on': 'error', category: 'tls-config' });
    assert.equal(r.outputs['exit-code'], '0');
    const upload = step(r, 'Upload SARIF to code scanning');
    assert.equal(upload.outcome, 'recorded');
    assert.match(upload.uses ?? '', /^github\/codeql-action\/upload-sarif@v\d+$/);
    assert.deepEqual(upload.with, { sarif_file: path.join(runnerTemp(), 'tls-lens.sarif'), category: 'tls-config' });
    const sarif = JSON.parse(readFileSync(upload.with?.sarif_file ?? '', 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string }> }> };
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    assert.ok(ajv.compile(loadSarifSchema())(sarif));
    assert.deepEqual(sarif.runs[0]!.results.map((x) => x.ruleId), ['nginx/weak-protocol']);
    assert.equal(step(r, 'Result').outcome, 'success');
  });

  test('paths one per line (one with a space), a policy file, a profile; a good config passes with no annotations', () => {
    const ws = workspace('action-paths', {
      'edge proxy/sites-enabled/good': GOOD,
      'k8s/README.md': 'notes\n',
      'policy/strict.yaml': 'extends: intermediate\n',
      'elsewhere/sites-enabled/weak': WEAK,
    });
    const good = act(ws, { paths: 'edge proxy\n  k8s  \n', policy: 'policy/strict.yaml' });
    assert.equal(good.outputs['exit-code'], '0', step(good, 'Check').stdout + step(good, 'Check').stderr);
    assert.deepEqual(annotations(step(good, 'Check').stdout), []);
    assert.match(good.summary, /No findings in 2 files checked\./);
    assert.equal(step(good, 'Result').outcome, 'success');
    // The legacy profile (Mozilla "old") allows TLS 1.0: the weak file passes under it.
    const legacy = act(ws, { paths: 'elsewhere', profile: 'legacy' });
    assert.equal(legacy.outputs['exit-code'], '0', step(legacy, 'Check').stdout + step(legacy, 'Check').stderr);
    assert.deepEqual(annotations(step(legacy, 'Check').stdout), []);
  });

  test('a bad input is exit code 2 and a failed job that says so', () => {
    const ws = workspace('action-bad', { 'sites-enabled/weak': WEAK });
    const r = act(ws, { profile: 'paranoid' });
    assert.equal(r.outputs['exit-code'], '2');
    assert.match(step(r, 'Check').stderr, /--profile must be one of/);
    assert.match(step(r, 'Result').stdout, /::error title=TLS Lens::tls-lens check could not run to the end \(exit code 2/);
  });

  test('without a package input it installs tls-lens@<this action\'s version> from the registry (offline here, so the request is refused by name)', () => {
    const version = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version;
    const r = runAction(action, {
      actionPath: repoPath(),
      workspace: workspace('action-registry', { 'a.conf': '' }),
      runnerTemp: path.join(root, 'runner-temp-registry'),
      inputs: {},
      env: jobEnv(),
    });
    const install = step(r, 'Install tls-lens');
    assert.equal(install.outcome, 'failure');
    assert.ok(install.stdout.includes(`Installing tls-lens@${version}\n`), install.stdout);
    assert.match(install.stderr, /ENOTCACHED|offline|only-if-cached/i);
    assert.equal(step(r, 'Check').outcome, 'skipped');
  });
});

const preCommit = findTool('pre-commit');
const git = findTool('git');
const slow = process.env.TLS_LENS_SLOW_TESTS === '1';

describe('the pre-commit hooks (.pre-commit-hooks.yaml), with Debian\'s pre-commit', { skip: skip || preCommit.skip || git.skip || false }, () => {
  const gitEnv = (): NodeJS.ProcessEnv =>
    cleanEnv({
      PATH: cleanPath(path.join(prefix, 'bin')),
      HOME: path.join(root, 'home'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
      PRE_COMMIT_HOME: path.join(root, 'pre-commit-home'),
    });
  const sh = (cmd: string, args: string[], cwd: string, env = gitEnv()): ReturnType<typeof run> => run(cmd, args, { cwd, env, timeoutMs: 600_000 });
  let hookRepo = '';
  /** A git repository with these files staged. */
  const repo = (name: string, files: Record<string, string | Buffer>): string => {
    const dir = workspace(name, files);
    assert.equal(sh(git.path!, ['init', '-q', '-b', 'main'], dir).code, 0);
    assert.equal(sh(git.path!, ['add', '-A'], dir).code, 0);
    return dir;
  };

  before(() => {
    if (skip || preCommit.skip || git.skip) return;
    mkdirSync(path.join(root, 'home'), { recursive: true });
    // The hook repository: the staged copy of this one, committed (pre-commit clones it).
    hookRepo = stage;
    for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'hooks']]) {
      const r = sh(git.path!, args, hookRepo);
      assert.equal(r.code, 0, r.stderr);
    }
  });

  test('try-repo, tls-lens-system: a weak config fails, with the finding, on the staged candidates only', () => {
    const dir = repo('pc-weak', { 'sites-enabled/weak': WEAK, 'notes.md': 'notes\n', 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'app.ts': 'export {};\n' });
    const r = sh(preCommit.path!, ['try-repo', hookRepo, 'tls-lens-system', '--verbose'], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /TLS Lens\.+Failed/);
    assert.ok(r.stdout.includes(WEAK_LINE), r.stdout);
    assert.match(r.stdout, /0 errors, 1 warning, 0 notes in 2 files checked\./);
  });

  test('try-repo, tls-lens-system: a good config passes', () => {
    const dir = repo('pc-good', { 'sites-enabled/good': GOOD });
    const r = sh(preCommit.path!, ['try-repo', hookRepo, 'tls-lens-system', '--verbose'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /TLS Lens\.+Passed/);
    assert.match(r.stdout, /No findings in 1 file checked\./);
  });

  test('installed as the git hook: the weak config blocks the commit; the fixed one is committed', () => {
    const rev = sh(git.path!, ['rev-parse', 'HEAD'], hookRepo).stdout.trim();
    const config = `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: tls-lens-system\n`;
    const dir = repo('pc-commit', { '.pre-commit-config.yaml': config, 'sites-enabled/weak': WEAK });
    assert.equal(sh(preCommit.path!, ['install'], dir).code, 0);
    const refused = sh(git.path!, ['commit', '-m', 'weak'], dir);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.ok((refused.stdout + refused.stderr).includes(WEAK_LINE));
    assert.notEqual(sh(git.path!, ['rev-parse', '--verify', 'HEAD'], dir).code, 0, 'nothing was committed');
    writeFileSync(path.join(dir, 'sites-enabled', 'weak'), GOOD);
    assert.equal(sh(git.path!, ['add', '-A'], dir).code, 0);
    const accepted = sh(git.path!, ['commit', '-m', 'fixed'], dir);
    assert.equal(accepted.code, 0, accepted.stdout + accepted.stderr);
    assert.equal(sh(git.path!, ['rev-parse', '--verify', 'HEAD'], dir).code, 0);
  });

  test(
    'try-repo, tls-lens (language: node): pre-commit builds TLS Lens from the hook repository with npm, then a weak config fails',
    { skip: slow ? false : 'installs every dev dependency into a pre-commit environment (about 45 s, from the npm cache when offline); set TLS_LENS_SLOW_TESTS=1' },
    () => {
      const dir = repo('pc-node', { 'sites-enabled/weak': WEAK });
      // pre-commit's npm uses the user's npm cache (filled by `npm ci`); offline, nothing is downloaded.
      const env = { ...gitEnv(), PATH: cleanPath(), npm_config_offline: 'true', npm_config_cache: process.env.npm_config_cache ?? path.join(process.env.HOME ?? '', '.npm') };
      const r = sh(preCommit.path!, ['try-repo', hookRepo, 'tls-lens', '--verbose'], dir, env);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.ok(r.stdout.includes(WEAK_LINE), r.stdout);
    },
  );
});

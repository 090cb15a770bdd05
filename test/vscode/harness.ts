// Shared plumbing of the real-VS-Code layer run offline: code-server 4.100.3 (installed by
// .ci/install-code-server.sh outside the repository) driven by Debian's chromium through
// playwright-core. Used by run-offline.ts (the mocha suite in the extension host) and
// screenshot.ts (UI end to end). See docs: testing-here.md, "Real VS Code".
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { repoPath, toolsRequired } from '../support/tools';

export const CODE_SERVER_VERSION = '4.100.3';

/** Chromium flags that work headless, as root, offline. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function log(msg: string): void {
  process.stdout.write(`[vscode-offline] ${msg}\n`);
}

/**
 * Finds chromium (env CHROMIUM_BIN, else `chromium` on PATH). When it is missing: with
 * TLS_LENS_REQUIRE_TOOLS=1 prints why and exits 1; otherwise prints a visible skip and exits 0.
 */
export function requireChromium(what: string): string {
  const fromEnv = process.env.CHROMIUM_BIN;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  for (const name of ['chromium', 'chromium-browser']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  if (toolsRequired) {
    process.stderr.write(
      `${what}: FAILED: chromium is not installed (apt-get install chromium), and TLS_LENS_REQUIRE_TOOLS=1 requires it\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`\n*** ${what}: skipped: chromium not installed (apt-get install chromium) ***\n\n`);
  process.exit(0);
}

/** The code-server binary: env CODE_SERVER_BIN, else whatever .ci/install-code-server.sh installs. */
export function ensureCodeServer(): string {
  const fromEnv = process.env.CODE_SERVER_BIN;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`CODE_SERVER_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  const script = repoPath('.ci', 'install-code-server.sh');
  const started = Date.now();
  const r = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${script} failed (exit ${r.status ?? r.signal}): code-server ${CODE_SERVER_VERSION} is not available`);
  }
  const lines = r.stdout.trim().split('\n');
  const bin = lines[lines.length - 1]?.trim() ?? '';
  if (!bin || !fs.existsSync(bin)) throw new Error(`${script} printed no usable binary path (got "${bin}")`);
  log(`code-server: ${bin} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return bin;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** A scratch folder with HOME and XDG_* inside, so code-server and chromium leave the real home alone. */
export interface Sandbox {
  root: string;
  env: NodeJS.ProcessEnv;
  userDataDir: string;
  extensionsDir: string;
  browserDir: string;
}

/**
 * @param opts.workspaceTrust keep VS Code's workspace trust on (the folder opens untrusted, in
 * restricted mode, without the startup prompt); default off, as for every other run.
 */
export function makeSandbox(prefix: string, opts: { workspaceTrust?: boolean } = {}): Sandbox {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const home = path.join(root, 'home');
  const dirs = {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    XDG_RUNTIME_DIR: path.join(root, 'run'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const browserDir = path.join(root, 'chromium');
  for (const d of [userDataDir, extensionsDir, browserDir]) fs.mkdirSync(d, { recursive: true });
  // User settings: nothing that pops up over the editor, nothing that phones home.
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.enabled': opts.workspaceTrust === true,
    ...(opts.workspaceTrust ? { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' } : {}),
    'editor.stickyScroll.enabled': false,
    'workbench.reduceMotion': 'on',
    'git.enabled': false,
    'chat.commandCenter.enabled': false,
  };
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const env: NodeJS.ProcessEnv = { ...process.env, ...dirs };
  // Never let the runner's own npm/vscode environment leak into the server or extension host.
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.VSCODE_IPC_HOOK_CLI;
  // No extension marketplace (open-vsx.org is unreachable offline and only adds noise).
  env.EXTENSIONS_GALLERY = '{}';
  return { root, env, userDataDir, extensionsDir, browserDir };
}

export function removeSandbox(sb: Sandbox): void {
  if (process.env.TLS_LENS_KEEP_SANDBOX === '1') {
    log(`sandbox kept: ${sb.root}`);
    return;
  }
  try {
    fs.rmSync(sb.root, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    /* best effort */
  }
}

export interface CodeServer {
  port: number;
  origin: string;
  proc: ChildProcess;
  output: string[];
  stop(): Promise<void>;
}

function get(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/**
 * Starts code-server in its own process group on a free 127.0.0.1 port and waits for /healthz.
 * stop() kills that process group (only what this call started) and waits for it to end.
 */
export async function startCodeServer(
  bin: string,
  sb: Sandbox,
  folder: string,
  opts: { verbose?: boolean; healthTimeoutMs?: number; workspaceTrust?: boolean } = {},
): Promise<CodeServer> {
  const port = await freePort();
  const config = path.join(sb.root, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    '--config', config,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', sb.userDataDir,
    '--extensions-dir', sb.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    folder,
  ];
  const proc = spawn(bin, args, { env: sb.env, cwd: sb.root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (opts.verbose) process.stdout.write(`[code-server] ${line}\n`);
    }
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      exited = true;
      resolve();
    });
    proc.once('error', (err) => {
      output.push(`spawn error: ${err.message}`);
      exited = true;
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    const pid = proc.pid;
    if (pid === undefined) return;
    const killGroup = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-pid, sig);
      } catch {
        /* already gone */
      }
    };
    killGroup('SIGTERM');
    const timer = new Promise<void>((r) => setTimeout(r, 3000).unref());
    await Promise.race([exitPromise, timer]);
    // The group may still hold the extension host (kept for a reconnection grace period).
    killGroup('SIGKILL');
    await Promise.race([exitPromise, new Promise<void>((r) => setTimeout(r, 2000).unref())]);
  };

  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.healthTimeoutMs ?? 30_000);
  for (;;) {
    if (exited) {
      throw new Error(`code-server exited before answering /healthz:\n${output.slice(-30).join('\n')}`);
    }
    if ((await get(`${origin}/healthz`, 1000)) === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${origin}/healthz in time:\n${output.slice(-30).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { port, origin, proc, output, stop };
}

/** The workbench URL on `folder`, optionally with the extension-test payload. */
export function workbenchUrl(
  cs: CodeServer,
  folder: string,
  payload?: { extensionDevelopmentPath: string; extensionTestsPath: string },
): string {
  const remote = (p: string): string => `vscode-remote://127.0.0.1:${cs.port}${path.resolve(p)}`;
  let url = `${cs.origin}/?folder=${encodeURIComponent(path.resolve(folder))}`;
  if (payload) {
    const entries = [
      ['extensionDevelopmentPath', remote(payload.extensionDevelopmentPath)],
      ['extensionTestsPath', remote(payload.extensionTestsPath)],
    ];
    url += `&payload=${encodeURIComponent(JSON.stringify(entries))}`;
  }
  return url;
}

export async function launchChromium(executablePath: string, sb: Sandbox): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(sb.browserDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    env: sb.env,
    viewport: { width: 1400, height: 900 },
  });
}

/** Rejects after ms with a clear message; the timer does not keep the process alive. */
export function deadline(ms: number, what: string): { promise: Promise<never>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${Math.round(ms / 1000)} s`)), ms);
    timer.unref();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Simple `--name value` / `--name=value` option parsing. */
export function cliOption(name: string, argv: string[] = process.argv.slice(2)): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

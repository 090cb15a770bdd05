// Runs the real-VS-Code mocha suite (test/vscode/suite) offline: code-server 4.100.3 serves the
// workbench, headless chromium opens it with the extension-test payload in the URL, the suite runs
// in code-server's (Node) extension host, and VS Code reports the log and exit code back through
// window.codeAutomationLog / window.codeAutomationExit.
//
//   node out/test/vscode/run-offline.js [--extension-dev-path DIR] [--tests-path FILE]
//                                       [--folder DIR] [--timeout SECONDS] [--verbose]
//                                       [--workspace-trust]
//
// --workspace-trust keeps workspace trust on: the folder opens untrusted (restricted mode).
//
// Env: CODE_SERVER_BIN (skip the installer), CHROMIUM_BIN, TLS_LENS_REQUIRE_TOOLS=1 (missing
// chromium fails instead of skipping), TLS_LENS_VSCODE_TIMEOUT (seconds, default 180),
// TLS_LENS_VSCODE_GREP (mocha grep), TLS_LENS_KEEP_SANDBOX=1, TLS_LENS_VSCODE_VERBOSE=1.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import { repoRoot } from '../support/tools';
import {
  cliOption,
  deadline,
  ensureCodeServer,
  launchChromium,
  log,
  makeSandbox,
  removeSandbox,
  requireChromium,
  startCodeServer,
  workbenchUrl,
  type CodeServer,
} from './harness';

/** Workbench chatter forwarded through codeAutomationLog, hidden unless --verbose. */
const WORKBENCH_NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^Creation of workbench contribution/,
  /^Ignoring fetching additional builtin extensions/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
];

interface LogEntry {
  relativePath: string;
  contents: string;
}

async function main(): Promise<number> {
  const started = Date.now();
  const extensionDevelopmentPath = path.resolve(cliOption('extension-dev-path') ?? repoRoot);
  const extensionTestsPath = path.resolve(cliOption('tests-path') ?? path.join(__dirname, 'suite', 'index.js'));
  const folder = path.resolve(cliOption('folder') ?? path.join(repoRoot, 'examples'));
  const timeoutS = Number(cliOption('timeout') ?? process.env.TLS_LENS_VSCODE_TIMEOUT ?? 180);
  const verbose = process.argv.includes('--verbose') || process.env.TLS_LENS_VSCODE_VERBOSE === '1';
  const workspaceTrust = process.argv.includes('--workspace-trust');

  const chromiumBin = requireChromium('VS Code extension tests (code-server)');
  for (const [what, p] of [
    ['extension', path.join(extensionDevelopmentPath, 'package.json')],
    ['test entry point', extensionTestsPath],
    ['workspace folder', folder],
  ] as const) {
    if (!fs.existsSync(p)) {
      process.stderr.write(`run-offline: ${what} not found: ${p} (run \`npm run build\` first?)\n`);
      return 1;
    }
  }

  const bin = ensureCodeServer();
  const sb = makeSandbox('tls-lens-vscode', { workspaceTrust });
  let cs: CodeServer | undefined;
  let context: BrowserContext | undefined;
  const limit = deadline(timeoutS * 1000, `VS Code extension tests (overall limit ${timeoutS} s)`);
  try {
    const run = async (): Promise<number> => {
      cs = await startCodeServer(bin, sb, folder, { verbose, workspaceTrust });
      log(`code-server ${cs.origin} (pid ${cs.proc.pid}), up after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      context = await launchChromium(chromiumBin, sb);
      const page = context.pages()[0] ?? (await context.newPage());

      let resolveExit: (code: number) => void = () => undefined;
      const exited = new Promise<number>((r) => (resolveExit = r));
      let hostLogs: LogEntry[] = [];
      await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
        // VS Code forwards console calls as they were made: a format string and its arguments.
        const text = format(...(Array.isArray(args) ? args : [args]));
        for (const line of text.split('\n')) {
          if (!verbose && WORKBENCH_NOISE.some((re) => re.test(line))) continue;
          process.stdout.write(`${type === 'error' ? '! ' : ''}${line}\n`);
        }
      });
      await page.exposeFunction('codeAutomationExit', (code: number, logs?: LogEntry[]) => {
        hostLogs = Array.isArray(logs) ? logs : [];
        resolveExit(typeof code === 'number' ? code : 1);
      });
      page.on('pageerror', (err) => {
        if (verbose) process.stdout.write(`[page error] ${err.message}\n`);
      });
      if (verbose) page.on('console', (msg) => process.stdout.write(`[browser ${msg.type()}] ${msg.text()}\n`));

      const url = workbenchUrl(cs, folder, { extensionDevelopmentPath, extensionTestsPath });
      log(`workbench: ${folder}; extension: ${extensionDevelopmentPath}; tests: ${extensionTestsPath}`);
      const suiteStart = Date.now();
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      const code = await exited;
      log(`extension host exited with code ${code} after ${((Date.now() - suiteStart) / 1000).toFixed(1)} s`);
      if (code !== 0) saveLogs(hostLogs, cs.output, sb.userDataDir);
      return code;
    };
    return await Promise.race([run(), limit.promise]);
  } catch (err) {
    process.stderr.write(`run-offline: FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    if (cs) saveLogs([], cs.output, sb.userDataDir);
    return 1;
  } finally {
    limit.cancel();
    if (context) await context.close().catch(() => undefined);
    if (cs) await cs.stop();
    removeSandbox(sb);
    log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** On failure: keep VS Code's own logs and the code-server output under test-results/. */
function saveLogs(hostLogs: LogEntry[], serverOutput: string[], userDataDir: string): void {
  const dir = path.join(repoRoot, 'test-results', 'vscode-offline-logs');
  try {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const l of hostLogs) {
      const target = path.join(dir, 'workbench', path.normalize(l.relativePath).replace(/^(\.\.(\/|\\|$))+/, ''));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, l.contents);
    }
    fs.writeFileSync(path.join(dir, 'code-server.log'), serverOutput.join('\n') + '\n');
    // The server side: remote extension host, language server output channels, etc.
    const serverLogs = path.join(userDataDir, 'logs');
    if (fs.existsSync(serverLogs)) fs.cpSync(serverLogs, path.join(dir, 'server'), { recursive: true });
    log(`logs saved in ${path.relative(repoRoot, dir)}/`);
  } catch {
    /* best effort */
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`run-offline: FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

/**
 * Layer: an independent LSP client. Headless Neovim (0.7+) starts `node dist/server.js
 * --stdio` with its built-in client and test/nvim/drive.lua drives it: diagnostics on an
 * nginx buffer, a quick fix applied through Neovim, hover on an openssl-made certificate,
 * and a clean shutdown. The Lua side writes JSON lines; this file checks them.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serverPath } from '../support/lspClient';
import { opensslSelfSigned } from '../support/openssl';
import { findTool, repoPath } from '../support/tools';

const nvim = findTool('nvim', 'neovim');
const openssl = findTool('openssl');

/** drive.lua needs vim.diagnostic and vim.json: Neovim 0.7 or later. */
function neovimTooOld(nvimPath: string): string | undefined {
  const r = spawnSync(nvimPath, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const m = /NVIM v(\d+)\.(\d+)/.exec(r.stdout ?? '');
  if (!m) return `could not read the Neovim version from \`nvim --version\`: ${r.stdout}${r.stderr}`;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major === 0 && minor < 7 ? `Neovim ${major}.${minor} is too old (0.7+ needed); skipped` : undefined;
}

const skip = nvim.path
  ? (openssl.skip ?? neovimTooOld(nvim.path))
  : 'Neovim is not installed (apt-get install neovim); skipped';

interface Event {
  event: string;
  [key: string]: unknown;
}

interface VimDiagnostic {
  code?: string;
  lnum: number;
  col: number;
  end_lnum: number;
  end_col: number;
  severity: number;
  source?: string;
  message: string;
  has_fix_data?: boolean;
}

interface HoverResult {
  contents: { kind: string; value: string };
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** vim.diagnostic.severity */
const VIM_ERROR = 1;
const VIM_WARN = 2;

const NGINX = ['server {', '    listen 443;', '    ssl_protocols SSLv3 TLSv1 TLSv1.2;', '}', ''].join('\n');

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  events: Event[];
  stderr: string;
  lspLog: string;
}

/** Runs nvim with drive.lua; kills it (by pid) if it outlives `timeoutMs`. */
function runNeovim(nvimPath: string, env: NodeJS.ProcessEnv, outFile: string, logFile: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(nvimPath, ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${repoPath('test', 'nvim', 'drive.lua')}`], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (stderr += c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (status, signal) => {
      clearTimeout(timer);
      const events = existsSync(outFile)
        ? readFileSync(outFile, 'utf8')
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l) as Event)
        : [];
      const lspLog = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      if (timedOut) {
        reject(new Error(`nvim did not finish within ${timeoutMs} ms; events so far:\n${events.map((e) => JSON.stringify(e)).join('\n')}\nstderr: ${stderr}\nlsp.log:\n${lspLog}`));
        return;
      }
      resolve({ status, signal, events, stderr, lspLog });
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

void describe('Neovim built-in LSP client against dist/server.js', { skip }, () => {
  let tmp = '';
  let run: Run;
  let serverPid: number | undefined;
  let subjectCn = '';
  const events = new Map<string, Event>();

  const event = (name: string): Event => {
    const e = events.get(name);
    assert.ok(e, `drive.lua emitted no "${name}" event; got ${JSON.stringify([...events.keys()])}`);
    return e;
  };

  before(async () => {
    assert.ok(existsSync(serverPath), `${serverPath} is missing: run \`npx tsc -b && node scripts/bundle.mjs\` first`);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-nvim-'));
    const ws = path.join(tmp, 'ws');
    const home = path.join(tmp, 'home');
    for (const d of [ws, path.join(ws, 'certs'), home]) mkdirSync(d, { recursive: true });
    writeFileSync(path.join(ws, 'nginx.conf'), NGINX);
    subjectCn = 'nvim.example.test';
    const cert = opensslSelfSigned(openssl.path!, path.join(ws, 'certs'), {
      name: 'site',
      subject: `/CN=${subjectCn}/O=TLS Lens Neovim Test`,
      san: `DNS:${subjectCn},DNS:alt.${subjectCn}`,
      key: 'rsa2048',
      days: 90,
    });
    const outFile = path.join(tmp, 'events.jsonl');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local', 'share'),
      XDG_STATE_HOME: path.join(home, '.local', 'state'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      XDG_RUNTIME_DIR: path.join(home, 'run'),
      TMPDIR: tmp,
      TLS_LENS_OUT: outFile,
      TLS_LENS_NODE: process.execPath,
      TLS_LENS_SERVER: serverPath,
      TLS_LENS_ROOT: ws,
      TLS_LENS_NGINX: path.join(ws, 'nginx.conf'),
      TLS_LENS_PEM: cert.certPath,
      TLS_LENS_TIMEOUT: '15000',
    };
    run = await runNeovim(nvim.path!, env, outFile, path.join(home, '.cache', 'nvim', 'lsp.log'), 60_000);
    for (const e of run.events) events.set(e.event, e);
    const server = events.get('server');
    serverPid = typeof server?.['pid'] === 'number' ? server['pid'] : undefined;
  });

  after(() => {
    // The server is Neovim's child; if it outlived Neovim, end it (by its pid only).
    if (serverPid !== undefined && isAlive(serverPid)) process.kill(serverPid, 'SIGKILL');
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  void test('drive.lua ran to the end and Neovim exited 0', () => {
    const failure = events.get('error');
    assert.equal(
      failure,
      undefined,
      `drive.lua failed: ${String(failure?.['message'])}\nnvim stderr: ${run.stderr}\nlsp.log:\n${run.lspLog}`,
    );
    assert.ok(events.has('done'), `no "done" event; events: ${JSON.stringify(run.events)}`);
    assert.equal(run.status, 0, `nvim exit status ${run.status} (signal ${run.signal}); stderr: ${run.stderr}`);
  });

  void test('the server advertises hover and code actions to Neovim', () => {
    const server = event('server');
    assert.equal(server['hover'], true);
    assert.equal(server['code_action'], true);
    assert.equal(typeof server['pid'], 'number');
  });

  void test('vim.diagnostic gets nginx/weak-protocol at the argument, SSLv3 as an error and TLSv1 as a warning', () => {
    const items = event('diagnostics')['items'] as VimDiagnostic[];
    const weak = items.filter((d) => d.code === 'nginx/weak-protocol');
    assert.deepEqual(
      weak.map((d) => ({ lnum: d.lnum, col: d.col, end_lnum: d.end_lnum, end_col: d.end_col, severity: d.severity, source: d.source })),
      [
        { lnum: 2, col: 18, end_lnum: 2, end_col: 23, severity: VIM_ERROR, source: 'tls-lens' },
        { lnum: 2, col: 24, end_lnum: 2, end_col: 29, severity: VIM_WARN, source: 'tls-lens' },
      ],
    );
    assert.match(weak[0]!.message, /^ssl_protocols enables SSLv3, deprecated by RFC 7568/);
    assert.match(weak[1]!.message, /^ssl_protocols enables TLSv1, deprecated by RFC 8996; the intermediate profile allows TLSv1\.2, TLSv1\.3$/);
    assert.ok(weak.every((d) => d.has_fix_data), 'each diagnostic carries data.fixes through Neovim');
    assert.equal(items.length, weak.length, `unexpected other diagnostics: ${JSON.stringify(items)}`);
  });

  void test('no hover outside a PEM block or a directive name', () => {
    const e = event('hover-outside');
    assert.equal(e['result'] ?? null, null);
  });

  void test('the quick fix offered for the line, applied by Neovim, fixes it and clears the diagnostics', () => {
    const actions = event('code-actions')['actions'] as Array<{ title: string; kind: string; preferred?: boolean }>;
    assert.ok(actions.length >= 1, 'at least one code action');
    assert.deepEqual(actions[0], { title: 'Remove SSLv3, TLSv1 from ssl_protocols and add TLSv1.3', kind: 'quickfix', preferred: true });
    // Neovim applies the fix's two edits (one removes, one adds) as one workspace edit.
    const fixed = event('after-fix');
    assert.equal(fixed['line'], '    ssl_protocols TLSv1.2 TLSv1.3;');
    assert.deepEqual(fixed['items'], []);
  });

  void test('hover on the certificate shows the subject CN, SANs, key and "expires in"', () => {
    const result = event('hover')['result'] as HoverResult | undefined;
    assert.ok(result, 'hover returned a result');
    assert.equal(result.contents.kind, 'markdown');
    const md = result.contents.value;
    assert.ok(md.includes(`CN=${subjectCn}`), `subject CN in:\n${md}`);
    assert.ok(md.includes(`DNS:\`alt.${subjectCn}\``), `SAN in:\n${md}`);
    assert.match(md, /expires in 89 days/);
    assert.match(md, /\| Key \| RSA 2048 bits \|/);
    assert.equal(result.range.start.line, 0);
  });

  void test('the server exits with code 0 when Neovim stops it, and is gone afterwards', () => {
    const exit = event('exit');
    assert.equal(exit['code'], 0, `server exit: ${JSON.stringify(exit)}`);
    assert.ok(serverPid !== undefined && !isAlive(serverPid), `server process ${serverPid} still running after Neovim exited`);
  });
});

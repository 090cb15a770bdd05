// UI end to end in a real workbench: installs the packaged extension (tls-lens.vsix) into a fresh
// code-server, opens examples/ in headless chromium, and screenshots the diagnostic hover of a weak
// nginx config, the hover of a certificate, the CodeLens on a bundle with the Explorer's Certificates
// view, and the certificate details view — with the keyboard and clicks, as a user would.
//
//   node out/test/vscode/screenshot.js [--vsix FILE] [--folder DIR] [--out DIR] [--timeout SECONDS]
//
// Without --vsix it uses <repo>/tls-lens.vsix, running `npm run package` first when the file is
// missing or older than dist/extension.js. Writes test-results/workbench-diagnostic-hover.png,
// workbench-certificate-hover.png, workbench-certificates.png, workbench-certificate-details.png,
// workbench-ingress-secret.png (an Ingress whose Secret in another file misses a host),
// workbench-code-actions.png (the light bulb's menu on a weak protocol), workbench-status-item.png
// (the language status item warning that a temporary .tls-lens.yaml overrides the profile set in
// the user settings), workbench-policy-completion.png (rule ids completed in that policy file),
// workbench-settings.png, workbench-probe-input.png / -typed.png (the Probe Endpoint input) and
// workbench-probe-report.png with -dark and -hc (a probe of a real nginx that a temporary file in
// the folder defines, in three themes), workbench-keystore-p12.png and workbench-keystore-jks.png
// (the details editor of a PKCS#12 file, opened with the password code-server's environment gives,
// and of a JKS keystore; both made in a temporary folder of the workspace by openssl and keytool); exits 1 when a squiggle, hover, menu or view never appears.
// Env: as run-offline (CODE_SERVER_BIN, CHROMIUM_BIN, TLS_LENS_REQUIRE_TOOLS, TLS_LENS_KEEP_SANDBOX).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startProbeServers, type ProbeFixtures } from '../support/nginxServer';
import { findTool, repoRoot } from '../support/tools';
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
  type Sandbox,
} from './harness';

const EXTENSION_ID = 'tls-lens.tls-lens';
const STEP_TIMEOUT = 60_000;

function mtime(p: string): number {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

/** The .vsix to install: --vsix, else tls-lens.vsix at the repo root (packaged when stale). */
function vsixPath(): string {
  const given = cliOption('vsix');
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`--vsix ${given} does not exist`);
    return path.resolve(given);
  }
  const vsix = path.join(repoRoot, 'tls-lens.vsix');
  if (mtime(vsix) === 0 || mtime(vsix) < mtime(path.join(repoRoot, 'dist', 'extension.js'))) {
    log('packaging: npm run package');
    const r = spawnSync('npm', ['run', '-s', 'package'], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0 || !fs.existsSync(vsix)) throw new Error(`npm run package failed (exit ${r.status}); no ${vsix}`);
  }
  return vsix;
}

function installExtension(bin: string, sb: Sandbox, vsix: string): void {
  const started = Date.now();
  const r = spawnSync(
    bin,
    ['--user-data-dir', sb.userDataDir, '--extensions-dir', sb.extensionsDir, '--install-extension', vsix],
    { env: sb.env, cwd: sb.root, encoding: 'utf8', timeout: 60_000 },
  );
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status}):\n${out}`);
  const installed = fs.readdirSync(sb.extensionsDir).filter((d) => d.toLowerCase().startsWith(`${EXTENSION_ID}-`));
  if (installed.length === 0) throw new Error(`${EXTENSION_ID} is not in ${sb.extensionsDir} after install:\n${out}`);
  log(`installed ${installed.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Quick Open (Ctrl+P), type the path, Enter; resolves when that editor tab is active. */
async function quickOpen(page: Page, relPath: string): Promise<void> {
  const name = path.basename(relPath);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await input.fill(relPath);
  // Wait until the row Enter picks is the file (not a "recently opened" row of an earlier filter).
  await page
    .locator('.quick-input-list .monaco-list-row.focused', { hasText: name })
    .first()
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.keyboard.press('Enter');
  await page
    .locator('.tabs-container .tab.active', { hasText: name })
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.locator('.editor-instance .monaco-editor.focused').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
}

/** Runs a command by its title from the command palette. */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  await page.keyboard.type(title);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^.*?: /, '') }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.keyboard.press('Enter');
}

/** Closes every editor and waits until no tab is left. */
async function closeAll(page: Page): Promise<void> {
  await runCommand(page, 'View: Close All Editor Groups');
  await page.waitForFunction(() => document.querySelectorAll('.tabs-container .tab').length === 0, undefined, { timeout: STEP_TIMEOUT });
}

/** Moves the mouse onto the empty part of the explorer, where nothing shows a hover or tooltip. */
async function parkMouse(page: Page): Promise<void> {
  await page.mouse.move(150, 780);
}

/** Ctrl+K Ctrl+I (Show Hover) at the cursor; resolves with the hover's text once it matches `expect`. */
async function showHover(page: Page, expect: RegExp, what: string): Promise<string> {
  const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content').first();
  const giveUp = Date.now() + STEP_TIMEOUT;
  let last = '';
  while (Date.now() < giveUp) {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    try {
      await hover.waitFor({ state: 'visible', timeout: 5000 });
      for (let i = 0; i < 20; i++) {
        last = (await hover.innerText()).trim();
        if (expect.test(last)) return last;
        await page.waitForTimeout(250);
      }
    } catch {
      /* no hover yet (the language server may still be starting): ask again */
    }
    await page.keyboard.press('Escape');
  }
  throw new Error(`the ${what} hover never appeared (expected ${expect}); last hover text: ${JSON.stringify(last)}`);
}

/** Quick Open of a binary file: resolves when TLS Lens's custom editor shows its details page. */
async function openDetailsEditor(page: Page, relPath: string, heading: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await input.fill(relPath);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relPath) }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: path.basename(relPath) }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  const inner = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe').first();
  await inner.locator('h1', { hasText: heading }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await inner.locator('section').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
}

/** The keystores the screenshots show, made by the real tools in `dir` (inside the workspace). */
function makeKeystores(openssl: string, keytool: string, dir: string, certs: string, password: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const run = (cmd: string, args: string[]): void => {
    const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.join(' ')}: ${r.stderr}`);
  };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-lens-shot-pki-'));
  try {
    const t = (f: string): string => path.join(tmp, f);
    run(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t('ca.key'), '-out', t('ca.crt'), '-days', '3650', '-subj', '/O=TLS Lens Examples/CN=TLS Lens Shop CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    run(openssl, ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', t('shop.key'), '-out', t('shop.csr'), '-subj', '/O=TLS Lens Examples/CN=shop.example.com']);
    fs.writeFileSync(t('shop.ext'), 'subjectAltName=DNS:shop.example.com,DNS:www.shop.example.com\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
    run(openssl, ['x509', '-req', '-in', t('shop.csr'), '-CA', t('ca.crt'), '-CAkey', t('ca.key'), '-CAcreateserial', '-out', t('shop.crt'), '-days', '90', '-sha256', '-extfile', t('shop.ext')]);
    run(openssl, ['pkcs12', '-export', '-in', t('shop.crt'), '-inkey', t('shop.key'), '-certfile', t('ca.crt'), '-name', 'shop', '-passout', `pass:${password}`, '-out', path.join(dir, 'shop.p12')]);
    const jks = path.join(dir, 'tomcat.jks');
    run(keytool, ['-genkeypair', '-alias', 'tomcat', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=api.example.com, O=TLS Lens Examples', '-ext', 'SAN=dns:api.example.com', '-validity', '200', '-storetype', 'JKS', '-keystore', jks, '-storepass', password, '-keypass', password]);
    run(keytool, ['-importcert', '-noprompt', '-alias', 'example-ca', '-file', path.join(certs, 'ca.crt'), '-storetype', 'JKS', '-keystore', jks, '-storepass', password]);
    run(keytool, ['-importcert', '-noprompt', '-alias', 'old', '-file', path.join(certs, 'expired.crt'), '-storetype', 'JKS', '-keystore', jks, '-storepass', password]);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function keystoreScenario(page: Page, outDir: string): Promise<void> {
  await runCommand(page, 'View: Close All Editor Groups');
  await openDetailsEditor(page, 'certs/zz-keystores/shop.p12', 'PKCS#12 keystore');
  await parkMouse(page);
  await page.screenshot({ path: path.join(outDir, 'workbench-keystore-p12.png'), animations: 'disabled' });
  log('PKCS#12 details shown');
  await runCommand(page, 'View: Close All Editor Groups');
  await openDetailsEditor(page, 'certs/zz-keystores/tomcat.jks', 'JKS keystore');
  await parkMouse(page);
  await page.screenshot({ path: path.join(outDir, 'workbench-keystore-jks.png'), animations: 'disabled' });
  log('JKS details shown');
  await runCommand(page, 'View: Close All Editor Groups');
}

/** Picks a color theme with "Preferences: Color Theme", as a person does. */
async function colorTheme(page: Page, theme: string): Promise<void> {
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  await page.locator('.quick-input-widget input').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.keyboard.type(theme);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: theme }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(1000);
}

async function scenario(page: Page, cs: CodeServer, folder: string, outDir: string, probe?: { target: string; host: string; port: number }, keystores?: boolean): Promise<void> {
  await page.goto(workbenchUrl(cs, folder), { waitUntil: 'domcontentloaded' });
  await page.locator('.monaco-workbench .part.editor').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  // The explorer shows the folder once the remote connection is up.
  await page
    .locator('.explorer-folders-view .monaco-list-row', { hasText: 'nginx' })
    .first()
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  log('workbench ready');
  await parkMouse(page);

  // 1. A weak nginx config: a squiggle, the cursor on it, the diagnostic hover.
  await quickOpen(page, 'nginx/sites-enabled/weak.example.com');
  const squiggle = page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error').first();
  try {
    await squiggle.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  } catch {
    throw new Error(`no .squiggly-warning/.squiggly-error in weak.example.com within ${STEP_TIMEOUT / 1000} s: the extension reported no diagnostic`);
  }
  log('squiggle shown');
  // Clicking the squiggle's text places the cursor inside the diagnostic's range.
  const box = await squiggle.boundingBox();
  if (!box) throw new Error('the squiggle has no bounding box');
  await page.mouse.click(box.x + Math.min(box.width / 2, 12), box.y + box.height / 2);
  await parkMouse(page);
  const diagText = await showHover(page, /\S/, 'diagnostic');
  await page.screenshot({ path: path.join(outDir, 'workbench-diagnostic-hover.png'), animations: 'disabled' });
  log(`diagnostic hover: ${JSON.stringify(diagText.slice(0, 160))}`);
  await page.keyboard.press('Escape');

  // 2. A certificate: cursor into the base64 body, the certificate hover.
  await quickOpen(page, 'certs/valid.crt');
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  const certText = await showHover(page, /Subject|Certificate/i, 'certificate');
  await page.screenshot({ path: path.join(outDir, 'workbench-certificate-hover.png'), animations: 'disabled' });
  log(`certificate hover: ${JSON.stringify(certText.slice(0, 160))}`);
  await page.keyboard.press('Escape');

  // 3. A bundle: the CodeLens above each certificate, and the Explorer's Certificates view.
  await quickOpen(page, 'certs/chain.pem');
  const lens = page.locator('.monaco-editor .codelens-decoration', { hasText: 'SANs' }).first();
  await lens.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  log(`codelens: ${JSON.stringify((await lens.innerText()).trim())}`);
  const header = page.locator('.pane-header', { hasText: 'Certificates' }).first();
  await header.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  // Room for the view: fold the folder tree above it.
  const folders = page.locator('.pane-header', { hasText: /^\s*examples\s*$/i }).first();
  if ((await folders.count()) && (await folders.getAttribute('aria-expanded')) === 'true') await folders.click();
  // Widen the side bar so the entries' expiry descriptions fit (drag its edge).
  const sidebar = await page.locator('.part.sidebar').first().boundingBox();
  if (sidebar) {
    const edge = { x: sidebar.x + sidebar.width, y: sidebar.y + sidebar.height / 2 };
    await page.mouse.move(edge.x, edge.y);
    await page.mouse.down();
    await page.mouse.move(edge.x + 240, edge.y, { steps: 8 });
    await page.mouse.up();
  }
  const row = page.locator('.monaco-list-row', { hasText: 'CN=old.example.com' }).first();
  await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await parkMouse(page);
  await page.screenshot({ path: path.join(outDir, 'workbench-certificates.png'), animations: 'disabled' });
  log('codelens and Certificates view shown');

  // 4. "Show details": the webview with every fact of the chain.
  await lens.locator('a', { hasText: 'Show details' }).first().click();
  const webview = page.locator('iframe.webview.ready').first();
  await webview.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  const inner = page.frameLocator('iframe.webview.ready').first().frameLocator('iframe').first();
  await inner.locator('h1').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await parkMouse(page);
  await page.screenshot({ path: path.join(outDir, 'workbench-certificate-details.png'), animations: 'disabled' });
  log('certificate details shown');

  // 5. An Ingress whose Secret, in another file, does not cover one of its hosts: the squiggle,
  // its hover (with the Secret's file and line), and the Probe lens above each TLS host.
  await page.keyboard.press('Escape');
  await runCommand(page, 'View: Close All Editor Groups');
  await page.locator('iframe.webview.ready').first().waitFor({ state: 'detached', timeout: STEP_TIMEOUT });
  await runCommand(page, 'View: Close Primary Side Bar');
  await quickOpen(page, 'kubernetes/shop/ingress.yaml');
  const ingressSquiggle = page.locator('.monaco-editor .squiggly-error').first();
  await ingressSquiggle.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Probe' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  const ib = await ingressSquiggle.boundingBox();
  if (!ib) throw new Error('the Ingress squiggle has no bounding box');
  await page.mouse.click(ib.x + Math.min(ib.width / 2, 12), ib.y + ib.height / 2);
  await parkMouse(page);
  const ingressText = await showHover(page, /not covered/, 'Ingress diagnostic');
  await page.screenshot({ path: path.join(outDir, 'workbench-ingress-secret.png'), animations: 'disabled' });
  log(`Ingress hover: ${JSON.stringify(ingressText.slice(0, 160))}`);
  await page.keyboard.press('Escape');
  await closeAll(page);

  // 9. Binary keystores: the details editor of a PKCS#12 file and of a JKS keystore.
  if (keystores) await keystoreScenario(page, outDir);

  // 6. The code-action menu on a weak protocol: the fix, Fix all, Disable for this line / file, Show documentation.
  await quickOpen(page, 'nginx/sites-enabled/weak.example.com');
  await page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.keyboard.press('Control+G');
  await page.keyboard.type('16:24');
  await page.keyboard.press('Enter');
  await parkMouse(page);
  const menu = page.locator('.action-widget', { hasText: 'Disable nginx/weak-protocol for this line' }).first();
  for (let i = 0; i < 20 && !(await menu.isVisible()); i++) {
    await page.keyboard.press('Control+.');
    await menu.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
  }
  await menu.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.screenshot({ path: path.join(outDir, 'workbench-code-actions.png'), animations: 'disabled' });
  log(`code actions: ${JSON.stringify((await menu.innerText()).split('\n').slice(0, 8))}`);
  await page.keyboard.press('Escape');

  // 7. The language status item: the policy file governs the folder, and the profile a person set (modern, in the user
  // settings of this run) is overridden by its extends.
  // Its hover opens beside the item at the status bar's right end: a wider window shows it whole.
  await page.setViewportSize({ width: 1600, height: 900 });
  const languageStatus = page.locator('[id="status.languageStatus"]').first();
  await languageStatus.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  // The item follows the settings change; its hover opens on a click.
  const overridden = page.getByText('tlsLens.profile is overridden').first();
  for (let i = 0; i < 30 && !(await overridden.isVisible()); i++) {
    await page.keyboard.press('Escape');
    await languageStatus.click();
    await overridden.waitFor({ state: 'visible', timeout: 2000 }).catch(() => undefined);
  }
  await overridden.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.screenshot({ path: path.join(outDir, 'workbench-status-item.png'), animations: 'disabled' });
  log(`status item: ${JSON.stringify(await overridden.innerText())}; ${await page.evaluate(() => Array.from(document.querySelectorAll('.hover-language-status .severity'), (e) => e.className).join(' | '))}`);
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 1400, height: 900 });

  // 8. Completion in the policy file, from TLS Lens's own server (no YAML extension installed).
  await quickOpen(page, '.tls-lens.yaml');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('rules:');
  await page.keyboard.press('Enter');
  await page.keyboard.type('  nginx/hs');
  const suggest = page.locator('.suggest-widget.visible', { hasText: 'nginx/hsts-dropped' }).first();
  for (let i = 0; i < 20 && !(await suggest.isVisible()); i++) {
    await page.keyboard.press('Control+Space');
    await suggest.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
  }
  await suggest.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.waitForTimeout(500); // the details pane of the selected item
  await page.screenshot({ path: path.join(outDir, 'workbench-policy-completion.png'), animations: 'disabled' });
  log(`policy completion: ${JSON.stringify((await suggest.innerText()).split('\n').slice(0, 6))}`);
  await page.keyboard.press('Escape');
  // Undo the typing: the policy file stays as written (it governs the probe below).
  for (let i = 0; i < 6; i++) await page.keyboard.press('Control+Z');
  await runCommand(page, 'File: Revert File');
  await closeAll(page);

  // The settings, as the Settings editor lists them.
  await runCommand(page, 'Preferences: Open Settings (UI)');
  const search = page.locator('.settings-editor .suggest-input-container .monaco-editor textarea, .settings-editor .search-container textarea').first();
  await search.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await search.focus();
  await page.keyboard.type('@ext:tls-lens.tls-lens');
  await page.locator('.settings-editor .setting-item-title', { hasText: 'Profile' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(outDir, 'workbench-settings.png'), animations: 'disabled' });
  await closeAll(page);

  // 10. TLS Lens: Probe Endpoint… on a real nginx that a file of the workspace defines: the report
  // with its Configuration section and each finding's config link.
  if (!probe) return;
  await page.keyboard.press('Control+Shift+P');
  await page.keyboard.type('TLS Lens: Probe Endpoint');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Probe Endpoint' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget input').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  // The input offers the hosts the workspace defines, and takes a name at another address.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'weak.example.com' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await parkMouse(page);
  await page.screenshot({ path: path.join(outDir, 'workbench-probe-input.png'), animations: 'disabled' });
  await page.keyboard.type(`${probe.host}@127.0.0.1:${probe.port}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: `probe ${probe.host}:${probe.port} at 127.0.0.1` }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.screenshot({ path: path.join(outDir, 'workbench-probe-input-typed.png'), animations: 'disabled' });
  await page.keyboard.press('Control+A');
  await page.keyboard.type(probe.target);
  await page.keyboard.press('Enter');
  const report = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe').first();
  await report.locator('#grade').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await report.locator('a.cfg').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await parkMouse(page);
  await page.screenshot({ path: path.join(outDir, 'workbench-probe-report.png'), animations: 'disabled' });
  log(`probe report shown: grade ${JSON.stringify(await report.locator('#grade').innerText())}`);

  // 10. The same report in the dark and high-contrast themes: suite names keep their underscores, buttons their border.
  for (const [theme, file] of [['Default Dark Modern', 'workbench-probe-report-dark.png'], ['Default High Contrast', 'workbench-probe-report-hc.png']] as const) {
    await colorTheme(page, theme);
    await report.locator('ul.suites').first().scrollIntoViewIfNeeded();
    await parkMouse(page);
    await page.screenshot({ path: path.join(outDir, file), animations: 'disabled' });
  }
  await colorTheme(page, 'Default Light Modern');
}

async function main(): Promise<number> {
  const started = Date.now();
  const folder = path.resolve(cliOption('folder') ?? path.join(repoRoot, 'examples'));
  const outDir = path.resolve(cliOption('out') ?? path.join(repoRoot, 'test-results'));
  const timeoutS = Number(cliOption('timeout') ?? process.env.TLS_LENS_VSCODE_TIMEOUT ?? 180);
  const verbose = process.argv.includes('--verbose') || process.env.TLS_LENS_VSCODE_VERBOSE === '1';
  const chromiumBin = requireChromium('VS Code UI screenshots (code-server)');
  fs.mkdirSync(outDir, { recursive: true });

  const vsix = vsixPath();
  const bin = ensureCodeServer();
  const sb = makeSandbox('tls-lens-ui');
  let cs: CodeServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const limit = deadline(timeoutS * 1000, `VS Code UI screenshots (overall limit ${timeoutS} s)`);
  // A real nginx for the probe step, defined by a file of the workspace for the comparison
  // (removed in `finally`); without nginx or openssl the probe screenshot is skipped, said here.
  const nginx = findTool('nginx');
  const openssl = findTool('openssl');
  let servers: ProbeFixtures | undefined;
  const probeConf = path.join(folder, 'nginx', 'conf.d', 'zz-probe-screenshot.conf');
  // Keystores for the details-editor step (removed in `finally`); their password reaches the
  // language server only through code-server's environment, as a user's would.
  const keytool = findTool('keytool', 'openjdk-17-jre-headless');
  const keystoreDir = path.join(folder, 'certs', 'zz-keystores');
  let keystores = false;
  // A policy file for the status item and the completion steps (removed in `finally`).
  const policyFile = path.join(folder, '.tls-lens.yaml');
  try {
    if (openssl.path && keytool.path) {
      const password = 'screenshot-' + Date.now().toString(36);
      makeKeystores(openssl.path, keytool.path, keystoreDir, path.join(folder, 'certs'), password);
      sb.env.TLS_LENS_KEYSTORE_PASSWORD = password;
      keystores = true;
    } else {
      log(`keystore screenshots skipped: ${openssl.skip ?? keytool.skip}`);
    }
    let probe: { target: string; host: string; port: number } | undefined;
    // The same profile as the default, so every other screenshot shows the findings it always did.
    fs.writeFileSync(policyFile, '# Written by the screenshot run, and removed after it.\nextends: intermediate\n');
    if (nginx.path && openssl.path) {
      servers = await startProbeServers(nginx.path, openssl.path);
      const port = servers.ports.valid;
      fs.writeFileSync(probeConf, `# Written by the screenshot run for the probe step, and removed after it.\nserver {\n    listen 127.0.0.1:${port} ssl;\n    server_name 127.0.0.1;\n    ssl_certificate /etc/nginx/tls/probe.crt;\n    ssl_certificate_key /etc/nginx/tls/probe.key;\n    ssl_protocols TLSv1.2 TLSv1.3;\n}\n`);
      probe = { target: `127.0.0.1:${port}`, host: 'probe.test', port };
    } else {
      log(`probe screenshot skipped: ${nginx.skip ?? openssl.skip}`);
    }
    installExtension(bin, sb, vsix);
    // A profile a person set, which the policy file overrides (the status item's warning).
    const settingsFile = path.join(sb.userDataDir, 'User', 'settings.json');
    fs.writeFileSync(settingsFile, JSON.stringify({ ...(JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as object), 'tlsLens.profile': 'modern' }, null, 2));
    const run = async (): Promise<void> => {
      cs = await startCodeServer(bin, sb, folder, { verbose });
      log(`code-server ${cs.origin} (pid ${cs.proc.pid})`);
      context = await launchChromium(chromiumBin, sb);
      page = context.pages()[0] ?? (await context.newPage());
      if (verbose) page.on('console', (msg) => process.stdout.write(`[browser ${msg.type()}] ${msg.text()}\n`));
      await scenario(page, cs, folder, outDir, probe, keystores);
    };
    await Promise.race([run(), limit.promise]);
    log(`screenshots in ${path.relative(repoRoot, outDir) || '.'}/: workbench-diagnostic-hover.png, workbench-certificate-hover.png, workbench-certificates.png, workbench-certificate-details.png, workbench-ingress-secret.png, workbench-code-actions.png, workbench-status-item.png, workbench-policy-completion.png${keystores ? ', workbench-keystore-p12.png, workbench-keystore-jks.png' : ''}${probe ? ', workbench-probe-input.png, workbench-probe-report.png (and -dark, -hc)' : ''}`);
    return 0;
  } catch (err) {
    process.stderr.write(`screenshot: FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    if (page) {
      const shot = path.join(outDir, 'workbench-failure.png');
      await page.screenshot({ path: shot, timeout: 5000 }).then(
        () => log(`state at failure: ${path.relative(repoRoot, shot)}`),
        () => undefined,
      );
    }
    if (cs) fs.writeFileSync(path.join(outDir, 'workbench-code-server.log'), cs.output.join('\n') + '\n');
    return 1;
  } finally {
    limit.cancel();
    fs.rmSync(probeConf, { force: true });
    fs.rmSync(keystoreDir, { recursive: true, force: true });
    fs.rmSync(policyFile, { force: true });
    if (servers) await servers.stop();
    if (context) await context.close().catch(() => undefined);
    if (cs) await cs.stop();
    removeSandbox(sb);
    log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`screenshot: FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

// Runs the real-VS-Code mocha suite (test/vscode/suite) in desktop VS Code via
// @vscode/test-electron. Needs internet (it downloads VS Code into .vscode-test/); offline, use
// run-offline.js (code-server + chromium), which runs the same suite.
//
//   node out/test/vscode/run-electron.js [--extension-dev-path DIR] [--tests-path FILE] [--folder DIR]
//
// Env: VSCODE_TEST_VERSION (default: the engines.vscode minimum, 1.100.3), VSCODE_EXECUTABLE_PATH
// (use an installed VS Code instead of downloading one), TLS_LENS_VSCODE_GREP (mocha grep).
import * as path from 'node:path';
import { repoRoot } from '../support/tools';
import { cliOption } from './harness';

async function main(): Promise<number> {
  const extensionDevelopmentPath = path.resolve(cliOption('extension-dev-path') ?? repoRoot);
  const extensionTestsPath = path.resolve(cliOption('tests-path') ?? path.join(__dirname, 'suite', 'index.js'));
  const folder = path.resolve(cliOption('folder') ?? path.join(repoRoot, 'examples'));
  const { runTests, downloadAndUnzipVSCode } = await import('@vscode/test-electron');

  let vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH;
  if (!vscodeExecutablePath) {
    const version = process.env.VSCODE_TEST_VERSION ?? '1.100.3';
    try {
      vscodeExecutablePath = await downloadAndUnzipVSCode({ version, cachePath: path.join(repoRoot, '.vscode-test') });
    } catch (err) {
      process.stderr.write(
        `run-electron: FAILED: could not download VS Code ${version} (${err instanceof Error ? err.message : String(err)}).\n` +
          'This runner needs internet access to update.code.visualstudio.com. Offline, run the same suite in\n' +
          'code-server instead: npm run test:vscode:offline\n',
      );
      return 1;
    }
  }
  try {
    return await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath,
      extensionTestsPath,
      launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust'],
    });
  } catch (err) {
    process.stderr.write(`run-electron: FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`run-electron: FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

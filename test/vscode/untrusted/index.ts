// The mocha entry point for the untrusted-workspace run (run-offline --workspace-trust):
// every *.test.js next to this file, in a folder VS Code opens in restricted mode.
import { runSuiteIn } from '../suite/index';

export function run(): Promise<void> {
  return runSuiteIn(__dirname);
}

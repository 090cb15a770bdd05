import type { Connection } from 'vscode-languageserver/node';
import { pathToUri } from './convert';
import type { PolicyResolver } from './policy';
import type { SettingsCache } from './settings';

/**
 * What the server tells the client's output channel (the "TLS Lens" Output in VS Code): its
 * start and version, the policy that governs each workspace folder (said again when it
 * changes), the manifest index's size and a finished Check Workspace. Names and counts
 * only: never file contents, never key material.
 */
export class OutputLog {
  private readonly lastPolicy = new Map<string, string>();

  constructor(private readonly connection: Connection) {}

  info(line: string): void {
    this.connection.console.info(line);
  }

  started(version: string, folders: readonly string[]): void {
    this.info(`TLS Lens ${version} language server started (Node ${process.version}, pid ${process.pid}); workspace folders: ${folders.length ? folders.join(', ') : 'none'}`);
  }

  /** Logs each folder's policy when it differs from what was logged last. */
  async policies(folders: readonly string[], policies: PolicyResolver, settings: SettingsCache): Promise<void> {
    for (const folder of folders) {
      const line = await policies.describeFolder(folder, await settings.get(pathToUri(folder)));
      if (this.lastPolicy.get(folder) === line) continue;
      this.lastPolicy.set(folder, line);
      this.info(line);
    }
  }

  index(files: number, resources: number, ms: number): void {
    this.info(`workspace index: ${files} manifest file${files === 1 ? '' : 's'}, ${resources} resource${resources === 1 ? '' : 's'} (read in ${ms} ms)`);
  }
}

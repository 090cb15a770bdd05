import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_POLICY, KubeIndex, indexFile, indexFiles, mayHoldManifests, walkFiles, type Host } from '../core';
import { uriToPath } from './convert';

/**
 * The server's index of every manifest in the workspace folders: built once on first need
 * by walking the folders, then kept current file by file — open documents with their editor
 * text, files on disk from the client's file events, closed documents from disk again.
 */
export class KubeWorkspace {
  private index = new KubeIndex();
  private building: Promise<void> | undefined;
  /** The index whose build has finished (it is `index` unless a reset began another). */
  private built: KubeIndex | undefined;
  /** Told when a build of the whole workspace has finished (for the output channel). */
  onBuilt: ((index: KubeIndex, ms: number) => void) | undefined;

  constructor(
    private readonly host: Host,
    private readonly folders: () => readonly string[],
    private readonly documents: TextDocuments<TextDocument>,
  ) {}

  /** The index, built on first call. */
  async get(): Promise<KubeIndex> {
    await this.whenBuilt();
    return this.index;
  }

  /** The build of the current index, started on first call; the same promise until a reset. */
  whenBuilt(): Promise<void> {
    if (!this.building) {
      const index = this.index;
      const started = Date.now();
      this.building = this.build(index).then(() => {
        if (this.index !== index) return;
        this.built = index;
        this.onBuilt?.(index, Date.now() - started);
      });
    }
    return this.building;
  }

  /** The whole workspace's index when it is built; else undefined (and the build is under way). */
  ready(): KubeIndex | undefined {
    if (this.built === this.index) return this.index;
    this.whenBuilt().catch(() => undefined);
    return undefined;
  }

  /**
   * While the workspace is being read: a partial index of the open manifests (`text` for
   * `file`), so a first lint can publish at once. It never concludes that something is missing.
   */
  openOnly(file: string, text: string): KubeIndex {
    const index = new KubeIndex(false);
    for (const d of this.documents.all()) {
      const f = uriToPath(d.uri);
      if (f !== file && KubeIndex.wants(f, d.getText())) index.setFile(f, d.getText());
    }
    index.setFile(file, text);
    return index;
  }

  /** Forgets everything (folders changed, or a full check wants the disk as it is now). */
  reset(): void {
    this.index = new KubeIndex();
    this.building = undefined;
    this.built = undefined;
  }

  /** An open document's text replaces the file's; returns whether the index changed. */
  async setOpen(file: string, text: string): Promise<boolean> {
    const index = await this.get();
    const before = index.version;
    index.setFile(file, text);
    return index.version !== before;
  }

  /** A file changed on disk or was closed: read it again unless an editor has it open. */
  async refresh(file: string): Promise<void> {
    if (!mayHoldManifests(file)) return;
    const index = await this.get();
    const open = this.documents.all().find((d) => uriToPath(d.uri) === file);
    if (open) index.setFile(file, open.getText());
    else await indexFile(this.host, file, file, DEFAULT_POLICY.maxFileSizeBytes, index);
  }

  private async build(index: KubeIndex): Promise<void> {
    for (const folder of this.folders()) {
      const files: { path: string; name: string }[] = [];
      for await (const f of walkFiles(this.host, folder, { accept: mayHoldManifests })) files.push({ path: f, name: f });
      await indexFiles(this.host, files, DEFAULT_POLICY.maxFileSizeBytes, index);
    }
    for (const d of this.documents.all()) {
      const file = uriToPath(d.uri);
      if (mayHoldManifests(file) || KubeIndex.wants(file, d.getText())) index.setFile(file, d.getText());
    }
  }
}

import * as path from 'node:path';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_POLICY, KubeIndex, indexFile, indexFiles, mayHoldManifests, walkFiles, type Host } from '../core';
import { uriToPath } from './convert';

const KUSTOMIZATION = /(^|[\\/])kustomization\.ya?ml$/i;

/**
 * The server's index of every manifest in the workspace folders: built once on first need
 * by walking the folders, then kept current file by file — open documents with their editor
 * text, files on disk from the client's file events, closed documents from disk again.
 *
 * The build reads what open documents most likely refer to first: every kustomization (they
 * set namespaces anywhere) and the folders of the open manifests. Once those are in, the index
 * being built serves lints as a partial one (`near`), so an opened Ingress gets its Secret in
 * the same folder judged without waiting for the rest of the workspace.
 */
export class KubeWorkspace {
  private index = new KubeIndex(false);
  private building: Promise<void> | undefined;
  /** The index whose build has finished (it is `index` unless a reset began another). */
  private built: KubeIndex | undefined;
  /** The current build's first part (kustomizations and the open manifests' folders). */
  private nearing: Promise<void> | undefined;
  /** The index whose first part is in. */
  private nearIndex: KubeIndex | undefined;
  /** Folders read in the first part of the current build. */
  private nearFolders = new Set<string>();
  /** Told when a build ends, so memory is given back once the server is quiet. */
  idle: { touch(): void } | undefined;
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
      let near!: () => void;
      this.nearing = new Promise<void>((resolve) => (near = resolve));
      this.building = this.build(index, () => {
        if (this.index === index) this.nearIndex = index;
        near();
      }).then(
        () => {
          near();
          this.idle?.touch();
          if (this.index !== index) return;
          this.built = index;
          this.onBuilt?.(index, Date.now() - started);
        },
        (e: unknown) => {
          near();
          throw e;
        },
      );
    }
    return this.building;
  }

  /** The first part of the current build (what open manifests most likely refer to). */
  whenNear(): Promise<void> {
    void this.whenBuilt().catch(() => undefined);
    return this.nearing!;
  }

  /** The whole workspace's index when it is built; else undefined (and the build is under way). */
  ready(): KubeIndex | undefined {
    if (this.built === this.index) return this.index;
    this.whenBuilt().catch(() => undefined);
    return undefined;
  }

  /**
   * While the workspace is being read, the index to lint `file` (with `text`) against: the
   * index being built once its first part is in and it holds the file's folder (`near`), else
   * a partial index of the open manifests. Neither concludes that something is missing.
   */
  partial(file: string, text: string): { index: KubeIndex; near: boolean } {
    this.whenBuilt().catch(() => undefined);
    if (this.nearIndex === this.index && this.built !== this.index) {
      this.index.setFile(file, text);
      return { index: this.index, near: this.nearFolders.has(path.dirname(file)) };
    }
    return { index: this.openOnly(file, text), near: false };
  }

  /**
   * A partial index of the open manifests (`text` for `file`), so a first lint can publish at
   * once. It never concludes that something is missing.
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
    this.index = new KubeIndex(false);
    this.building = undefined;
    this.built = undefined;
    this.nearing = undefined;
    this.nearIndex = undefined;
  }

  /** An open document's text replaces the file's (undefined: a text over the size cap, left out); returns whether the index changed. */
  async setOpen(file: string, text: string | undefined): Promise<boolean> {
    const index = await this.get();
    const before = index.version;
    if (text === undefined) index.removeFile(file);
    else index.setFile(file, text);
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

  /** The open manifests, by path, with their editor text (texts over the size cap left out, as such files on disk are). */
  private openManifests(): Map<string, string> {
    const open = new Map<string, string>();
    for (const d of this.documents.all()) {
      const file = uriToPath(d.uri);
      const text = d.getText();
      if (text.length > DEFAULT_POLICY.maxFileSizeBytes) continue;
      if (mayHoldManifests(file) || KubeIndex.wants(file, text)) open.set(file, text);
    }
    return open;
  }

  private async build(index: KubeIndex, near: () => void): Promise<void> {
    const files: string[] = [];
    for (const folder of this.folders()) for await (const f of walkFiles(this.host, folder, { accept: mayHoldManifests })) files.push(f);
    // First what the open manifests most likely refer to; editor text wins over the disk's.
    let open = this.openManifests();
    const folders = new Set([...open.keys()].map((f) => path.dirname(f)));
    const first = files.filter((f) => KUSTOMIZATION.test(f) || folders.has(path.dirname(f)));
    const listed = (list: readonly string[]): Array<{ path: string; name: string }> => list.filter((f) => !open.has(f)).map((f) => ({ path: f, name: f }));
    await indexFiles(this.host, listed(first), DEFAULT_POLICY.maxFileSizeBytes, index);
    for (const [f, text] of (open = this.openManifests())) index.setFile(f, text);
    if (this.index === index) this.nearFolders = folders;
    near();
    const firstSet = new Set(first);
    await indexFiles(this.host, listed(files.filter((f) => !firstSet.has(f))), DEFAULT_POLICY.maxFileSizeBytes, index);
    for (const [f, text] of this.openManifests()) index.setFile(f, text);
    index.complete = true;
  }
}

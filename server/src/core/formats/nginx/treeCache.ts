/**
 * nginx configurations loaded with their includes, by entry file (a snippet's includer, or a
 * file whose own includes are followed), for a front whose files change meanwhile (the
 * server): shared by lint, hover and code actions, dropped when a file they read is edited,
 * opened, closed or changes on disk. Files are read through the injected host, open editors'
 * text first (`text`). The CLI and Check Workspace, whose files do not change during a run,
 * use `cachingTreeLoader` (`context.ts`).
 */
import type { Host } from '../../host';
import { loadNginxConfig, type NginxLoadOptions, type NginxTree } from './includes';

export class NginxTreeCache {
  private readonly trees = new Map<string, Promise<NginxTree>>();
  private readonly loadedTrees = new Map<string, NginxTree>();
  /** Bumped whenever trees are forgotten (an edit, an open or close, a change on disk). */
  private generation = 0;

  /** `text`: the open editors' texts now (a tree that read other text is not kept). */
  constructor(
    private readonly host: Host,
    private readonly text: () => (path: string) => string | undefined,
  ) {}

  /** The current generation: a lint takes it before it takes the text. */
  get epoch(): number {
    return this.generation;
  }

  /**
   * A tree loader that records the files each loaded tree read into `deps`. A lint that began
   * before the latest edit (`epoch` older than now) may hold the old text: it loads on its own
   * rather than leave a tree of that text in the cache for newer lints to take.
   */
  recording(deps: Set<string>, epoch = this.generation): (entry: string, opts: NginxLoadOptions) => Promise<NginxTree> {
    return async (entry, opts) => {
      const tree = await (epoch === this.generation ? this.load(entry, opts) : loadNginxConfig(this.host, entry, opts));
      for (const p of tree.files.keys()) deps.add(p);
      return tree;
    };
  }

  /** Loads through the cache (by entry). */
  load = (entry: string, opts: NginxLoadOptions): Promise<NginxTree> => {
    let t = this.trees.get(entry);
    if (!t) {
      t = loadNginxConfig(this.host, entry, opts);
      this.trees.set(entry, t);
      void t.then((tree) => {
        if (this.trees.get(entry) !== t) return;
        // A lint that began before an edit may load with the old text: such a tree is not kept.
        if (this.current(tree)) this.loadedTrees.set(entry, tree);
        else this.trees.delete(entry);
      });
    }
    return t;
  };

  /**
   * Drops the loaded trees that read `file` (or all, without one); returns the paths those
   * trees read, whose documents may now be judged differently.
   */
  forget(file?: string): Set<string> {
    this.generation++;
    const read = new Set<string>();
    for (const [entry, tree] of this.loadedTrees) {
      if (file !== undefined && entry !== file && !tree.files.has(file)) continue;
      for (const p of tree.files.keys()) read.add(p);
      this.loadedTrees.delete(entry);
      this.trees.delete(entry);
    }
    // Loads still in flight may have read the old text.
    for (const entry of this.trees.keys()) if (!this.loadedTrees.has(entry)) this.trees.delete(entry);
    return read;
  }

  /** Whether a tree read every open document's current text (and no buffer that is closed now). */
  private current(tree: NginxTree): boolean {
    const open = this.text();
    for (const [p, src] of tree.files) {
      const now = open(p);
      if (now === undefined ? src.fromBuffer : now !== src.text) return false;
    }
    return true;
  }
}

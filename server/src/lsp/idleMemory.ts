import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/**
 * Gives memory back once the server has been idle for a while. V8 keeps the heap it grew to
 * for the busiest moment (a large file, the workspace index, a burst of edits), so without
 * this the resident size of an editor session only goes up; one full collection when nothing
 * has happened for `quietMs` lets it shrink the heap to what is live. `touch()` on activity.
 */
export class IdleMemory {
  private timer: NodeJS.Timeout | undefined;
  private readonly gc: (() => void) | undefined;
  /** Whether anything happened since the last collection (nothing to give back otherwise). */
  private busy = false;

  constructor(private readonly quietMs = 2000) {
    try {
      // The collector is exposed to a fresh context only, not to the server's own code.
      v8.setFlagsFromString('--expose-gc');
      this.gc = vm.runInNewContext('gc') as () => void;
    } catch {
      this.gc = undefined;
    }
  }

  /** Something happened (a lint, a request, a file indexed): collect after the next quiet period. */
  touch(): void {
    if (!this.gc) return;
    this.busy = true;
    if (this.timer) this.timer.refresh();
    else {
      this.timer = setTimeout(() => this.collect(), this.quietMs);
      this.timer.unref();
    }
  }

  private collect(): void {
    this.timer = undefined;
    if (!this.busy || !this.gc) return;
    this.busy = false;
    this.gc();
  }
}

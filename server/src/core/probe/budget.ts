/**
 * The probe's total time budget (`--deadline`): every connection's timeout is cut to what
 * remains, nothing starts once it is spent, and a connection the deadline ends raises
 * `DeadlineReached` instead of an ordinary timeout, so each part can say what it did not reach.
 */
import { ProbeError } from './types';

export class DeadlineReached extends ProbeError {
  constructor(readonly budgetMs: number) {
    super('deadline', `the deadline of ${budgetMs} ms passed`);
  }
}

export class Budget {
  /** `Date.now()` instant of the deadline, or undefined for none. */
  readonly at: number | undefined;
  /** The whole budget in ms, for messages. */
  readonly ms: number | undefined;

  constructor(options: { deadlineMs?: number; deadlineAt?: number }) {
    if (options.deadlineAt !== undefined) {
      this.at = options.deadlineAt;
      this.ms = options.deadlineMs ?? Math.max(0, options.deadlineAt - Date.now());
    } else if (options.deadlineMs !== undefined && options.deadlineMs > 0) {
      this.at = Date.now() + options.deadlineMs;
      this.ms = options.deadlineMs;
    }
  }

  /** Milliseconds left (Infinity without a deadline). */
  remaining(): number {
    return this.at === undefined ? Infinity : this.at - Date.now();
  }

  get reached(): boolean {
    return this.remaining() <= 0;
  }

  /** A connection's timeout: its own, cut to what remains (at least 1 ms). */
  timeout(perConnectionMs: number): number {
    return Math.max(1, Math.min(perConnectionMs, this.remaining()));
  }

  /** Throws DeadlineReached when the budget is spent (before starting a connection). */
  check(): void {
    if (this.reached) throw new DeadlineReached(this.ms ?? 0);
  }

  /** A timeout that fired because the deadline did becomes DeadlineReached; anything else is returned as is. */
  translate(e: unknown): unknown {
    if (e instanceof ProbeError && e.code === 'timeout' && this.at !== undefined && this.remaining() <= 5) return new DeadlineReached(this.ms ?? 0);
    return e;
  }
}

import { PROFILES, type Severity } from '../core';

/** A mistake on the command line: printed with the command's usage text, exit status 2. */
export class UsageError extends Error {}

export type FailOn = Severity | 'never';

/**
 * Walks a command line: `--flag value` and `--flag=value` go to `onOption` (which reads the
 * value with `value()` and returns false for a flag it does not know), everything else to
 * `onOperand`. With `posix`, `--` ends the options and a lone `-` is an operand.
 */
export function readArgs(
  argv: readonly string[],
  opts: { posix: boolean },
  onOption: (flag: string, value: () => string) => boolean,
  onOperand: (arg: string) => void,
): void {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (opts.posix && a === '--') {
      for (const rest of argv.slice(i + 1)) onOperand(rest);
      return;
    }
    if (!a.startsWith('-') || (opts.posix && a === '-')) {
      onOperand(a);
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const [flag, inline] = eq >= 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (!onOption(flag, value)) throw new UsageError(`unknown option ${a}`);
  }
}

/** `--format`: one of `allowed` ("text, json or sarif" in the message). */
export function formatArg<T extends string>(v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) {
    const list = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]!}` : allowed.join('');
    throw new UsageError(`--format must be ${list} (got "${v}")`);
  }
  return v as T;
}

export function failOnArg(v: string): FailOn {
  if (!['error', 'warning', 'info', 'never'].includes(v)) throw new UsageError(`--fail-on must be error, warning, info or never (got "${v}")`);
  return v as FailOn;
}

export function profileArg(v: string): string {
  if (!(v in PROFILES)) throw new UsageError(`--profile must be one of ${Object.keys(PROFILES).join(', ')} (got "${v}")`);
  return v;
}

export function maxFileSizeKbArg(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError('--max-file-size-kb must be a positive number');
  return n;
}

/** The options of the commands that walk files under a policy (`check`, `inspect`): `--policy`, `--profile`, `--max-file-size-kb`; false for any other flag. */
export function walkOption(args: { policy?: string; profile?: string; maxFileSizeKb?: number }, flag: string, value: () => string): boolean {
  if (flag === '--policy') args.policy = value();
  else if (flag === '--profile') args.profile = profileArg(value());
  else if (flag === '--max-file-size-kb') args.maxFileSizeKb = maxFileSizeKbArg(value());
  else return false;
  return true;
}

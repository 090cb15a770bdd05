/**
 * Runs a composite GitHub Action's steps the way the runner does, as far as they can run
 * here: each `run:` step written to a file and run with `bash --noprofile --norc -eo pipefail`
 * (GitHub's `shell: bash`), its `env:` and `if:` evaluated from the inputs, the earlier steps'
 * outputs and the job status, with GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STEP_SUMMARY and
 * GITHUB_ACTION_PATH as files and folders. A `uses:` step cannot run offline: it is recorded
 * with its evaluated `with:` so a test can check what it would have been given.
 *
 * The expression language is the part GitHub documents that the action uses: literals,
 * `inputs.*`, `steps.<id>.outputs.*`, `github.*`, `runner.*`, `== != && || !`, parentheses,
 * `always() success() failure()`; strings compare case-insensitively, as GitHub does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

interface ActionStep {
  id?: string;
  name?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

export interface ActionManifest {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepResult {
  name: string;
  id?: string;
  /** `skipped` when its `if:` was false; `recorded` for a `uses:` step. */
  outcome: 'success' | 'failure' | 'skipped' | 'recorded';
  stdout: string;
  stderr: string;
  uses?: string;
  with?: Record<string, string>;
  outputs: Record<string, string>;
}

export interface ActionRun {
  steps: StepResult[];
  outputs: Record<string, string>;
  summary: string;
  /** Folders the steps added to PATH (GITHUB_PATH), first first. */
  path: string[];
}

export function loadAction(file: string): ActionManifest {
  return parse(readFileSync(file, 'utf8')) as ActionManifest;
}

export interface RunOptions {
  actionPath: string;
  workspace: string;
  runnerTemp: string;
  inputs: Record<string, string>;
  /** The job's environment (PATH and the like). */
  env: NodeJS.ProcessEnv;
  /** Folders already on GITHUB_PATH from an earlier run on the same runner. */
  path?: string[];
  /** Steps (by name) not to run, as if their `if:` were false: an install done by an earlier run. */
  skip?: string[];
}

export function runAction(action: ActionManifest, opts: RunOptions): ActionRun {
  mkdirSync(opts.runnerTemp, { recursive: true });
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) inputs[name] = opts.inputs[name] ?? spec.default ?? '';
  const steps: Record<string, { outputs: Record<string, string>; outcome: string }> = {};
  const results: StepResult[] = [];
  const addedPath = [...(opts.path ?? [])];
  const summaryFile = path.join(opts.runnerTemp, `summary-${process.hrtime.bigint()}.md`);
  writeFileSync(summaryFile, '');
  let failed = false;
  const context = (): Context => ({
    inputs,
    steps,
    github: { action_path: opts.actionPath, workspace: opts.workspace },
    runner: { temp: opts.runnerTemp, os: 'Linux' },
    failed,
  });

  action.runs.steps.forEach((step, i) => {
    const name = step.name ?? step.id ?? `step ${i + 1}`;
    const condition = step.if ?? 'success()';
    if (opts.skip?.includes(name) || !truthy(evaluate(stripBraces(condition), context()))) {
      results.push({ name, id: step.id, outcome: 'skipped', stdout: '', stderr: '', outputs: {} });
      if (step.id) steps[step.id] = { outputs: {}, outcome: 'skipped' };
      return;
    }
    const stepEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = interpolate(String(v), context());
    if (step.uses) {
      const given: Record<string, string> = {};
      for (const [k, v] of Object.entries(step.with ?? {})) given[k] = interpolate(String(v), context());
      results.push({ name, id: step.id, outcome: 'recorded', stdout: '', stderr: '', uses: step.uses, with: given, outputs: {} });
      return;
    }
    if (step.shell !== 'bash' || step.run === undefined) throw new Error(`step "${name}": only \`shell: bash\` run steps are supported`);
    const outputFile = path.join(opts.runnerTemp, `output-${i}`);
    const pathFile = path.join(opts.runnerTemp, `path-${i}`);
    const script = path.join(opts.runnerTemp, `step-${i}.sh`);
    writeFileSync(outputFile, '');
    writeFileSync(pathFile, '');
    writeFileSync(script, step.run);
    const env: NodeJS.ProcessEnv = {
      ...opts.env,
      PATH: [...[...addedPath].reverse(), opts.env.PATH ?? ''].join(path.delimiter),
      GITHUB_ACTION_PATH: opts.actionPath,
      GITHUB_WORKSPACE: opts.workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_PATH: pathFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: opts.runnerTemp,
      RUNNER_OS: 'Linux',
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      ...stepEnv,
    };
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: opts.workspace, env, encoding: 'utf8', timeout: 300_000 });
    if (r.error) throw r.error;
    const outputs = readOutputs(outputFile);
    for (const line of readFileSync(pathFile, 'utf8').split('\n')) if (line.trim()) addedPath.push(line.trim());
    const outcome = r.status === 0 ? 'success' : 'failure';
    if (outcome === 'failure') failed = true;
    if (step.id) steps[step.id] = { outputs, outcome };
    results.push({ name, id: step.id, outcome, stdout: r.stdout, stderr: r.stderr, outputs });
  });

  const outputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.outputs ?? {})) outputs[name] = interpolate(spec.value, context());
  return { steps: results, outputs, summary: existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '', path: addedPath };
}

/** GITHUB_OUTPUT: `name=value` lines and `name<<DELIM` … `DELIM` blocks. */
function readOutputs(file: string): Record<string, string> {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      while (++i < lines.length && lines[i] !== heredoc[2]) body.push(lines[i]!);
      out[heredoc[1]!] = body.join('\n');
    } else if (line.includes('=')) {
      const eq = line.indexOf('=');
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

// ---- expressions ----

interface Context {
  inputs: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string>; outcome: string }>;
  github: Record<string, string>;
  runner: Record<string, string>;
  failed: boolean;
}

type Value = string | number | boolean | null;

function stripBraces(s: string): string {
  const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(s);
  return m ? m[1]! : s;
}

/** Replaces each `${{ expr }}` in a string with the expression's value as text. */
export function interpolate(s: string, ctx: Context): string {
  return s.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e: string) => text(evaluate(e, ctx)));
}

function text(v: Value): string {
  return v === null ? '' : String(v);
}

function truthy(v: Value): boolean {
  return v !== null && v !== false && v !== 0 && v !== '';
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b) return a === b;
  // Mixed types compare as numbers (GitHub coerces); null is 0, '' is 0.
  const num = (v: Value): number => (v === null ? 0 : typeof v === 'boolean' ? Number(v) : Number(v));
  return num(a) === num(b);
}

export function evaluate(expr: string, ctx: Context): Value {
  const tokens: string[] = [];
  const token = /\s*('(?:[^']|'')*'|&&|\|\||==|!=|!|\(|\)|[A-Za-z_][\w.-]*\(\)|[A-Za-z_][\w.-]*|\d+(?:\.\d+)?)\s*/y;
  while (token.lastIndex < expr.length) {
    const at = token.lastIndex;
    const m = token.exec(expr);
    if (!m) {
      if (/^\s*$/.test(expr.slice(at))) break;
      throw new Error(`unsupported expression syntax at "${expr.slice(at)}" in ${expr}`);
    }
    tokens.push(m[1]!);
  }
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const next = (): string => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`unexpected end of expression: ${expr}`);
    return t;
  };
  const primary = (): Value => {
    const t = next();
    if (t === '(') {
      const v = or();
      if (next() !== ')') throw new Error(`missing ) in ${expr}`);
      return v;
    }
    if (t === '!') return !truthy(primary());
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^\d/.test(t)) return Number(t);
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    if (t === 'always()') return true;
    if (t === 'success()') return !ctx.failed;
    if (t === 'failure()') return ctx.failed;
    const [head, ...rest] = t.split('.');
    if (head === 'inputs') return ctx.inputs[rest.join('.')] ?? '';
    if (head === 'github') return ctx.github[rest.join('.')] ?? '';
    if (head === 'runner') return ctx.runner[rest.join('.')] ?? '';
    if (head === 'steps') {
      const [id, kind, ...name] = rest;
      const s = ctx.steps[id ?? ''];
      if (kind === 'outputs') return s?.outputs[name.join('.')] ?? '';
      if (kind === 'outcome' || kind === 'conclusion') return s?.outcome ?? '';
    }
    throw new Error(`unsupported expression part ${t} in ${expr}`);
  };
  const comparison = (): Value => {
    let v = primary();
    while (peek() === '==' || peek() === '!=') {
      const op = next();
      const r = primary();
      v = op === '==' ? equal(v, r) : !equal(v, r);
    }
    return v;
  };
  const and = (): Value => {
    let v = comparison();
    while (peek() === '&&') {
      next();
      const r = comparison();
      v = truthy(v) ? r : v;
    }
    return v;
  };
  const or = (): Value => {
    let v = and();
    while (peek() === '||') {
      next();
      const r = and();
      v = truthy(v) ? v : r;
    }
    return v;
  };
  const v = or();
  if (i !== tokens.length) throw new Error(`unexpected ${tokens[i]} in ${expr}`);
  return v;
}

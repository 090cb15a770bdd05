/**
 * docs/fleet.md's examples: the Kubernetes manifests and the GitHub workflow lint clean with
 * `tls-lens check`, the Indexed Job's shard count agrees with itself, every flag the examples
 * give tls-lens exists, and the example list reads without a problem.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseTargetList } from '../../server/src/core/probe/fleet';
import { repoPath } from '../support/tools';

const CLI = repoPath('dist', 'cli.js');
const doc = readFileSync(repoPath('docs', 'fleet.md'), 'utf8');
const blocks = (lang: string): string[] => [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

test('the Kubernetes and GitHub Actions examples: tls-lens check finds nothing', () => {
  const yamls = blocks('yaml');
  assert.equal(yamls.length, 2);
  const dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-fleet-docs-'));
  try {
    writeFileSync(path.join(dir, 'fleet.yaml'), yamls[0]!);
    writeFileSync(path.join(dir, 'workflow.yml'), yamls[1]!);
    const r = spawnSync(process.execPath, [CLI, 'check', '.', '--fail-on', 'info', '--format', 'json'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { findings: unknown[] }).findings, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: {
    jobTemplate: {
      spec: {
        completionMode: string;
        completions: number;
        parallelism: number;
        template: { spec: { containers: Array<{ env: Array<{ name: string; value: string }>; args: string[]; volumeMounts: Array<{ mountPath: string }> }>; volumes: Array<{ configMap: { name: string } }> } };
      };
    };
  };
}

test('the Indexed Job: completions = parallelism = TLS_LENS_SHARD_COUNT, Indexed completion mode, the list mounted where the command reads it', () => {
  const docs = parseAllDocuments(blocks('yaml')[0]!).map((d) => d.toJS() as Manifest);
  const cron = docs.find((d) => d.kind === 'CronJob')!;
  const cm = docs.find((d) => d.kind === 'ConfigMap')!;
  const job = cron.spec!.jobTemplate.spec;
  const container = job.template.spec.containers[0]!;
  const count = Number(container.env.find((e) => e.name === 'TLS_LENS_SHARD_COUNT')!.value);
  assert.equal(job.completionMode, 'Indexed');
  assert.equal(job.completions, count);
  assert.equal(job.parallelism, count);
  const mount = container.volumeMounts[0]!.mountPath;
  assert.match(container.args[0]!, new RegExp(`--targets ${mount}/targets\\.txt`));
  assert.equal(job.template.spec.volumes[0]!.configMap.name, cm.metadata.name);
  assert.deepEqual(parseTargetList(cm.data!['targets.txt']!, 'targets.txt').problems, []);
});

test('every flag the examples give tls-lens is one it knows; the example list reads clean', () => {
  const help = (cmd: string): string => spawnSync(process.execPath, [CLI, cmd, '--help'], { encoding: 'utf8' }).stdout;
  const known = { probe: help('probe'), merge: help('merge') };
  const lines = blocks('yaml').join('\n').split('\n');
  let checked = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = /tls-lens (probe|merge)\b/.exec(lines[i]!);
    if (!m) continue;
    let cmd = lines[i]!.slice(m.index);
    for (let j = i; lines[j]!.trimEnd().endsWith('\\'); j++) cmd += lines[j + 1]!;
    for (const flag of cmd.split(/\s+(?:>|\|\|)\s+/)[0]!.match(/--[a-z][a-z-]*/g) ?? []) {
      assert.match(known[m[1] as 'probe' | 'merge'], new RegExp(`^\\s+${flag}\\b`, 'm'), `tls-lens ${m[1]} ${flag}`);
      checked++;
    }
  }
  assert.ok(checked >= 10, `${checked} flags checked`);
  const list = blocks('text')[0]!;
  assert.deepEqual(parseTargetList(list, 'targets.txt').problems, []);
  assert.equal(parseTargetList(list, 'targets.txt').targets.length, 4);
});

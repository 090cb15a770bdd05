import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadSarifSchema } from '../support/sarifSchema';
import { repoPath } from '../support/tools';

const CLI = repoPath('dist', 'cli.js');
let dir: string;

function run(args: string[], cwd = dir): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(rel: string, text: string): void {
  const p = path.join(dir, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-cli-'));
  write('nginx/sites-enabled/weak', 'server {\n    listen 443;\n    ssl_protocols TLSv1 TLSv1.2;\n}\n');
  write('nginx/sites-enabled/good', 'server {\n    listen 443;\n    ssl_protocols TLSv1.2 TLSv1.3;\n}\n');
  write('nginx/conf.d/ssl3.conf', 'ssl_protocols SSLv3;\n');
  write('ignored/.gitignore', 'skip.conf\n');
  write('ignored/conf.d/skip.conf', 'ssl_protocols SSLv2;\n');
  write('.gitignore', 'ignored/conf.d/skip.conf\n');
  write('notes/readme.md', 'nothing to see\n');
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('tls-lens check', () => {
  test('text output: one line per finding, 1-based, then a summary; exit 1', () => {
    const r = run(['check']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stdout,
      [
        'nginx/conf.d/ssl3.conf:1:15: error ssl_protocols enables SSLv3, deprecated by RFC 7568 (POODLE); the intermediate profile allows TLSv1.2, TLSv1.3 [nginx/weak-protocol]',
        'nginx/sites-enabled/weak:3:19: warning ssl_protocols enables TLSv1, deprecated by RFC 8996; the intermediate profile allows TLSv1.2, TLSv1.3 [nginx/weak-protocol]',
        '1 error, 1 warning, 0 notes in 4 files checked.',
        '',
      ].join('\n'),
    );
    assert.equal(r.stderr, '');
  });

  test('--fail-on decides the exit code', () => {
    assert.equal(run(['check', 'nginx/sites-enabled', '--fail-on', 'error']).code, 0);
    assert.equal(run(['check', 'nginx/sites-enabled', '--fail-on=warning']).code, 1);
    assert.equal(run(['check', 'nginx', '--fail-on', 'never']).code, 0);
    assert.equal(run(['check', 'nginx/sites-enabled/good']).code, 0);
  });

  test('JSON output follows the documented contract', () => {
    const r = run(['check', 'nginx/sites-enabled/weak', '--format', 'json']);
    assert.equal(r.code, 1);
    const fix = {
      title: 'Remove TLSv1 from ssl_protocols and add TLSv1.3',
      edits: [
        { range: { start: { line: 2, character: 18 }, end: { line: 2, character: 24 } }, newText: '' },
        { range: { start: { line: 2, character: 31 }, end: { line: 2, character: 31 } }, newText: ' TLSv1.3' },
      ],
      preferred: true,
    };
    assert.deepEqual(JSON.parse(r.stdout), {
      version: 1,
      findings: [
        {
          ruleId: 'nginx/weak-protocol',
          severity: 'warning',
          message: 'ssl_protocols enables TLSv1, deprecated by RFC 8996; the intermediate profile allows TLSv1.2, TLSv1.3',
          file: path.join('nginx', 'sites-enabled', 'weak'),
          range: { start: { line: 2, character: 18 }, end: { line: 2, character: 23 } },
          fixes: [fix],
        },
      ],
    });
  });

  test('SARIF output validates against the SARIF 2.1.0 schema and carries rules, locations and fixes', () => {
    const r = run(['check', '--format', 'sarif']);
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as {
      version: string;
      runs: Array<{ tool: { driver: { name: string; rules: Array<{ id: string; help?: { markdown: string } }> } }; results: Array<Record<string, unknown>> }>;
    };
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(loadSarifSchema());
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    assert.equal(log.version, '2.1.0');
    const run0 = log.runs[0]!;
    assert.equal(run0.tool.driver.name, 'TLS Lens');
    assert.ok(run0.tool.driver.rules.some((x) => x.id === 'nginx/weak-protocol'));
    assert.equal(run0.results.length, 2);
    const res = run0.results.find((x) => (x['level'] as string) === 'warning')!;
    assert.deepEqual((res['locations'] as unknown[])[0], {
      physicalLocation: {
        artifactLocation: { uri: 'nginx/sites-enabled/weak', uriBaseId: '%SRCROOT%' },
        region: { startLine: 3, startColumn: 19, endLine: 3, endColumn: 24 },
      },
    });
    assert.equal((res['fixes'] as unknown[]).length, 1);
    // The schema must be able to fail: a broken log is rejected.
    assert.equal(validate({ version: '2.1.0', runs: [{ results: [] }] }), false);
  });

  test('unreadable paths go to stderr with exit 2, and the rest is still checked', () => {
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling.conf'));
    try {
      const r = run(['check', 'missing.conf', 'nginx/conf.d', 'dangling.conf']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^tls-lens: missing\.conf: no such file or directory$/m);
      assert.match(r.stderr, /^tls-lens: dangling\.conf: no such file or directory$/m);
      assert.match(r.stdout, /nginx\/conf\.d\/ssl3\.conf:1:15: error/);
    } finally {
      rmSync(path.join(dir, 'dangling.conf'));
    }
  });

  test('usage errors exit 2 with a message', () => {
    for (const args of [['check', '--format', 'xml'], ['check', '--fail-on'], ['lint'], ['check', '--bogus'], []]) {
      const r = run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /Usage: tls-lens check/);
      assert.equal(r.stdout, '', 'usage errors go to stderr');
    }
    assert.equal(run(['--help']).code, 0);
    assert.match(run(['--version']).stdout, /^tls-lens \d+\.\d+\.\d+\n$/);
  });

  test('policy file: --policy and the nearest .tls-lens.yaml; a broken one is reported', () => {
    write('policies/legacy.yaml', 'extends: legacy\n');
    assert.equal(run(['check', 'nginx/sites-enabled/weak', '--policy', 'policies/legacy.yaml']).code, 0);
    write('policies/broken.yaml', 'extends: [\n');
    const broken = run(['check', 'nginx', '--policy', 'policies/broken.yaml']);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /^tls-lens: policies\/broken\.yaml:1:\d+: /m);
    write('nginx/.tls-lens.yaml', 'rules:\n  nginx/weak-protocol: off\n');
    try {
      assert.equal(run(['check', 'nginx']).code, 0);
      write('nginx/.tls-lens.yaml', 'rules:\n  nginx/weak-protocol: sometimes\n');
      const r = run(['check', 'nginx']);
      assert.equal(r.code, 1, 'defaults apply when the policy file is broken');
      assert.match(r.stderr, /nginx\/\.tls-lens\.yaml:2:24: rule "nginx\/weak-protocol": expected off.*built-in defaults and flags apply/);
    } finally {
      rmSync(path.join(dir, 'nginx/.tls-lens.yaml'));
    }
  });

  test('policy ignore patterns are relative to their policy file; named files are always checked', () => {
    write('pol/.tls-lens.yaml', 'ignore:\n  - vendor/**\n');
    write('pol/vendor/conf.d/v.conf', 'ssl_protocols SSLv3;\n');
    write('pol/team/.tls-lens.yaml', 'extends: legacy\nignore:\n  - generated/\n');
    write('pol/team/generated/conf.d/g.conf', 'ssl_protocols SSLv3;\n');
    write('pol/team/conf.d/t.conf', 'ssl_protocols TLSv1 SSLv3;\n');
    try {
      const lines = (r: { stdout: string }): string[] => r.stdout.trim().split('\n').slice(0, -1).map((l) => l.split(': ')[0]!);
      assert.deepEqual(lines(run(['check', 'pol'])), ['pol/team/conf.d/t.conf:1:21'], 'only SSLv3 under legacy; vendor/ and generated/ skipped');
      assert.deepEqual(lines(run(['check', 'pol/team'])), ['pol/team/conf.d/t.conf:1:21'], 'the same from a subfolder');
      assert.deepEqual(lines(run(['check', 'pol/vendor/conf.d/v.conf'])), ['pol/vendor/conf.d/v.conf:1:15'], 'a file named on the command line is checked');
      const twice = run(['check', 'pol', 'pol/team', 'pol/team/conf.d/t.conf']);
      assert.deepEqual(lines(twice), ['pol/team/conf.d/t.conf:1:21'], 'each file once, however often it is named');
      assert.match(twice.stdout, /in 3 files checked\.$/m);
    } finally {
      rmSync(path.join(dir, 'pol'), { recursive: true });
    }
  });

  test('the size cap and --profile flags', () => {
    write('big/nginx.conf', 'ssl_protocols TLSv1;\n'.repeat(200));
    try {
      const r = run(['check', 'big', '--max-file-size-kb', '1', '--format', 'json']);
      assert.deepEqual((JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId), ['core/file-too-large']);
      assert.equal(r.code, 0, 'an info finding is below the default --fail-on warning');
    } finally {
      rmSync(path.join(dir, 'big'), { recursive: true });
    }
    assert.equal(run(['check', 'nginx/sites-enabled/weak', '--profile', 'legacy']).code, 0);
  });
});

/**
 * `tls-lens inspect --format openmetrics` as a process, held to Debian's promtool: `check
 * metrics` passes with no lint problem, Prometheus' own OpenMetrics parser reads it, and the
 * series it stores carry exactly the labels and values the JSON inventory has — also for a
 * file name and a subject with quotes, backslashes and a line break (escaped as the spec says).
 * Private keys are counted and nothing else.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { escapeLabelValue, renderOpenMetrics } from '../../server/src/core/report/openmetrics';
import { DAY, makeCert } from '../support/certs';
import { checkMetrics, parseWithPrometheus } from '../support/promtool';
import { findTool, repoPath } from '../support/tools';

const CLI = repoPath('dist', 'cli.js');
const promtool = findTool('promtool', 'prometheus');
let dir: string;
let keyPem: string;

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(rel: string, text: string): void {
  const p = path.join(dir, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
}

const WEIRD_FILE = 'certs/we"ird\\name é.pem';

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-openmetrics-'));
  const now = Date.now();
  const ok = await makeCert({ cn: 'api.example.com', dns: ['api.example.com'], notBefore: new Date(now - DAY), notAfter: new Date(now + 90 * DAY) });
  const odd = await makeCert({ cn: 'quote\\"d \\\\ back\\0Aslash', notBefore: new Date(now - 300 * DAY), notAfter: new Date(now + 5 * DAY) });
  const old = await makeCert({ cn: 'old.example.com', notBefore: new Date(now - 100 * DAY), notAfter: new Date(now - 3 * DAY) });
  keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  write(WEIRD_FILE, `${ok.pem}\n${odd.pem}\n`);
  write('old.crt', old.pem);
  write('tls.key', keyPem);
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  write('k8s/secret.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: web\n  namespace: shop\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64(ok.pem)}\n  tls.key: ${b64(keyPem)}\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Entry {
  kind: string;
  file: string;
  range: { start: { line: number } };
  subject?: string;
  container?: string;
  sha256?: string;
  notAfter?: string;
  status?: string;
}

describe('inspect --format openmetrics', { skip: promtool.skip ?? false }, () => {
  test('promtool check metrics passes without a lint problem', () => {
    const r = run(['inspect', '--format', 'openmetrics']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\n# EOF\n$/);
    const check = checkMetrics(promtool.path!, r.stdout);
    assert.deepEqual(check, { code: 0, output: '' });
  });

  test("Prometheus' OpenMetrics parser reads exactly the inventory: labels (escaped and back), notAfter, counts", () => {
    const r = run(['inspect', '--format', 'openmetrics']);
    const series = parseWithPrometheus(promtool.path!, r.stdout);
    const json = JSON.parse(run(['inspect', '--format', 'json']).stdout) as { filesScanned: number; entries: Entry[] };
    const certs = json.entries.filter((e) => e.kind === 'certificate');
    const expected = certs
      .map((c) => ({
        labels: { file: c.file, line: String(c.range.start.line + 1), subject: c.subject!, ...(c.container ? { resource: c.container } : {}), sha256: c.sha256!.replace(/:/g, '').toLowerCase() },
        value: Math.floor(Date.parse(c.notAfter!) / 1000),
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const got = series
      .filter((s) => s.name === 'tls_lens_certificate_expiry_timestamp_seconds')
      .map((s) => ({ labels: s.labels, value: s.value }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    assert.deepEqual(got, expected);
    assert.ok(got.some((s) => s.labels.file === WEIRD_FILE), 'the file name with a quote and a backslash comes back as it is');
    assert.ok(got.some((s) => s.labels.subject.includes('"') && s.labels.subject.includes('\\')), JSON.stringify(got.map((s) => s.labels.subject)));
    assert.ok(got.some((s) => s.labels.resource === 'Secret shop/web · tls.crt'));
    const left = series.filter((s) => s.name === 'tls_lens_certificate_expires_in_seconds');
    assert.equal(left.length, certs.length);
    for (const s of left) {
      const days = s.value / 86400;
      assert.ok(s.labels.subject!.startsWith('CN=old') ? days < -2.9 && days > -3.1 : days > 0, `${s.labels.subject}: ${days} d`);
    }
    const count = (status: string): number => series.find((s) => s.name === 'tls_lens_certificates' && s.labels.status === status)!.value;
    assert.equal(count('expired'), 1);
    assert.equal(count('expiring'), 1);
    assert.equal(count('ok'), certs.length - 2);
    assert.equal(series.find((s) => s.name === 'tls_lens_private_keys')!.value, 2);
    assert.equal(series.find((s) => s.name === 'tls_lens_inspect_files_scanned')!.value, json.filesScanned);
  });

  test('no private-key data: no PEM, no base64 of the key, no key label', () => {
    const r = run(['inspect', '--format', 'openmetrics']);
    const body = keyPem.split('\n').slice(1, -2).join('');
    assert.doesNotMatch(r.stdout, /PRIVATE KEY/);
    for (let i = 0; i + 16 <= body.length; i += 16) assert.ok(!r.stdout.includes(body.slice(i, i + 16)));
    assert.doesNotMatch(r.stdout, /tls\.key/);
  });
});

describe('the OpenMetrics writer', () => {
  test('label values: backslash, double quote and line feed escaped, nothing else; lone surrogates made valid UTF-8', () => {
    assert.equal(escapeLabelValue('a\\b"c\nd é\t'), 'a\\\\b\\"c\\nd é\t');
    assert.equal(escapeLabelValue('x\uD800y'), 'x\uFFFDy');
  });

  test('a unit must be the name\'s suffix; identical label sets are written once; empty labels are left out', () => {
    assert.throws(() => renderOpenMetrics([{ name: 'x_days', unit: 'seconds', help: 'h', samples: [] }]), /must end with its unit/);
    const text = renderOpenMetrics([
      {
        name: 'x',
        help: 'h',
        samples: [
          { labels: [['a', '1'], ['b', '']], value: 1 },
          { labels: [['a', '1']], value: 1 },
        ],
      },
    ]);
    assert.equal(text, '# TYPE x gauge\n# HELP x h\nx{a="1"} 1\n# EOF\n');
  });
});

/**
 * Layer: the VS Code package as the Marketplace receives it. `vsce package` runs for real in a
 * copy of the repository (its vscode:prepublish builds the production bundles there), with the
 * arguments of `npm run package`; the .vsix is then read as a ZIP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanEnv, run, stageRepository, type Run } from '../support/packaging';
import { repoPath } from '../support/tools';
import { readZip } from '../support/zip';

interface Manifest {
  scripts: Record<string, string>;
  repository?: { url?: string };
  bugs?: { url?: string };
  homepage?: string;
  icon?: string;
  galleryBanner?: { color?: string; theme?: string };
}

const manifest = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as Manifest;
let root = '';
let vsce: Run;
let entries = new Map<string, Buffer>();

before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'tls-lens-vsix-'));
  const stage = stageRepository(path.join(root, 'stage'));
  // `npm run package` is `tsc -b && vsce package …`: type checking is the build's job, so the
  // test runs the vsce part as written there.
  const command = manifest.scripts.package!.split('&&').map((s) => s.trim()).find((s) => s.startsWith('vsce '))!;
  const args = command.split(/\s+/).slice(1).map((a) => (a === 'tls-lens.vsix' ? path.join(root, 'tls-lens.vsix') : a));
  vsce = run(process.execPath, [repoPath('node_modules', '@vscode', 'vsce', 'vsce'), ...args], { cwd: stage, env: cleanEnv({ PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` }), timeoutMs: 300_000 });
  if (vsce.code === 0) entries = readZip(path.join(root, 'tls-lens.vsix'));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('vsce package (npm run package)', () => {
  test('packages without --allow-missing-repository and without a warning', () => {
    assert.doesNotMatch(manifest.scripts.package!, /--allow-missing-repository/);
    assert.equal(vsce.code, 0, vsce.stdout + vsce.stderr);
    assert.doesNotMatch(vsce.stdout + vsce.stderr, /WARNING|ERROR/, vsce.stdout + vsce.stderr);
  });

  test('the manifest has what the Marketplace shows: repository, issues, homepage, icon, gallery banner', () => {
    assert.match(manifest.repository?.url ?? '', /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    assert.match(manifest.bugs?.url ?? '', /^https:\/\/github\.com\/.+\/issues$/);
    assert.match(manifest.homepage ?? '', /^https:\/\//);
    assert.equal(manifest.icon, 'images/icon.png');
    assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner?.theme ?? ''));
    const vsixmanifest = entries.get('extension.vsixmanifest')?.toString('utf8') ?? '';
    assert.match(vsixmanifest, /<Icon>extension\/images\/icon\.png<\/Icon>/);
    for (const id of ['Links.Source', 'Links.Support', 'Links.Learn', 'Branding.Color', 'Branding.Theme']) {
      assert.match(vsixmanifest, new RegExp(`Id="Microsoft\\.VisualStudio\\.Services\\.${id.replace('.', '\\.')}" Value="[^"]+"`), id);
    }
    assert.match(vsixmanifest, /Content\.Changelog" Path="extension\/changelog\.md"/);
    assert.match(vsixmanifest, /<License>extension\/LICENSE\.txt<\/License>/);
  });

  test('the icon is a PNG of at least 128×128 pixels (the Marketplace minimum)', () => {
    const png = entries.get('extension/images/icon.png');
    assert.ok(png, 'icon in the package');
    assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a');
    assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    assert.ok(w >= 128 && w === h, `${w}×${h}`);
  });

  test('it holds the bundles, grammars, schema, rule pages, README, changelog and licence; no sources, tests or maps', () => {
    const names = [...entries.keys()];
    for (const f of ['extension/package.json', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/dist/extension.js', 'extension/dist/server.js', 'extension/dist/server.bundle.js', 'extension/dist/cli.js', 'extension/schemas/tls-lens-policy.schema.json', 'extension/syntaxes/nginx.tmLanguage.json', 'extension/docs/rules/nginx/weak-protocol.md']) {
      assert.ok(names.includes(f), `${f} missing`);
    }
    assert.deepEqual(names.filter((n) => /^extension\/(server|client|test|scripts|bench|examples|node_modules)\//.test(n) || /\.(map|ts)$/.test(n)), []);
  });

  test('README links and images point into the repository, so they work on the Marketplace page', () => {
    const readme = entries.get('extension/readme.md')?.toString('utf8') ?? '';
    const repo = manifest.repository!.url!.replace(/\.git$/, '');
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    assert.ok(targets.some((t) => t.startsWith(`${repo}/raw/HEAD/docs/images/`)), 'screenshots');
    assert.ok(targets.some((t) => t.startsWith(`${repo}/blob/HEAD/docs/rules/`)), 'rule pages');
    assert.deepEqual(targets.filter((t) => !/^(https:|#)/.test(t)), [], 'no relative link left');
  });
});

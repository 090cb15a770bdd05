/**
 * Debian's HAProxy (`haproxy -c -f`, 2.6) as the oracle: it accepts every configuration the
 * quick fixes produce, rejects every configuration haproxy/syntax reports (and those the
 * rules call fatal), accepts the tricky quoting TLS Lens reads without a problem, and warns
 * about ignored no-tlsv1x options exactly where haproxy/ignored-version-options finds them.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { applyEdits, combineFixes, lintFile, resolvePolicy, TextDoc, type Finding } from '../../server/src/core';
import { haproxyFormat } from '../../server/src/core/formats/haproxy';
import { versionSites } from '../../server/src/core/formats/haproxy/model';
import { NodeHost } from '../../server/src/host/nodeHost';
import { fixtureNames, haproxyCheck, haproxyWorkspace, type HaproxyWorkspace } from '../support/haproxy';
import { findTool } from '../support/tools';

const haproxy = findTool('haproxy');
const host = new NodeHost();
const NOW = new Date();

async function lintPath(file: string): Promise<Finding[]> {
  const r = await lintFile(host, file, file, { policy: resolvePolicy(), now: NOW });
  assert.ok('findings' in r, JSON.stringify(r));
  return r.findings;
}

/** Findings that say HAProxy will not run the configuration. */
const fatal = (f: Finding): boolean => f.severity === 'error' && /HAProxy refuses|will not start|refuses to start/.test(f.message);

/** Applies Fix all until nothing is left to fix (overlapping fixes wait for the next pass). */
async function fixAll(file: string, ws: HaproxyWorkspace, name: string, text: string): Promise<{ text: string; findings: Finding[] }> {
  let current = text;
  for (let pass = 0; pass < 5; pass++) {
    const p = ws.write(name, current);
    const findings = await lintPath(p);
    const { edits, applied } = combineFixes(findings);
    if (applied === 0) return { text: current, findings };
    const doc = new TextDoc(p, current);
    current = applyEdits(current, edits, (pos) => doc.lines.offsetAt(pos));
  }
  assert.fail(`${file}: fixes did not settle in 5 passes`);
}

void describe('haproxy -c as the oracle', { skip: haproxy.skip }, () => {
  let ws: HaproxyWorkspace;
  before(async () => {
    ws = await haproxyWorkspace();
  });
  after(() => rmSync(ws.dir, { recursive: true, force: true }));

  void test('the fixtures: haproxy -c rejects exactly those with a finding that says HAProxy refuses them', async () => {
    for (const name of fixtureNames()) {
      const file = ws.write(`${name}.cfg`, ws.fixture(name));
      const findings = await lintPath(file);
      const check = haproxyCheck(haproxy.path!, file);
      assert.equal(check.ok, !findings.some(fatal), `${name}: haproxy -c ${check.ok ? 'accepts' : 'rejects'} it; findings: ${findings.map((f) => `${f.ruleId} ${f.message}`).join(' | ')}\n${check.output}`);
    }
  });

  void test('Fix all: every configuration the fixes produce passes haproxy -c, and what was fixed is not reported again', async () => {
    let fixedSomething = 0;
    for (const name of fixtureNames()) {
      const before = await lintPath(ws.write(`${name}.cfg`, ws.fixture(name)));
      const { text, findings } = await fixAll(name, ws, `${name}.fixed.cfg`, ws.fixture(name));
      if (text !== ws.fixture(name)) fixedSomething++;
      const check = haproxyCheck(haproxy.path!, ws.write(`${name}.fixed.cfg`, text));
      assert.ok(check.ok, `${name} after Fix all:\n${text}\n${check.output}`);
      // Findings that had a fix are gone; none of the new text is reported as fatal.
      const fixable = new Set(before.filter((f) => f.fixes.length && f.ruleId.startsWith('haproxy/')).map((f) => f.ruleId));
      const left = findings.filter((f) => fixable.has(f.ruleId) && f.fixes.length);
      assert.deepEqual(left.map((f) => `${f.ruleId}: ${f.message}`), [], `${name}: fixable findings left after Fix all`);
      assert.ok(!findings.some(fatal), name);
    }
    assert.ok(fixedSomething >= 4, 'the fixtures exercise the fixes');
  });

  void test('ignored no-tlsv1x options: HAProxy warns for exactly the bind lines TLS Lens finds them ignored on', async () => {
    for (const name of fixtureNames()) {
      const file = ws.write(`${name}.cfg`, ws.fixture(name));
      const check = haproxyCheck(haproxy.path!, file);
      const warned = [...check.output.matchAll(/no-sslv3\/no-tlsv1x are ignored for bind '[^']*' at \[[^\]]*:(\d+)\]/g)].map((m) => Number(m[1]));
      const doc = new TextDoc(file, ws.fixture(name));
      const model = haproxyFormat.model({ doc, policy: resolvePolicy() });
      const found = versionSites(model.effective).filter((s) => s.side === 'bind' && s.label.startsWith('bind') && s.versions.ignored.length).map((s) => s.line.line + 1);
      assert.deepEqual(found.sort(), warned.sort(), name);
      const findings = await lintPath(file);
      assert.equal(findings.some((f) => f.ruleId === 'haproxy/ignored-version-options'), warned.length > 0, name);
    }
  });

  const HEAD = 'global\n    log stdout format raw local0\ndefaults\n    mode http\n    timeout client 5s\n    timeout server 5s\n    timeout connect 5s\nfrontend f\n    bind :8080\n';

  void test('haproxy/syntax: every line it reports, haproxy -c rejects', async () => {
    const broken: Record<string, string> = {
      'unmatched double quote': `${HEAD}    http-request set-header X-A "open\n`,
      'unmatched single quote': `${HEAD}    http-request set-header X-A 'open\n`,
      'bad hex escape': `${HEAD}    http-request set-header X-A \\xZZ\n`,
      'bad variable name': `${HEAD}    http-request set-header X-A "\${1BAD}"\n`,
      'unmatched brace': `${HEAD}    http-request set-header X-A "\${OPEN"\n`,
      'bad word expansion': `${HEAD}    http-request set-header X-A "\${LIST[1]}"\n`,
      'statement before any section': `maxconn 10\n${HEAD}`,
      'lone .endif': `${HEAD}.endif\n`,
      'unterminated .if': `${HEAD}.if 1\n    http-request deny\n`,
      '.elif after .else': `${HEAD}.if 0\n.else\n.elif 1\n.endif\n`,
      'unknown directive': `${HEAD}.include other.cfg\n`,
      '.alert reached': `${HEAD}.alert "do not start"\n`,
      'too many words': `${HEAD}    http-request set-header X-A ${Array.from({ length: 70 }, (_, i) => `w${i}`).join(' ')}\n`,
      'missing final LF': `${HEAD}    http-request deny`,
      'quote error inside .if 0': `${HEAD}.if 0\n    a "open\n.endif\n`,
    };
    for (const [what, text] of Object.entries(broken)) {
      const file = ws.write('syntax.cfg', text);
      const findings = (await lintPath(file)).filter((f) => f.ruleId === 'haproxy/syntax');
      assert.ok(findings.some((f) => f.severity === 'error'), `${what}: no haproxy/syntax error`);
      const check = haproxyCheck(haproxy.path!, file);
      assert.equal(check.ok, false, `${what}: haproxy -c accepts it\n${check.output}`);
    }
  });

  void test('tricky quoting TLS Lens reads without a problem, haproxy -c accepts', async () => {
    const lines = [
      '    http-request set-header X-A "a b # not a comment"',
      "    http-request set-header X-B 'a $b \\x nothing is escaped'",
      '    http-request set-header X-C a\\ b\\#c # a comment',
      '    http-request set-header X-D "\\x41\\$"',
      '    http-request set-header X-E "${HOME}"',
      '    http-request set-header X-F "${UNSET_TLS_LENS_VAR-default}"',
      '    http-request set-header X-G trailing\\',
      '    http-request set-header X-H "a"\'b\'c',
      '.if 0',
      '    this is never read',
      '.elif 1',
      '    http-request set-header X-I yes',
      '.endif',
      '[scope-name]',
    ];
    const file = ws.write('valid.cfg', `${HEAD}${lines.join('\n')}\n`);
    const findings = (await lintPath(file)).filter((f) => f.ruleId === 'haproxy/syntax');
    assert.deepEqual(findings, []);
    const check = haproxyCheck(haproxy.path!, file);
    assert.ok(check.ok, check.output);
  });
});

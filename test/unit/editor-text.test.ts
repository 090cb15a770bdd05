/**
 * The editor's words and pages, rendered in plain Node: the Probe Endpoint input, the
 * language status item, the Certificates view's descriptions and tooltips, the Check
 * Workspace summary, the webviews' hex values and theme-proof styles, and the settings
 * contributed in package.json.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { certificateDescription, probeHosts, tooltipLines } from '../../client/src/certificates/entryText';
import { detailsHtml } from '../../client/src/certificates/html';
import { findingsBySeverity, readableTime, renderProbeReport } from '../../client/src/probe/html';
import { formatProbeInput, parseProbeInput } from '../../client/src/probe/input';
import { describeStatus } from '../../client/src/statusText';
import { summarize } from '../../client/src/summary';
import { SHARED_STYLE, valueHtml } from '../../client/src/webview';
import type { FileStatus, InventoryCertificate, InventoryKey } from '../../server/src/shared/protocol';
import type { ProbeReport } from '../../server/src/shared/probe';
import { repoPath } from '../support/tools';

describe('the Probe Endpoint input', () => {
  test('host[:port], URLs, and name@address[:port] with the port on either side', () => {
    assert.deepEqual(parseProbeInput('example.com'), { target: 'example.com' });
    assert.deepEqual(parseProbeInput(' https://example.com:8443/path '), { target: 'example.com:8443' });
    assert.deepEqual(parseProbeInput('[2001:db8::1]:443'), { target: '[2001:db8::1]:443' });
    assert.deepEqual(parseProbeInput('shop.example.com@10.0.0.5:8443'), { target: 'shop.example.com:8443', connectTo: '10.0.0.5' });
    assert.deepEqual(parseProbeInput('shop.example.com:8443@lb.internal'), { target: 'shop.example.com:8443', connectTo: 'lb.internal' });
    assert.deepEqual(parseProbeInput('shop.example.com@[2001:db8::7]'), { target: 'shop.example.com', connectTo: '2001:db8::7' });
  });

  test('a protocol scheme stays on the target (the probe speaks its STARTTLS), and survives Edit', () => {
    assert.deepEqual(parseProbeInput('smtp://mail.example.com:587'), { target: 'smtp://mail.example.com:587' });
    assert.deepEqual(parseProbeInput('LDAPS://ldap.example.com'), { target: 'ldaps://ldap.example.com' });
    const viaLb = parseProbeInput('imap://mail.example.com@10.0.0.9:143');
    assert.deepEqual(viaLb, { target: 'imap://mail.example.com:143', connectTo: '10.0.0.9' });
    assert.deepEqual(parseProbeInput(formatProbeInput(viaLb)), viaLb);
  });

  test('what is wrong is said in a sentence', () => {
    assert.match((parseProbeInput('') as { error: string }).error, /^type host\[:port\]/);
    assert.match((parseProbeInput('exa mple.com') as { error: string }).error, /is not host\[:port\]/);
    assert.match((parseProbeInput('example.com:99999') as { error: string }).error, /is not host\[:port\]/);
    assert.match((parseProbeInput('10.0.0.5@shop.example.com') as { error: string }).error, /^before "@" goes the name to probe/);
    assert.match((parseProbeInput('shop.example.com@') as { error: string }).error, /^after "@" goes the address/);
    assert.match((parseProbeInput('a.example:1@10.0.0.1:2') as { error: string }).error, /^two ports \(1 and 2\)/);
  });

  test('an input is written back as it would be typed (Edit after an error)', () => {
    for (const typed of ['example.com', 'example.com:8443', 'shop.example.com@10.0.0.5:8443', 'shop.example.com@[2001:db8::7]']) {
      const p = parseProbeInput(typed);
      assert.ok(!('error' in p));
      assert.equal(formatProbeInput(p), typed);
    }
  });
});

describe('the language status item', () => {
  const base: FileStatus = { enabled: true, format: 'nginx', profile: 'modern', profileFrom: 'policy file', overrides: [] };
  const pf = { path: '/w/.tls-lens.yaml', uri: 'file:///w/.tls-lens.yaml', named: false, problems: 0, rules: 0, profile: 'modern' };
  const rel = (p: string): string => p.replace('/w/', '');
  test('the profile, and the policy file as the detail; clicking opens it', () => {
    assert.deepEqual(describeStatus({ ...base, policyFile: pf }, [], rel), {
      text: 'TLS Lens: modern',
      detail: '.tls-lens.yaml',
      severity: 'info',
      command: { title: 'Open Policy File', command: 'tlsLens.openPolicyFile', arguments: ['file:///w/.tls-lens.yaml', 0] },
    });
    const none = describeStatus({ ...base, profile: 'intermediate', profileFrom: 'settings', nginxVersion: '1.24.0' }, [], rel);
    assert.equal(none.detail, 'no policy file: the settings apply, nginx 1.24.0');
    assert.equal(none.command?.command, 'workbench.action.openSettings');
  });

  test('a warning when the policy file is broken, opening it at its first problem', () => {
    const v = describeStatus({ ...base, profile: 'legacy', profileFrom: 'settings', policyFile: { ...pf, problems: 2, firstProblem: { message: 'unknown key "colour"', line: 4 } } }, [], rel);
    assert.equal(v.severity, 'warning');
    assert.equal(v.text, 'TLS Lens: legacy');
    assert.equal(v.detail, '.tls-lens.yaml: 2 problems, not used');
    assert.equal(v.sentence, '.tls-lens.yaml has 2 problems and is not used: the settings apply (line 5: unknown key "colour")');
    assert.deepEqual(v.command?.arguments, ['file:///w/.tls-lens.yaml', 4]);
  });

  test('a warning when a setting a person set is overridden; off and ignored files say so', () => {
    const v = describeStatus({ ...base, policyFile: pf }, [{ setting: 'tlsLens.profile', settingValue: 'legacy', policyValue: 'extends: modern' }], rel);
    assert.equal(v.severity, 'warning');
    assert.equal(v.detail, 'tlsLens.profile is overridden');
    assert.equal(v.sentence, 'tlsLens.profile (legacy) is overridden by extends: modern in .tls-lens.yaml');
    assert.equal(describeStatus({ ...base, enabled: false, disabledBy: 'ignore', policyFile: pf }, [], rel).detail, 'this file is ignored by .tls-lens.yaml');
    assert.equal(describeStatus({ ...base, enabled: false, disabledBy: 'setting' }, [], rel).text, 'TLS Lens: off');
  });
});

describe('the Certificates view', () => {
  const cert: InventoryCertificate & { uri: string } = {
    kind: 'certificate', file: '/w/a.pem', uri: 'file:///w/a.pem', range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } }, anchor: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    encoding: 'pem', label: 'CERTIFICATE', title: 'CN=api.example.com · 3 SANs · expires 2027-01-10 (49 d)', level: 'ok', status: 'ok', subject: 'CN=api.example.com', commonName: 'api.example.com', issuer: 'CN=Example CA',
    sans: ['DNS:api.example.com', 'DNS:*.example.com', 'IP:192.0.2.7'], notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2027-01-10T00:00:00.000Z', daysLeft: 49, sha256: 'AB:CD', chain: { index: 0, size: 2 },
  };
  test('expiry first in the description, then the SANs, then the place in the bundle; no "0 SANs" on a CA', () => {
    assert.equal(certificateDescription(cert), 'expires 2027-01-10 (49 d) · 3 SANs · 1 of 2');
    assert.equal(certificateDescription({ ...cert, title: 'CN=Example CA · expires 2030-01-01 (1300 d)', ca: true, chain: { index: 1, size: 2 } }), 'expires 2030-01-01 (1300 d) · 2 of 2');
  });

  test('the tooltip has the facts; a key only its shape', () => {
    const lines = tooltipLines(cert, 'a.pem:1');
    assert.equal(lines[0], '**CN=api\\.example\\.com** — valid');
    assert.ok(lines.includes('SHA-256: `AB:CD`'));
    assert.ok(lines.some((l) => l.startsWith('SANs: DNS:api\\.example\\.com, DNS:\\*\\.example\\.com')));
    assert.ok(lines.some((l) => l.startsWith('Valid: 2026\\-01\\-01 to 2027\\-01\\-10 (49 d left)')));
    const key: InventoryKey & { uri: string } = { kind: 'key', file: '/w/k.pem', uri: 'file:///w/k.pem', range: cert.range, anchor: cert.anchor, encoding: 'pem', label: 'PRIVATE KEY', title: 'RSA 2048 private key', level: 'ok', algorithm: 'RSA 2048' };
    assert.deepEqual(tooltipLines(key, 'k.pem:1'), ['**RSA 2048 private key**', 'Algorithm and size only: TLS Lens never shows key material.', 'k\\.pem:1']);
  });

  test('the hosts "Probe the Host" offers: DNS SANs without wildcards, else a host-like CN', () => {
    assert.deepEqual(probeHosts(cert), ['api.example.com']);
    assert.deepEqual(probeHosts({ ...cert, sans: [], commonName: 'TLS Lens Example CA' }), []);
    assert.deepEqual(probeHosts({ ...cert, sans: [], commonName: 'legacy.example.com' }), ['legacy.example.com']);
  });
});

describe('the webviews', () => {
  test('hex values break only between bytes', () => {
    assert.equal(valueHtml('AB:CD:EF'), '<span class="hex">AB:<wbr>CD:<wbr>EF</span>');
    assert.equal(valueHtml('CN=a <b>'), 'CN=a &lt;b&gt;');
    assert.equal(valueHtml('11D20CDE8A6F9CFD7FE7AD152E1F1E30'), '<span class="hex">11<wbr>D2<wbr>0C<wbr>DE<wbr>8A<wbr>6F<wbr>9C<wbr>FD<wbr>7F<wbr>E7<wbr>AD<wbr>15<wbr>2E<wbr>1F<wbr>1E<wbr>30</span>', 'a serial');
    assert.equal(valueHtml('2048'), '2048');
    assert.match(SHARED_STYLE, /\.hex \{[^}]*overflow-wrap: normal; word-break: normal;/);
  });

  test('suite chips have room between lines; buttons have a border in high contrast', () => {
    assert.match(SHARED_STYLE, /ul\.suites code \{ display: inline-block;/);
    assert.match(SHARED_STYLE, /button \{[^}]*border: 1px solid var\(--vscode-button-border, var\(--vscode-contrastBorder, transparent\)\)/);
    const details = detailsHtml({ file: 'a.pem', focus: 0, items: [{ entry: { ...({} as InventoryCertificate), kind: 'certificate', status: 'ok', level: 'ok', title: 't', label: 'CERTIFICATE', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, facts: [{ label: 'SHA-256', value: '0A:1B' }] }] }, 'a.pem', 'N0NCE');
    assert.match(details, /<td><span class="hex">0A:<wbr>1B<\/span><\/td>/);
  });

  test('the probe report: findings most severe first, a readable time, and the comparison as a sentence', () => {
    const rep = {
      endpoint: 'shop.example.test:443', startedAt: '2026-12-02T17:30:05.123Z', profile: 'intermediate', durationMs: 5, protocols: [], certificates: [], errors: [], enumerated: true,
      grade: { letter: 'A', score: 90, scores: { protocol: 100, keyExchange: 90, cipher: 90 }, caps: [], notes: [] }, hostname: { name: 'shop.example.test', matches: true },
      findings: [
        { ruleId: 'probe/ocsp-staple', severity: 'info', message: 'no staple' },
        { ruleId: 'probe/untrusted-chain', severity: 'error', message: 'untrusted' },
        { ruleId: 'probe/missing-hsts', severity: 'warning', message: 'no HSTS' },
      ],
      config: { name: 'shop.example.test', port: 443, searched: { nginxFiles: 1, manifests: 3 }, definitions: [] },
    } as unknown as ProbeReport;
    assert.deepEqual(findingsBySeverity(rep).map((f) => f.severity), ['error', 'warning', 'info']);
    assert.equal(readableTime(rep.startedAt), '2026-12-02 17:30:05 UTC');
    const html = renderProbeReport(rep, 'N0NCE', 'vscode-webview://x');
    assert.ok(html.indexOf('untrusted') < html.indexOf('no HSTS') && html.indexOf('no HSTS') < html.indexOf('no staple'));
    assert.match(html, /probed <time datetime="2026-12-02T17:30:05\.123Z">2026-12-02 17:30:05 UTC<\/time>/);
    assert.match(html, /<p class="undefined">Nothing in the workspace defines shop\.example\.test:443 \(1 nginx file and 3 manifests searched\)\.<\/p>/);
  });
});

describe('words', () => {
  test('"1 finding", not "finding(s)"', () => {
    assert.equal(
      summarize({ filesChecked: 1, filesWithFindings: 1, findings: { error: 0, warning: 1, info: 0, hint: 0 }, cancelled: false, errors: [] }),
      'TLS Lens: 1 finding (0 errors, 1 warning, 0 notes) in 1 of 1 file checked.',
    );
    assert.equal(
      summarize({ filesChecked: 12, filesWithFindings: 2, findings: { error: 2, warning: 1, info: 1, hint: 1 }, cancelled: true, errors: ['a: EACCES'] }),
      'TLS Lens: check cancelled; 5 findings (2 errors, 1 warning, 2 notes) in 2 of 12 files checked. 1 path could not be read (see Output).',
    );
  });
});

describe('the settings in package.json', () => {
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as {
    contributes: { configuration: { title: string; properties: Record<string, { order?: number; additionalProperties?: { enum?: string[] } }> } };
  };
  const props = pkg.contributes.configuration.properties;
  test('under "TLS Lens", the profile first, then the policy file and the rules', () => {
    assert.equal(pkg.contributes.configuration.title, 'TLS Lens');
    const byOrder = Object.entries(props).sort((a, b) => (a[1].order ?? 99) - (b[1].order ?? 99)).map(([k]) => k);
    assert.deepEqual(byOrder.slice(0, 3), ['tlsLens.profile', 'tlsLens.policyFile', 'tlsLens.rules']);
    assert.ok(Object.values(props).every((p) => typeof p.order === 'number'), 'every setting has its place');
  });

  test('tlsLens.rules takes the levels the policy file takes, hint included', () => {
    assert.deepEqual(props['tlsLens.rules']?.additionalProperties?.enum, ['off', 'hint', 'info', 'warning', 'error']);
  });
});

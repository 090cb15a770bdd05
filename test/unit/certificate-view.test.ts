import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inventoryCsv, inventoryJson } from '../../client/src/certificates/csv';
import { detailsHtml, escapeHtml } from '../../client/src/certificates/html';
import type { CertificateDetails, InventoryEntry } from '../../server/src/shared/protocol';

const range = { start: { line: 4, character: 0 }, end: { line: 20, character: 25 } };

const hostile: InventoryEntry = {
  kind: 'certificate',
  file: '/w/a.pem',
  range,
  anchor: range,
  encoding: 'pem',
  label: 'CERTIFICATE',
  status: 'expiring',
  level: 'warning',
  title: 'CN=<img src=x onerror=alert(1)> · 1 SAN · expires 2027-01-10 (9 d)',
  subject: '=HYPERLINK("http://x"), CN=<img src=x onerror=alert(1)>',
  commonName: '<img src=x onerror=alert(1)>',
  issuer: 'CN="quoted", O=a,b',
  sans: ['DNS:a.example', 'DNS:b.example'],
  notAfter: '2027-01-10T00:00:00.000Z',
  daysLeft: 9,
  chain: { index: 0, size: 2 },
};
const key: InventoryEntry = { kind: 'key', file: '/w/a.pem', range, anchor: range, encoding: 'pem', label: 'PRIVATE KEY', algorithm: 'RSA 2048', title: 'RSA 2048 private key', level: 'ok' };

describe('details view HTML', () => {
  const details: CertificateDetails = {
    file: '/w/a.pem',
    items: [
      { entry: hostile, facts: [{ label: 'Subject', value: hostile.subject! }, { label: 'SANs', value: 'DNS:a.example, DNS:b.example', items: ['DNS:a.example', 'DNS:<b>'] }] },
      { entry: key, facts: [] },
    ],
    focus: 0,
  };
  const html = detailsHtml(details, 'a.pem', 'NONCE123');

  test('a strict CSP: nothing loads, no script, only the nonce-tagged style', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    assert.ok(csp);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /style-src 'nonce-NONCE123'/);
    assert.match(csp, /script-src 'none'/);
    assert.ok(!/<script/i.test(html));
    assert.equal((html.match(/<style/g) ?? []).length, 1);
    assert.match(html, /<style nonce="NONCE123">/);
    assert.ok(!/https?:\/\/(?!x")/.test(html.replace(/&quot;http:\/\/x&quot;/g, '')), 'no remote URL');
  });

  test('every value is escaped', () => {
    assert.ok(!html.includes('<img'), 'no markup from certificate fields');
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('<li>DNS:&lt;b&gt;</li>'));
    assert.ok(html.includes('TLS Lens never shows key material'));
    assert.match(html, /var\(--vscode-foreground\)/);
    assert.equal(escapeHtml(`<a href='x'>"&"</a>`), '&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;');
  });
});

describe('inventory export', () => {
  test('CSV: header, one row per entry, quoting and formula cells kept as text', () => {
    const csv = inventoryCsv([hostile, key], (e) => e.file.replace('/w/', ''));
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'file,line,kind,label,container,chain,status,commonName,subject,issuer,sans,notBefore,notAfter,daysLeft,sha256,keyAlgorithm,error');
    assert.equal(lines[1], `a.pem,5,certificate,CERTIFICATE,,1/2,expiring,<img src=x onerror=alert(1)>,"'=HYPERLINK(""http://x""), CN=<img src=x onerror=alert(1)>","CN=""quoted"", O=a,b",DNS:a.example DNS:b.example,,2027-01-10T00:00:00.000Z,9,,,`);
    assert.equal(lines[2], 'a.pem,5,key,PRIVATE KEY,,,,,,,,,,,,RSA 2048,');
    assert.equal(lines[3], '');
  });

  test('JSON: the entries with the shown file names', () => {
    const parsed = JSON.parse(inventoryJson([{ ...hostile, uri: 'file:///w/a.pem' } as InventoryEntry], () => 'a.pem')) as { version: number; entries: Array<Record<string, unknown>> };
    assert.equal(parsed.version, 1);
    assert.equal(parsed.entries[0]!.file, 'a.pem');
    assert.equal(parsed.entries[0]!.uri, undefined);
    assert.equal(parsed.entries[0]!.daysLeft, 9);
  });
});

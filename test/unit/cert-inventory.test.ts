import assert from 'node:assert/strict';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { MemoryHost, TextDoc, lintDocument, resolvePolicy } from '../../server/src/core';
import {
  certificateDetails,
  commonName,
  inventoryDocument,
  inventoryPaths,
  type InventoryCertificate,
} from '../../server/src/core/certs/inventory';
import { decodeCertificate } from '../../server/src/core/x509/certificate';
import { certificateFacts } from '../../server/src/core/x509/facts';
import { DAY, makeCert } from '../support/certs';
import { NOW } from '../support/lint';

let leaf: string;
/** The leaf's own private key (PKCS#8 PEM), made in memory for the test only. */
let leafKey: string;
let ca: string;
let expiring: string;
let expired: string;
/** Keys made in memory for the test only. */
let rsaKey: string;
let ecKey: string;

const daysFromNow = (d: number): Date => new Date(NOW.getTime() + d * DAY);
const derOf = (pem: string): Uint8Array => Uint8Array.from(Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'));

before(async () => {
  const root = await makeCert({ cn: 'Example CA', ca: true, key: 'p256', notBefore: daysFromNow(-10), notAfter: daysFromNow(3000) });
  ca = root.pem;
  const made = await makeCert({ cn: 'api.example.com', dns: ['api.example.com', 'www.example.com'], ips: ['192.0.2.7'], notBefore: daysFromNow(-1), notAfter: new Date(NOW.getTime() + 49 * DAY + 3600_000), issuer: { cert: root.cert, keys: root.keys } });
  leaf = made.pem;
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', made.keys.privateKey)).toString('base64');
  leafKey = `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;
  expiring = (await makeCert({ cn: 'soon.example.com', dns: ['soon.example.com'], notBefore: daysFromNow(-80), notAfter: new Date(NOW.getTime() + 5 * DAY + 3600_000) })).pem;
  expired = (await makeCert({ cn: 'old.example.com', notBefore: daysFromNow(-100), notAfter: new Date(NOW.getTime() - 30 * DAY - 3600_000) })).pem;
  rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  ecKey = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
});

const certs = (es: ReturnType<typeof inventoryDocument>): InventoryCertificate[] => es.filter((e): e is InventoryCertificate => e.kind === 'certificate');

describe('certificate inventory', () => {
  test('a bundle: title, status, chain position, SAN count and days left', () => {
    const entries = certs(inventoryDocument(new TextDoc('chain.pem', `${leaf}\n${ca}\n`), NOW));
    assert.equal(entries.length, 2);
    const [l, c] = entries;
    const notAfter = new Date(NOW.getTime() + 49 * DAY + 3600_000).toISOString().slice(0, 10);
    assert.equal(l!.title, `CN=api.example.com · 3 SANs · expires ${notAfter} (49 d)`);
    assert.equal(l!.status, 'ok');
    assert.equal(l!.daysLeft, 49);
    assert.deepEqual(l!.chain, { index: 0, size: 2 });
    assert.deepEqual(l!.sans, ['DNS:api.example.com', 'DNS:www.example.com', 'IP:192.0.2.7']);
    assert.equal(l!.commonName, 'api.example.com');
    assert.equal(l!.issuer, 'CN=Example CA');
    assert.deepEqual(c!.chain, { index: 1, size: 2 });
    assert.match(c!.title, /^CN=Example CA · expires /, "a CA does not say 0 SANs");
    assert.equal(c!.ca, true);
    assert.deepEqual(l!.anchor.start, { line: 0, character: 0 });
  });

  test('expiry against the policy thresholds', () => {
    const [soon] = certs(inventoryDocument(new TextDoc('a.pem', expiring), NOW));
    assert.equal(soon!.status, 'expiring');
    assert.equal(soon!.level, 'error'); // within 7 days
    const relaxed = resolvePolicy({ thresholds: { certificateExpiryErrorDays: 2 } }).thresholds;
    const [again] = certs(inventoryDocument(new TextDoc('a.pem', expiring), NOW, relaxed));
    assert.equal(again!.level, 'warning');
    const lax = resolvePolicy({ thresholds: { certificateExpiryWarningDays: 3, certificateExpiryErrorDays: 1 } }).thresholds;
    assert.equal(certs(inventoryDocument(new TextDoc('a.pem', expiring), NOW, lax))[0]!.status, 'ok');
    const [old] = certs(inventoryDocument(new TextDoc('b.pem', expired), NOW));
    assert.equal(old!.status, 'expired');
    assert.equal(old!.daysLeft, -30, "as the title says: 30 d ago");
    assert.match(old!.title, /^CN=old\.example\.com · 0 SANs · expired \d{4}-\d{2}-\d{2} \(30 d ago\)$/);
  });

  test('private keys: algorithm and size only, never material', () => {
    const text = `${leaf}\n${rsaKey}\n${ecKey}\n-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n`;
    const keys = inventoryDocument(new TextDoc('bundle.pem', text), NOW).filter((e) => e.kind === 'key');
    assert.deepEqual(keys.map((k) => k.title), ['RSA 2048 private key', 'EC P-384 private key', 'encrypted private key']);
    const json = JSON.stringify(keys);
    for (const pem of [rsaKey, ecKey]) {
      const body = pem.split('\n')[1]!;
      assert.ok(!json.includes(body.slice(0, 20)), 'no key material in the entries');
    }
    const junk = inventoryDocument(new TextDoc('junk.key', '-----BEGIN PRIVATE KEY-----\nAQID\n-----END PRIVATE KEY-----\n'), NOW);
    assert.deepEqual(junk.map((k) => k.title), ['private key (unreadable)']);
    // A legacy encrypted key (RFC 1421 headers) is described without opening it, as the hover does.
    const legacy = '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n';
    assert.deepEqual(inventoryDocument(new TextDoc('old.key', legacy), NOW).map((k) => k.title), ['RSA, encrypted private key']);
  });

  test('a short-lived certificate: the inventory and cert/expiring make the same judgement', async () => {
    // A 24-hour mesh leaf 20 hours before expiry (83 % of its lifetime left): far from the 33 % share, though within 30 days.
    const mesh = (await makeCert({ cn: 'mesh.local', dns: ['mesh.local'], notBefore: new Date(NOW.getTime() - 4 * 3600_000), notAfter: new Date(NOW.getTime() + 20 * 3600_000) })).pem;
    const [e] = certs(inventoryDocument(new TextDoc('mesh.pem', mesh), NOW));
    assert.equal(e!.status, 'ok');
    assert.equal(e!.level, 'ok');
    const findings = lintDocument(new TextDoc('mesh.pem', mesh), { policy: resolvePolicy(), now: NOW }).filter((f) => f.ruleId.startsWith('cert/expir'));
    assert.deepEqual(findings, []);
    // Near its end both say "expiring", with the same urgency.
    const late = (await makeCert({ cn: 'mesh.local', dns: ['mesh.local'], notBefore: new Date(NOW.getTime() - 22 * 3600_000), notAfter: new Date(NOW.getTime() + 2 * 3600_000) })).pem;
    const [l] = certs(inventoryDocument(new TextDoc('late.pem', late), NOW));
    const lateFindings = lintDocument(new TextDoc('late.pem', late), { policy: resolvePolicy(), now: NOW }).filter((f) => f.ruleId === 'cert/expiring');
    assert.deepEqual([l!.status, l!.level], ['expiring', 'error']);
    assert.deepEqual(lateFindings.map((f) => f.severity), ['error']);
  });

  test('details of a Secret: tls.crt, ca.crt and tls.key together, the key with its Matches row', () => {
    const b64 = (pem: string): string => Buffer.from(pem).toString('base64');
    const yaml = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: web\n  namespace: shop\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64(leaf)}\n  ca.crt: ${b64(ca)}\n  tls.key: ${b64(leafKey)}\n`;
    const doc = new TextDoc('secret.yaml', yaml);
    const d = certificateDetails(doc, { line: 9, character: 4 }, NOW);
    assert.ok(d);
    assert.equal(d.container, 'Secret shop/web');
    assert.deepEqual(d.items.map((i) => `${i.entry.kind} ${i.entry.container}`), ['certificate Secret shop/web · tls.crt', 'certificate Secret shop/web · ca.crt', 'key Secret shop/web · tls.key']);
    assert.equal(d.focus, 2);
    assert.deepEqual(d.items[2]!.facts, [
      { label: 'Key', value: 'EC P-256' },
      { label: 'Matches', value: 'certificate CN=api.example.com (Secret shop/web · tls.crt)' },
    ]);
    assert.ok(!JSON.stringify(d).includes(b64(leafKey).slice(40, 80)), 'no key material in the details');
  });

  test('unreadable certificates are entries with an error, never a throw', () => {
    const text = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n';
    const entries = certs(inventoryDocument(new TextDoc('bad.pem', text), NOW));
    assert.deepEqual(entries.map((e) => e.status), ['invalid', 'invalid']);
    assert.match(entries[0]!.error!, /not a valid X\.509 certificate/);
    assert.match(entries[1]!.title, /^invalid certificate: invalid base64/);
  });

  test('CN extraction from printed distinguished names', () => {
    assert.equal(commonName('C=US, O=TLS Lens Examples, CN=example.com'), 'example.com');
    assert.equal(commonName('CN=a\\, b, O=x'), 'a, b');
    assert.equal(commonName('O=Only Org'), undefined);
  });

  test('walks directories like check and sorts by expiry; keys last', async () => {
    const host = new MemoryHost({
      '/w/certs/leaf.crt': leaf,
      '/w/certs/old.crt': expired,
      '/w/keys/server.key': rsaKey,
      '/w/notes.md': `Paste:\n\n${expiring}`,
      '/w/ignored/x.pem': leaf,
      '/w/.gitignore': 'ignored/\n',
      '/w/bin/app.exe': expired,
    });
    const files: string[] = [];
    const inv = await inventoryPaths(host, ['/w', '/w/certs/leaf.crt', '/missing'], { now: NOW, onFile: (f) => files.push(f) });
    assert.deepEqual(inv.entries.map((e) => `${e.file} ${e.kind}`), ['/w/certs/old.crt certificate', '/w/notes.md certificate', '/w/certs/leaf.crt certificate', '/w/keys/server.key key']);
    assert.equal(inv.filesScanned, 4);
    assert.deepEqual(inv.errors, ['/missing: no such file or directory']);
    assert.equal(files.length, 4, 'each file read once');
    let n = 0;
    const cut = await inventoryPaths(host, ['/w'], { now: NOW, isCancelled: () => ++n > 3 });
    assert.equal(cut.cancelled, true);
  });

  test('details: every fact of every certificate of the bundle, focused on the one asked for', () => {
    const doc = new TextDoc('chain.pem', `${leaf}\n${ca}\n`);
    const caBegin = leaf.split('\n').length; // the line after the leaf's END line
    const d = certificateDetails(doc, { line: caBegin + 2, character: 1 }, NOW);
    assert.ok(d);
    assert.equal(d.items.length, 2);
    assert.equal(d.focus, 1);
    // Exactly the rows every front shows, nothing added or dropped.
    const decoded = decodeCertificate(derOf(leaf));
    assert.ok(decoded.ok);
    assert.deepEqual(d.items[0]!.facts, certificateFacts(decoded.cert, NOW));
    assert.deepEqual(d.items[0]!.facts.slice(0, 4).map((f) => f.label), ['Subject', 'Issuer', 'SANs', 'Valid']);
    assert.equal(certificateDetails(new TextDoc('x.txt', 'nothing'), { line: 0, character: 0 }, NOW), undefined);
    // Sites sharing a line (one base64 value holding a chain): bundleIndex picks the certificate.
    const line = { start: { line: 3, character: 2 }, end: { line: 3, character: 40 } };
    const shared = [leaf, ca].map((pem, i) => ({ encoding: 'base64-pem' as const, label: 'CERTIFICATE', range: line, anchor: line, der: derOf(pem), container: 'Secret default/web · tls.crt', bundleIndex: i, bundleSize: 2 }));
    const picked = certificateDetails(doc, { line: 3, character: 2 }, NOW, undefined, { sites: shared, bundleIndex: 1 });
    assert.equal(picked?.focus, 1);
    assert.equal(picked?.container, 'Secret default/web · tls.crt');
    assert.equal(certificateDetails(doc, { line: 3, character: 2 }, NOW, undefined, { sites: shared })?.focus, 0);
  });
});

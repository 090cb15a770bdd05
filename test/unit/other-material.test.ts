import assert from 'node:assert/strict';
import { createHash, webcrypto } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { TextDoc } from '../../server/src/core';
import { hoverAt } from '../../server/src/core/hover';
import { describeCertificateRequest, describeCrl, describePublicKeyBlock } from '../../server/src/core/x509/otherMaterial';
import { DAY } from '../support/certs';
import { x509 } from '../support/certs-extra';
import { NOW } from '../support/lint';

/** Certificate requests, CRLs and public keys made in memory with @peculiar/x509 (the decoder under test loads it on its own). */
let csrPem: string;
let csrDer: Uint8Array;
let crlPem: string;
let pubPem: string;
let spkiSha256: string;

const pem = (label: string, der: Uint8Array): string => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
const hover = (file: string, text: string): string => hoverAt(new TextDoc(file, text), { line: 1, character: 1 }, NOW)?.markdown ?? '';

before(async () => {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=csr.example.com, O=Example',
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'csr.example.com' }, { type: 'ip', value: '192.0.2.9' }])],
  });
  csrDer = new Uint8Array(csr.rawData);
  csrPem = pem('CERTIFICATE REQUEST', csrDer);
  const rsa = await webcrypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }, true, ['sign', 'verify']);
  const crl = await x509.X509CrlGenerator.create({
    issuer: 'CN=Example CA',
    thisUpdate: new Date(NOW.getTime() - 2 * DAY),
    nextUpdate: new Date(NOW.getTime() + 5 * DAY),
    entries: [
      { serialNumber: '01', revocationDate: new Date(NOW.getTime() - 3 * DAY) },
      { serialNumber: '0a', revocationDate: new Date(NOW.getTime() - 3 * DAY) },
      { serialNumber: '0b', revocationDate: new Date(NOW.getTime() - 3 * DAY) },
    ],
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5' },
    signingKey: rsa.privateKey,
  });
  crlPem = pem('X509 CRL', new Uint8Array(crl.rawData));
  const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', rsa.publicKey));
  pubPem = pem('PUBLIC KEY', spki);
  spkiSha256 = createHash('sha256').update(spki).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
});

describe('certificate requests, CRLs and public keys', () => {
  test('a certificate request: subject, requested SANs, key, signature, self-signature', () => {
    const d = describeCertificateRequest(csrDer);
    assert.ok(d.ok);
    assert.deepEqual(
      d.facts.map((f) => [f.label, f.value]),
      [
        ['Subject', 'CN=csr.example.com, O=Example'],
        ['Requested SANs', 'DNS:csr.example.com, IP:192.0.2.9'],
        ['Key', 'EC P-256'],
        ['Signature', 'ECDSA with SHA-256'],
        ['Self-signature', 'verifies'],
      ],
    );
    const md = hover('req.csr', csrPem);
    assert.match(md, /^\*\*Certificate request\*\*/);
    assert.match(md, /\| Requested SANs \| `DNS:csr\.example\.com`, `IP:192\.0\.2\.9` \|/);
  });

  test('a tampered request still decodes, and its self-signature does not verify', () => {
    const bad = Uint8Array.from(csrDer);
    // A byte of the subject's CN ("csr.example.com" → "dsr.example.com").
    const at = Buffer.from(bad).indexOf('csr.example.com');
    bad[at] = 'd'.charCodeAt(0);
    const d = describeCertificateRequest(bad);
    assert.ok(d.ok);
    assert.equal(d.facts.find((f) => f.label === 'Self-signature')?.value, 'DOES NOT VERIFY');
  });

  test('a CRL: issuer, updates with relative time, revoked count', () => {
    const md = hover('ca.crl', crlPem);
    assert.match(md, /^\*\*Certificate revocation list\*\*/);
    assert.match(md, /\| Issuer \| CN=Example CA \|/);
    assert.match(md, /\| This update \| \d{4}-\d{2}-\d{2}T[\d:.]+Z \(2 d ago\) \|/);
    assert.match(md, /\| Next update \| \d{4}-\d{2}-\d{2}T[\d:.]+Z \(in 5 d\) \|/);
    assert.match(md, /\| Revoked \| 3 certificates \|/);
    const stale = describeCrl(Buffer.from(crlPem.replace(/-----[A-Z0-9 ]+-----|\s/g, ''), 'base64'), new Date(NOW.getTime() + 6 * DAY));
    assert.ok(stale.ok);
    assert.match(stale.facts.find((f) => f.label === 'Next update')!.value, /\(1 d ago, stale\)$/);
  });

  test('a public key: algorithm, size, SHA-256 of the SPKI', () => {
    const d = describePublicKeyBlock(Buffer.from(pubPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'));
    assert.ok(d.ok);
    assert.deepEqual(d.facts.map((f) => f.value), ['RSA 2048 bits', spkiSha256]);
    assert.ok(hover('key.pub', pubPem).includes(spkiSha256));
  });

  test('malformed blocks: a clear message at the block, never a throw', () => {
    for (const label of ['CERTIFICATE REQUEST', 'X509 CRL', 'PUBLIC KEY']) {
      for (const body of ['MIIBAA==', 'AAAA', Buffer.from(csrDer.subarray(0, 40)).toString('base64')]) {
        const text = `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
        const r = hoverAt(new TextDoc('bad.pem', text), { line: 1, character: 1 }, NOW);
        assert.ok(r, `${label} ${body}`);
        assert.match(r.markdown, new RegExp(`^\\*\\*${label}\\*\\*: the (certificate request|CRL|public key) does not parse`));
        assert.deepEqual(r.range.start, { line: 0, character: 0 });
      }
    }
  });
});

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { decodeCertificate } from '../../server/src/core/x509/certificate';
import { x509 } from '../support/certs-extra';
import { toolsRequired } from '../support/tools';

/**
 * The own DER decoder (x509/certificate.ts) held to an independent one: @peculiar/x509 over
 * every certificate of the system CA bundle (Debian's ca-certificates).
 */
const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const missing = existsSync(BUNDLE) ? undefined : `${BUNDLE} is missing (apt-get install ca-certificates); skipped`;
if (missing && toolsRequired) throw new Error(`${BUNDLE} is missing, and TLS_LENS_REQUIRE_TOOLS=1 requires it`);

/** Attribute types @peculiar/x509 prints as OIDs that the own decoder names (RFC 4519 serialNumber, X.520 organizationIdentifier). */
const NAMED: Readonly<Record<string, string>> = { '2.5.4.5': 'serialNumber', '2.5.4.97': 'organizationIdentifier' };
const named = (dn: string): string => dn.replace(/(^|, |\+)(2\.5\.4\.(?:5|97))=/g, (_, sep: string, oid: string) => `${sep}${NAMED[oid]}=`);

const SAN_TYPES: Readonly<Record<string, string>> = { dns: 'DNS', ip: 'IP', url: 'URI', email: 'email' };

function signatureName(a: { name: string; hash?: { name: string } }): string {
  const family = a.name === 'RSASSA-PKCS1-v1_5' ? 'RSA' : a.name;
  return a.hash ? `${family} with ${a.hash.name}` : family;
}

describe('the DER decoder against @peculiar/x509', () => {
  test(`every certificate of ${BUNDLE}: names, serial, validity, SANs, key, signature`, { skip: missing ?? false }, () => {
    const blocks = readFileSync(BUNDLE, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    assert.ok(blocks.length >= 50, `only ${blocks.length} certificates in ${BUNDLE}`);
    let sans = 0;
    for (const block of blocks) {
      const der = Uint8Array.from(Buffer.from(block.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'));
      const ours = decodeCertificate(der);
      const theirs = new x509.X509Certificate(der);
      const what = theirs.subject;
      assert.ok(ours.ok, `${what}: ${ours.ok ? '' : ours.error}`);
      const c = ours.cert;
      assert.equal(c.subject, named(theirs.subject), what);
      assert.equal(c.issuer, named(theirs.issuer), what);
      assert.equal(c.serialNumber.toLowerCase(), theirs.serialNumber.toLowerCase(), `${what}: serial`);
      assert.equal(c.notBefore.getTime(), theirs.notBefore.getTime(), `${what}: notBefore`);
      assert.equal(c.notAfter.getTime(), theirs.notAfter.getTime(), `${what}: notAfter`);
      const san = theirs.getExtension('2.5.29.17');
      const names = san instanceof x509.SubjectAlternativeNameExtension ? san.names.items : [];
      assert.equal(c.sans.length, names.length, `${what}: SAN count`);
      // Names TLS uses are compared by value; others (directoryName, otherName) by position only.
      names.forEach((n, i) => {
        const type = SAN_TYPES[n.type];
        if (type) assert.equal(`${c.sans[i]!.type}:${c.sans[i]!.value}`, `${type}:${n.value}`, `${what}: SAN ${i}`);
      });
      sans += names.length;
      const key = theirs.publicKey.algorithm as { name: string; modulusLength?: number; namedCurve?: string };
      const expected = key.modulusLength !== undefined ? { algorithm: 'RSA', bits: key.modulusLength } : key.name === 'ECDSA' ? { algorithm: 'EC', curve: key.namedCurve } : { algorithm: key.name };
      assert.deepEqual(c.publicKey, expected, `${what}: key`);
      assert.equal(c.signatureAlgorithm, signatureName(theirs.signatureAlgorithm as { name: string; hash?: { name: string } }), `${what}: signature`);
    }
    // The bundle exercises SANs too (a few roots carry them), so that comparison ran.
    assert.ok(sans > 0, 'no SANs compared');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectKube, lintKube } from './kube-support';

const cert = (name: string, privateKey: string): string =>
  `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  secretName: ${name}-tls\n  dnsNames: [${name}.example.com]\n  issuerRef: {name: le, kind: ClusterIssuer}\n${privateKey}`;
const RULE = { rules: ['certmanager/key-algorithm'] };

describe('certmanager/key-algorithm', () => {
  test('modern lists only ECDSA certificates: RSA, the RSA default and Ed25519 are reported', () => {
    expectKube(
      [
        cert('rsa', `  privateKey:
    algorithm: RSA
#              ^^^ warning certmanager/key-algorithm: privateKey.algorithm RSA: the modern profile (Mozilla Server Side TLS 6.0, modern) lists only ECDSA certificates
    size: 3072
`),
        cert('default', `  privateKey:
# ^^^^^^^^^^ warning certmanager/key-algorithm: no privateKey.algorithm (cert-manager defaults to RSA)
    rotationPolicy: Always
`),
        cert('ed', `  privateKey:
    algorithm: Ed25519
#              ^^^^^^^ warning certmanager/key-algorithm: most browsers do not accept Ed25519 server certificates
`),
        cert('ec', '  privateKey:\n    algorithm: ECDSA\n    size: 256\n'),
      ].join('---\n'),
      {},
      { ...RULE, policy: { profile: 'modern' }, index: false },
    );
  });

  test('no privateKey at all: reported at the name under modern', () => {
    const f = lintKube(cert('bare', ''), {}, { policy: { profile: 'modern' }, index: false }).filter((x) => x.ruleId === 'certmanager/key-algorithm');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.range.start.line, 2);
  });

  test('intermediate accepts RSA and ECDSA; the legacy profile notes ECDSA', () => {
    const text = [cert('rsa', '  privateKey: {algorithm: RSA, size: 2048}\n'), cert('ec', '  privateKey: {algorithm: ECDSA, size: 256}\n'), cert('bare', '')].join('---\n');
    const ids = (profile: string): string[] =>
      lintKube(text, {}, { policy: { profile }, index: false })
        .filter((x) => x.ruleId === 'certmanager/key-algorithm')
        .map((x) => `${x.severity} ${x.resource?.name}`);
    assert.deepEqual(ids('intermediate'), []);
    assert.deepEqual(ids('legacy'), ['info ec']);
    const note = lintKube(text, {}, { policy: { profile: 'legacy' }, index: false }).find((x) => x.ruleId === 'certmanager/key-algorithm')!;
    assert.match(note.message, /^Certificate shop\/ec: privateKey\.algorithm ECDSA: the legacy profile \([^)]*\) lists only RSA certificates; its oldest clients cannot use ECDSA$/);
  });
});

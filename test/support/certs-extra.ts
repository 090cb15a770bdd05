/** More in-memory certificates for the certificate rules: chains, keys as PEM, unusual encodings. */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { DAY, makeCert, type CertSpec } from './certs';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export type Made = Awaited<ReturnType<typeof makeCert>>;

/** The private key of a made certificate as PKCS#8 PEM. */
export async function keyPem(made: Made): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', made.keys.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

/** A root → intermediate → leaf chain, each valid around `now`. */
export async function makeChain(now: Date, leafSpec: Partial<CertSpec> = {}): Promise<{ root: Made; intermediate: Made; leaf: Made }> {
  const around = { notBefore: new Date(now.getTime() - 10 * DAY), notAfter: new Date(now.getTime() + 300 * DAY) };
  const root = await makeCert({ cn: 'Test Root CA', ca: true, ...around, notAfter: new Date(now.getTime() + 3000 * DAY) });
  const intermediate = await makeCert({ cn: 'Test Intermediate CA', ca: true, issuer: { cert: root.cert, keys: root.keys }, ...around, notAfter: new Date(now.getTime() + 1000 * DAY) });
  const leaf = await makeCert({ cn: 'www.example.test', dns: ['www.example.test'], issuer: { cert: intermediate.cert, keys: intermediate.keys }, ...around, ...leafSpec });
  for (const m of [root, intermediate, leaf]) m.pem = m.pem.trimEnd() + '\n';
  return { root, intermediate, leaf };
}

/** A certificate with whatever extensions and serial a test needs (self-signed, P-256). */
export async function makeRaw(spec: { serial?: string; notBefore: Date; notAfter: Date; extensions?: x509.Extension[]; subject?: string; signingHash?: string; issuer?: Made }): Promise<string> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: spec.serial ?? '01',
    subject: spec.subject ?? 'CN=raw.example.test',
    issuer: spec.issuer ? spec.issuer.cert.subject : (spec.subject ?? 'CN=raw.example.test'),
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    signingAlgorithm: { name: 'ECDSA', hash: spec.signingHash ?? 'SHA-256' },
    publicKey: keys.publicKey,
    signingKey: spec.issuer ? spec.issuer.keys.privateKey : keys.privateKey,
    extensions: spec.extensions ?? [],
  });
  return cert.toString('pem');
}

export { x509 };

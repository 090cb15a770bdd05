import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export type KeyKind = 'rsa2048' | 'rsa1024' | 'p256' | 'p384';

export interface CertSpec {
  cn: string;
  dns?: string[];
  ips?: string[];
  notBefore: Date;
  notAfter: Date;
  key?: KeyKind;
  /** Signs with this issuer instead of self-signing. */
  issuer?: { cert: x509.X509Certificate; keys: CryptoKeyPair };
  ca?: boolean;
}

function algorithm(kind: KeyKind): RsaHashedKeyGenParams | EcKeyGenParams {
  switch (kind) {
    case 'rsa2048':
    case 'rsa1024':
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: kind === 'rsa2048' ? 2048 : 1024 };
    case 'p256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'p384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
  }
}

function signingAlgorithm(keys: CryptoKeyPair): Algorithm | EcdsaParams {
  return keys.privateKey.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : keys.privateKey.algorithm;
}

/** Makes a certificate in memory (keys are thrown away unless the caller keeps `keys`). */
export async function makeCert(spec: CertSpec): Promise<{ pem: string; cert: x509.X509Certificate; keys: CryptoKeyPair }> {
  const keys = await webcrypto.subtle.generateKey(algorithm(spec.key ?? 'p256'), true, ['sign', 'verify']);
  const names: x509.JsonGeneralName[] = [
    ...(spec.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(spec.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(spec.ca ?? false, undefined, true)];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  const signer = spec.issuer?.keys ?? keys;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '0' + Math.floor(Math.random() * 1e12).toString(16),
    subject: `CN=${spec.cn}`,
    issuer: spec.issuer ? spec.issuer.cert.subject : `CN=${spec.cn}`,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    signingAlgorithm: signingAlgorithm(signer),
    publicKey: keys.publicKey,
    signingKey: signer.privateKey,
    extensions,
  });
  return { pem: cert.toString('pem'), cert, keys };
}

export const DAY = 86_400_000;

#!/usr/bin/env node
// Generates the example certificates TLS Lens decodes in this folder:
//
//   certs/ca.crt           the example CA (RSA 2048, self-signed, CA:TRUE)
//   certs/valid.crt        leaf for example.com, www.example.com, api.example.com (RSA 2048),
//                          issued by the example CA, valid for 365 days from yesterday
//   certs/expired.crt      leaf for old.example.com (ECDSA P-256), issued by the example CA,
//                          expired 30 days ago
//   certs/self-signed.crt  self-signed leaf for localhost and 127.0.0.1 (ECDSA P-256)
//   certs/chain.pem        valid.crt followed by ca.crt
//   kubernetes/ingress.yaml  an Ingress and its TLS Secret, whose tls.crt is valid.crt
//
// Run with `npm run examples:certs` (or `node examples/make-certs.mjs`). Dates are relative to
// the moment the script runs, so re-running it refreshes them. Private keys exist only in
// memory: they are never written anywhere, so nothing here can be used to impersonate a host.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import x509 from '@peculiar/x509';

const crypto = globalThis.crypto ?? webcrypto;
x509.cryptoProvider.set(crypto);

const here = dirname(fileURLToPath(import.meta.url));
const certsDir = join(here, 'certs');
const kubeDir = join(here, 'kubernetes');

const DAY = 24 * 60 * 60 * 1000;
const now = Date.now();
/** Whole seconds: X.509 times have no fractions. */
const at = (offsetDays) => new Date(Math.floor((now + offsetDays * DAY) / 1000) * 1000);

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const EC = { name: 'ECDSA', namedCurve: 'P-256' };
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' };

// Relative distinguished names in the order real certificates carry them (C, O, CN).
const ORG = 'C=US, O=TLS Lens Examples';

/** A positive 16-byte serial number, as hex. */
function serial() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] & 0x7f) | 0x10;
  return Buffer.from(bytes).toString('hex');
}

const generateKeys = (alg) => crypto.subtle.generateKey(alg, false, ['sign', 'verify']);

async function makeCa() {
  const keys = await generateKeys(RSA);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `${ORG}, CN=TLS Lens Example CA`,
    notBefore: at(-180),
    notAfter: at(3650),
    signingAlgorithm: RSA,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

async function makeLeaf(ca, { cn, sans, keyAlg, notBefore, notAfter }) {
  const keys = await generateKeys(keyAlg);
  const isRsa = keyAlg.name === 'RSASSA-PKCS1-v1_5';
  const usages = isRsa
    ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
    : x509.KeyUsageFlags.digitalSignature;
  return x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `${ORG}, CN=${cn}`,
    issuer: ca.cert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: RSA, // the CA's key is RSA, whatever the leaf's key is
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usages, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(sans),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
}

async function makeSelfSigned() {
  const keys = await generateKeys(EC);
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `${ORG}, CN=localhost`,
    notBefore: at(-1),
    notAfter: at(364),
    signingAlgorithm: ECDSA_SHA256,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
}

/** PEM with 64-column lines and a trailing newline, the way openssl writes it. */
function pem(cert) {
  const b64 = Buffer.from(cert.rawData).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function ingressYaml(validPem) {
  const b64 = Buffer.from(validPem, 'utf8').toString('base64');
  return `# Generated by examples/make-certs.mjs; re-run \`npm run examples:certs\` to refresh.
# The Secret carries the example certificate (certs/valid.crt) but deliberately no private
# key: keys never belong in a repository. Create the real Secret from files instead:
#   kubectl create secret tls example-com-tls --cert=valid.crt --key=valid.key
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: example-com
  namespace: web
  annotations:
    nginx.ingress.kubernetes.io/ssl-redirect: "true"
spec:
  ingressClassName: nginx
  tls:
    - hosts:
        - example.com
        - www.example.com
        - api.example.com
      secretName: example-com-tls
  rules:
    - host: example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
    - host: api.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: api
                port:
                  number: 8080
---
apiVersion: v1
kind: Secret
metadata:
  name: example-com-tls
  namespace: web
type: kubernetes.io/tls
data:
  # base64 of certs/valid.crt
  tls.crt: ${b64}
  # tls.key: <base64 of the private key> -- intentionally left out, never commit private keys
`;
}

function write(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${relative(process.cwd(), file) || file}`);
}

const ca = await makeCa();
const valid = await makeLeaf(ca, {
  cn: 'example.com',
  sans: [
    { type: 'dns', value: 'example.com' },
    { type: 'dns', value: 'www.example.com' },
    { type: 'dns', value: 'api.example.com' },
  ],
  keyAlg: RSA,
  notBefore: at(-1),
  notAfter: at(-1 + 365),
});
const expired = await makeLeaf(ca, {
  cn: 'old.example.com',
  sans: [{ type: 'dns', value: 'old.example.com' }],
  keyAlg: EC,
  notBefore: at(-120),
  notAfter: at(-30),
});
const selfSigned = await makeSelfSigned();

const caPem = pem(ca.cert);
const validPem = pem(valid);
write(join(certsDir, 'ca.crt'), caPem);
write(join(certsDir, 'valid.crt'), validPem);
write(join(certsDir, 'expired.crt'), pem(expired));
write(join(certsDir, 'self-signed.crt'), pem(selfSigned));
write(join(certsDir, 'chain.pem'), validPem + caPem);
write(join(kubeDir, 'ingress.yaml'), ingressYaml(validPem));
console.log(`valid.crt:   ${valid.subject}, not after ${valid.notAfter.toISOString()}`);
console.log(`expired.crt: ${expired.subject}, not after ${expired.notAfter.toISOString()}`);
console.log('no private keys were written');

/**
 * Every certificate of an endpoint, by key type: a server may hold an RSA and an ECDSA
 * certificate (nginx with two `ssl_certificate` lines; RFC 8446 §4.4.2.2 and RFC 5246 §7.4.2
 * make the client's signature_algorithms decide which one it gets). For TLS 1.3 and TLS 1.2,
 * one node:tls handshake per key type offers only that type's signature algorithms (and, in
 * TLS 1.2, only suites authenticated by that type: a static-RSA suite needs no signature at
 * all); the chain, its trust and the name are read as for the main handshake. A handshake
 * refused means the server has no certificate of that type for this name.
 */
import type * as tls from 'node:tls';
import { alpnOffer, openTls, probeSecureContext, servedChain } from './handshake';
import { ProbeError, type CertificateKeyType, type ProbeOptions, type ProbeTarget, type ServedCertificate } from './types';

interface KeyTypeOffer {
  keyType: CertificateKeyType;
  /** OpenSSL -sigalgs lists: TLS 1.3 names; TLS 1.2 hash/signature pairs. */
  sigalgs13: string;
  sigalgs12: string;
  /** OpenSSL cipher string of the TLS 1.2 suites this key type authenticates. */
  ciphers12: string;
}

export const KEY_TYPE_OFFERS: readonly KeyTypeOffer[] = [
  {
    keyType: 'RSA',
    sigalgs13: 'rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512',
    sigalgs12: 'rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:RSA+SHA256:RSA+SHA384:RSA+SHA512:RSA+SHA224:RSA+SHA1',
    ciphers12: 'aRSA',
  },
  {
    keyType: 'ECDSA',
    sigalgs13: 'ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512',
    sigalgs12: 'ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ECDSA+SHA224:ECDSA+SHA1',
    ciphers12: 'aECDSA',
  },
  { keyType: 'EdDSA', sigalgs13: 'ed25519:ed448', sigalgs12: 'ed25519:ed448', ciphers12: 'aECDSA' },
];

const VERSIONS = ['TLSv1.3', 'TLSv1.2'] as const;

/** One handshake offering one key type with one version: what the server sent, or undefined when it refused. */
async function offerKeyType(target: ProbeTarget, options: ProbeOptions, offer: KeyTypeOffer, version: (typeof VERSIONS)[number]): Promise<Omit<ServedCertificate, 'versions' | 'keyType'> | undefined> {
  let context: tls.SecureContext;
  try {
    context = probeSecureContext(
      options,
      version === 'TLSv1.3' ? { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', sigalgs: offer.sigalgs13 } : { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', sigalgs: offer.sigalgs12, ciphers: offer.ciphers12 },
    );
  } catch {
    // The local TLS library cannot offer this (BoringSSL has no Ed448, an old OpenSSL no TLS 1.3 names).
    return undefined;
  }
  try {
    const opened = await openTls(target, options, context, alpnOffer(target));
    try {
      return opened.socket.getProtocol() === version ? servedChain(opened.socket, target, options) : undefined;
    } finally {
      opened.socket.destroy();
    }
  } catch (e) {
    if (e instanceof ProbeError && (e.code === 'cancelled' || e.code === 'deadline')) throw e;
    return undefined;
  }
}

const leafKey = (c: { chainDer: Uint8Array[] }): string => (c.chainDer[0] ? Buffer.from(c.chainDer[0]).toString('base64') : '');

/**
 * The certificate of each key type the server has for this name, TLS 1.3 and 1.2 (one
 * handshake at a time). A key type the server answers with
 * the same certificate as another (an RSA-PSS-capable RSA key, EdDSA refused) is left out.
 */
export async function findServedCertificates(target: ProbeTarget, options: ProbeOptions): Promise<ServedCertificate[]> {
  const out: ServedCertificate[] = [];
  for (const offer of KEY_TYPE_OFFERS) {
    // One connection at a time: the handshake's lane holds one of the probe's concurrency budget.
    const answers: Awaited<ReturnType<typeof offerKeyType>>[] = [];
    for (const v of VERSIONS) answers.push(await offerKeyType(target, options, offer, v));
    answers.forEach((a, i) => {
      if (!a?.chainDer.length) return;
      const same = out.find((c) => c.keyType === offer.keyType && leafKey(c) === leafKey(a));
      if (same) same.versions.push(VERSIONS[i]!);
      else out.push({ keyType: offer.keyType, versions: [VERSIONS[i]!], ...a });
    });
  }
  return out;
}

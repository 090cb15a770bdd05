import { X509Certificate } from 'node:crypto';
import { contentHash } from './certificate';

const cache = new Map<string, boolean | undefined>();

/**
 * Whether `issuer`'s public key verifies `child`'s signature (node:crypto, OpenSSL).
 * undefined when either does not parse for OpenSSL. Cached by the pair's content hashes.
 */
export function signatureVerifies(child: Uint8Array, issuer: Uint8Array): boolean | undefined {
  const key = contentHash(child) + contentHash(issuer);
  if (cache.has(key)) return cache.get(key);
  let result: boolean | undefined;
  try {
    result = new X509Certificate(child).verify(new X509Certificate(issuer).publicKey);
  } catch {
    result = undefined;
  }
  if (cache.size > 2000) cache.delete(cache.keys().next().value as string);
  cache.set(key, result);
  return result;
}

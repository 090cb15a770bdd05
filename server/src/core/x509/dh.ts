import { TAG, children, expect, integerBits, readTlv } from './der';

/** The prime size of PKCS #3 DHParameter (`DH PARAMETERS`) or X9.42 DomainParameters DER: both start with the prime p. Throws DerError. */
export function dhPrimeBits(der: Uint8Array): number {
  const seq = expect(readTlv(der, 0), TAG.SEQUENCE, 'DH parameters');
  const p = expect(children(der, seq)[0], TAG.INTEGER, 'prime');
  return integerBits(der, p);
}

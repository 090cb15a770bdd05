import { berChildren, berExpect, readBer, type BerTlv } from '../../x509/ber';
import { DerError, TAG, oid } from '../../x509/der';

const SIGNED_DATA = '1.2.840.113549.1.7.2';

/** What a PKCS#7 / CMS SignedData (RFC 5652 §5) holds that TLS Lens shows: its certificates. */
export interface Pkcs7Contents {
  /** Each certificate's DER, in the order the file has them (a SET: not a chain order). */
  certificates: Uint8Array[];
  /** Entries of the certificate set that are not X.509 certificates (attribute and other certificates). */
  skipped: number;
  /** How many CRLs it carries (not shown). */
  crls: number;
}

/**
 * Reads a ContentInfo holding SignedData (a `.p7b`/`.p7c` certificate bundle, as
 * `openssl crl2pkcs7` and Windows write it; BER or DER). Throws DerError when it is not one.
 */
export function readPkcs7(bytes: Uint8Array, at: BerTlv = readBer(bytes, 0)): Pkcs7Contents {
  const [type, content] = berChildren(bytes, berExpect(at, TAG.SEQUENCE, 'ContentInfo'));
  const id = oid(bytes, berExpect(type, TAG.OID, 'contentType'));
  if (id !== SIGNED_DATA) throw new DerError(`a PKCS#7 ContentInfo of type ${id}, not signedData: it holds no certificate set`);
  const explicit = berExpect(content, 0xa0, 'content');
  const signed = berExpect(berChildren(bytes, explicit)[0], TAG.SEQUENCE, 'SignedData');
  const out: Pkcs7Contents = { certificates: [], skipped: 0, crls: 0 };
  for (const part of berChildren(bytes, signed)) {
    if (part.tag === 0xa0) {
      // CertificateSet ::= SET OF CertificateChoices; a plain certificate is a SEQUENCE.
      for (const c of berChildren(bytes, part)) {
        if (c.tag === TAG.SEQUENCE) out.certificates.push(bytes.subarray(c.start, c.end));
        else out.skipped++;
      }
    } else if (part.tag === 0xa1) out.crls += berChildren(bytes, part).length;
  }
  return out;
}

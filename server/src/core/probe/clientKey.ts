/**
 * Why a client key file (`--client-key`, `clientKeyFile`) cannot be used, in words a person
 * can act on — before OpenSSL answers "unsupported" or "bad decrypt". Never quotes the key.
 */
import { isPrivateKeyLabel, scanPem } from '../formats/pem/scanner';
import { LineIndex } from '../text';
import { DerError, readTlv } from '../x509/der';
import { describePrivateKey } from '../x509/keys';

/** The problem with the key file's content, or undefined when it holds one usable PEM private key. */
export function clientKeyProblem(content: string | Uint8Array): string | undefined {
  const bytes = typeof content === 'string' ? undefined : content;
  if (bytes && bytes[0] === 0x30 && !Buffer.from(bytes.subarray(0, 64)).toString('latin1').includes('-----BEGIN')) {
    return 'a binary (DER) key; give it in PEM: openssl pkey -inform DER -in KEY.der -out key.pem';
  }
  const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
  if (/^PuTTY-User-Key-File-\d:/m.test(text)) return 'a PuTTY key (.ppk), which TLS cannot use; export it as PEM with puttygen KEY.ppk -O private-openssl -o key.pem';
  const blocks = scanPem(text, new LineIndex(text));
  if (blocks.length === 0) {
    if (/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-\S+) AAAA/m.test(text)) return 'an OpenSSH public key, not a private key';
    return 'no PEM block found (a key file starts with "-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA/EC PRIVATE KEY-----")';
  }
  const keys = blocks.filter((b) => isPrivateKeyLabel(b.label));
  if (keys.length === 0) {
    const labels = [...new Set(blocks.map((b) => b.label))].join(', ');
    return `no private key in it, only ${labels}${blocks.some((b) => /CERTIFICATE/.test(b.label)) ? ' (were --client-cert and --client-key swapped?)' : ''}`;
  }
  if (keys.length > 1) return `${keys.length} private keys in one file; give the one the client certificate was issued for`;
  const k = keys[0]!;
  const line = `line ${k.beginRange.start.line + 1}`;
  if (k.label === 'OPENSSH PRIVATE KEY') {
    return `an OpenSSH private key (BEGIN OPENSSH PRIVATE KEY at ${line}), which TLS cannot use; convert a copy to PKCS#8 with ssh-keygen -p -m PKCS8 -f COPY (it rewrites the file), or give the PEM key the certificate was issued for`;
  }
  if (k.problem) {
    const at = `line ${k.problem.range.start.line + 1}`;
    if (/invalid base64/.test(k.problem.message)) return `bad base64 in the "${k.label}" block at ${at} (a line holds characters that are not base64: was the file edited, or pasted with spaces or quotes?)`;
    if (/has no "-----END/.test(k.problem.message)) return `truncated: the "${k.label}" block that begins at ${line} has no END line`;
    if (/truncated base64/.test(k.problem.message)) return `truncated: the base64 of the "${k.label}" block at ${line} stops mid-way (${k.problem.message.replace(/.*\(/, '(')}`;
    return `${k.problem.message} (${at})`;
  }
  if (k.label === 'ENCRYPTED PRIVATE KEY' || /^Proc-Type:\s*4,ENCRYPTED/m.test(text)) {
    return 'encrypted with a passphrase, which the probe does not ask for; decrypt a copy with openssl pkey -in KEY -out plain.pem (keep it private)';
  }
  const der = k.der!;
  try {
    const outer = readTlv(der, 0);
    if (outer.tag !== 0x30) return `the "${k.label}" block at ${line} does not hold a DER key (it starts with tag 0x${outer.tag.toString(16)})`;
    if (outer.end < der.length) return `the "${k.label}" block at ${line} has ${der.length - outer.end} byte(s) after the key (two keys glued together?)`;
  } catch (e) {
    if (e instanceof DerError) return `truncated: the key in the "${k.label}" block at ${line} is cut short (its DER ${e.message.replace(/^a value /, '').replace(' (truncated?)', '')})`;
    throw e;
  }
  const summary = describePrivateKey(k.label, der);
  if (summary.error) return `the "${k.label}" block at ${line}: ${summary.error}`;
  return undefined;
}

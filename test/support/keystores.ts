/**
 * Keystores made by the real tools at test time (openssl pkcs12 / crl2pkcs7, keytool), and
 * those tools' own reading of them as the oracle: `openssl pkcs12 -nokeys`, `openssl pkcs7
 * -print_certs`, `keytool -list -v`.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export function run(tool: string, args: string[], cwd: string, input?: string): string {
  const r = spawnSync(tool, args, { cwd, encoding: 'utf8', timeout: 120_000, ...(input !== undefined ? { input } : {}) });
  if (r.status !== 0) throw new Error(`${path.basename(tool)} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

export interface TestPki {
  dir: string;
  caCrt: string;
  leafCrt: string;
  leafKey: string;
  /** A second, expired leaf (for the expiry rules on containers). */
  oldCrt: string;
  oldKey: string;
}

/** A CA (P-256), a leaf it issues (RSA 2048) and an expired self-signed leaf (P-256), as PEM files in `dir`. */
export function makePki(openssl: string, dir: string): TestPki {
  const o = (...a: string[]): string => run(openssl, a, dir);
  o('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/CN=Keystore Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  o('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=app.example.test');
  writeFileSync(path.join(dir, 'leaf.ext'), 'subjectAltName=DNS:app.example.test\nbasicConstraints=CA:FALSE\n');
  o('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.crt', '-days', '200', '-extfile', 'leaf.ext');
  return { dir, caCrt: path.join(dir, 'ca.crt'), leafCrt: path.join(dir, 'leaf.crt'), leafKey: path.join(dir, 'leaf.key'), ...expired(openssl, dir) };
}

function expired(openssl: string, dir: string): { oldCrt: string; oldKey: string } {
  // -not_before/-not_after need OpenSSL 3.4; a CA database with explicit dates works on 3.0.
  run(openssl, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'old.key', '-out', 'old.csr', '-subj', '/CN=old.example.test'], dir);
  const conf = path.join(dir, 'ca.cnf');
  writeFileSync(conf, `[ca]\ndefault_ca=d\n[d]\ndatabase=${dir}/index.txt\nnew_certs_dir=${dir}\nserial=${dir}/serial\ndefault_md=sha256\npolicy=p\ncopy_extensions=none\n[p]\ncommonName=supplied\n[x]\nsubjectAltName=DNS:old.example.test\n`);
  writeFileSync(path.join(dir, 'index.txt'), '');
  writeFileSync(path.join(dir, 'serial'), '1000\n');
  run(openssl, ['ca', '-batch', '-config', conf, '-selfsign', '-keyfile', 'old.key', '-in', 'old.csr', '-out', 'old.crt', '-startdate', '20200101000000Z', '-enddate', '20210101000000Z', '-extensions', 'x', '-notext'], dir);
  return { oldCrt: path.join(dir, 'old.crt'), oldKey: path.join(dir, 'old.key') };
}

/** SHA-256 fingerprints (AA:BB:…) of every certificate in PEM text, in order. */
export function pemFingerprints(text: string): string[] {
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p).fingerprint256);
}

/** The certificates `openssl pkcs12` finds in a file (the oracle), by SHA-256. */
export function opensslPkcs12Certs(openssl: string, file: string, password: string, legacy = false): string[] {
  return pemFingerprints(run(openssl, ['pkcs12', '-in', file, '-nokeys', '-passin', `pass:${password}`, ...(legacy ? ['-legacy'] : [])], path.dirname(file)));
}

/** The private keys `openssl pkcs12` finds, as node:crypto describes them ("rsa 2048", "ec prime256v1"). */
export function opensslPkcs12Keys(openssl: string, file: string, password: string): string[] {
  const out = run(openssl, ['pkcs12', '-in', file, '-nocerts', '-nodes', '-passin', `pass:${password}`], path.dirname(file));
  return (out.match(/-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/g) ?? []).map((p) => {
    const k = createPrivateKey(p);
    const d = k.asymmetricKeyDetails ?? {};
    return `${k.asymmetricKeyType} ${d.modulusLength ?? d.namedCurve}`;
  });
}

/** The certificates `openssl pkcs7 -print_certs` finds. */
export function opensslPkcs7Certs(openssl: string, file: string, der: boolean): string[] {
  return pemFingerprints(run(openssl, ['pkcs7', '-print_certs', '-in', file, ...(der ? ['-inform', 'DER'] : [])], path.dirname(file)));
}

export interface KeytoolEntry {
  alias: string;
  type: 'PrivateKeyEntry' | 'trustedCertEntry' | 'SecretKeyEntry';
  /** SHA-256 of each certificate (the chain of a key entry, or the trusted certificate). */
  sha256: string[];
  /** "2048-bit RSA key", "256-bit EC (secp256r1) key" for the first certificate. */
  keyAlgorithm?: string;
}

/** `keytool -list -v`, parsed: every entry with its type and certificates. */
export function keytoolList(keytool: string, file: string, password: string, storetype: 'JKS' | 'JCEKS' | 'PKCS12'): KeytoolEntry[] {
  const out = run(keytool, ['-list', '-v', '-keystore', file, '-storepass', password, '-storetype', storetype], path.dirname(file));
  const entries: KeytoolEntry[] = [];
  for (const block of out.split(/^Alias name: /m).slice(1)) {
    const alias = block.split('\n')[0]!.trim();
    const type = /^Entry type: (\S+)/m.exec(block)?.[1] as KeytoolEntry['type'];
    const sha256 = [...block.matchAll(/^\s*SHA256: ([0-9A-F:]+)/gm)].map((m) => m[1]!);
    const keyAlgorithm = /^Subject Public Key Algorithm: (.*)$/m.exec(block)?.[1]?.trim();
    entries.push({ alias, type, sha256, ...(keyAlgorithm ? { keyAlgorithm } : {}) });
  }
  return entries;
}

export function readBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

/**
 * Certificates made with the real `openssl` CLI at test time, for tests that want a
 * second, independent producer of X.509 (not the code under test, not @peculiar/x509).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface OpensslCertSpec {
  /** File name stem in `dir`: writes `<name>.crt` and `<name>.key`. */
  name: string;
  /** Subject, in openssl's `-subj` form, e.g. `/CN=a.example.test/O=Tests`. */
  subject: string;
  /** subjectAltName value, e.g. `DNS:a.example.test,IP:127.0.0.1`. */
  san?: string;
  key: 'rsa2048' | 'p256';
  days: number;
}

export interface OpensslCert {
  certPath: string;
  keyPath: string;
  certPem: string;
  keyPem: string;
}

/** A self-signed certificate from `openssl req -x509` (throws with openssl's output on failure). */
export function opensslSelfSigned(openssl: string, dir: string, spec: OpensslCertSpec): OpensslCert {
  const certPath = path.join(dir, `${spec.name}.crt`);
  const keyPath = path.join(dir, `${spec.name}.key`);
  const keyArgs = spec.key === 'rsa2048' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  const args = ['req', '-x509', ...keyArgs, '-nodes', '-keyout', keyPath, '-out', certPath, '-days', String(spec.days), '-subj', spec.subject, '-sha256'];
  if (spec.san) args.push('-addext', `subjectAltName=${spec.san}`);
  const r = spawnSync(openssl, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return { certPath, keyPath, certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') };
}

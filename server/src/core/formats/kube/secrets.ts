import { decodeCertificate, type CertificateSummary, type SubjectAltName } from '../../x509/certificate';
import { sansCoverHostPattern } from '../../x509/names';
import { CERTIFICATE_LABELS, scanPem } from '../pem/scanner';
import { LineIndex } from '../../text';
import type { KNode } from './node';
import type { KubeResource } from './resources';

/** The certificate side of a TLS Secret, decoded; private keys are only checked for presence. */
export interface SecretTls {
  /** The key the certificate was read from (`tls.crt`, or Istio's generic `cert`). */
  certKey?: string;
  certNode?: KNode;
  /** Key material is present and non-empty under the matching key name. */
  hasKey: boolean;
  keyKey?: string;
  /** The chain, leaf first; empty when unreadable. */
  certs: CertificateSummary[];
  /** Why the certificate could not be read. */
  problem?: string;
}

const cache = new WeakMap<KubeResource, SecretTls>();

/** A Secret's value for `key` (base64 `data` or plain `stringData`), decoded to text. */
function value(secret: KubeResource, key: string): { text: string; node: KNode } | undefined {
  const plain = secret.root.get('stringData', key);
  const ps = plain.str();
  if (ps !== undefined) return { text: ps, node: plain };
  const enc = secret.root.get('data', key);
  const es = enc.str();
  if (es === undefined) return undefined;
  const compact = es.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return { text: '\u0000invalid base64', node: enc };
  return { text: Buffer.from(compact, 'base64').toString('latin1'), node: enc };
}

/**
 * Reads a Secret's certificate and checks its key is there: `tls.crt`/`tls.key` (type
 * kubernetes.io/tls), or `cert`/`key` (Istio's generic form). Cached per resource.
 */
export function secretTls(secret: KubeResource): SecretTls {
  const hit = cache.get(secret);
  if (hit) return hit;
  const out: SecretTls = { hasKey: false, certs: [] };
  for (const [c, k] of [
    ['tls.crt', 'tls.key'],
    ['cert', 'key'],
  ] as const) {
    const crt = value(secret, c);
    const key = value(secret, k);
    if (!crt && !key) continue;
    if (crt) {
      out.certKey = c;
      out.certNode = crt.node;
    }
    out.keyKey = k;
    out.hasKey = key !== undefined && key.text.trim().length > 0;
    if (!crt) out.problem = `has ${k} but no ${c}`;
    else if (crt.text.startsWith('\u0000')) out.problem = `${c} is not valid base64`;
    else if (crt.text.trim() === '') out.problem = `${c} is empty`;
    else {
      const blocks = scanPem(crt.text, new LineIndex(crt.text)).filter((b) => CERTIFICATE_LABELS.has(b.label));
      for (const b of blocks) {
        if (!b.der) continue;
        const d = decodeCertificate(b.der);
        if (d.ok) out.certs.push(d.cert);
        else {
          out.problem = `${c} holds an unreadable certificate: ${d.error}`;
          break;
        }
      }
      if (!out.problem && out.certs.length === 0) out.problem = `${c} holds no PEM certificate`;
    }
    break;
  }
  if (!out.certKey && !out.keyKey) out.problem = 'has neither tls.crt nor cert';
  cache.set(secret, out);
  return out;
}

/** A name list a certificate (or what will issue one) covers. */
export interface CoverageSource {
  sans: SubjectAltName[];
  /** e.g. "the certificate in Secret web/tls (CN=example.com)" or "Certificate web/site's dnsNames". */
  describe: string;
}

/** Whether `host` (an Ingress/Gateway host, possibly `*.` wildcard) is covered. */
export function covers(sans: readonly SubjectAltName[], host: string): boolean {
  return sansCoverHostPattern(sans, host);
}

/** "example.com, www.example.com" (at most 4, then "… (N in all)"). */
export function listNames(sans: readonly SubjectAltName[]): string {
  const names = sans.filter((s) => s.type === 'DNS' || s.type === 'IP').map((s) => s.value);
  if (names.length === 0) return 'no DNS or IP names';
  return names.slice(0, 4).join(', ') + (names.length > 4 ? `, … (${names.length} in all)` : '');
}

import { decodeCertificate, type CertificateSummary, type SubjectAltName } from '../../x509/certificate';
import { sansCoverHostPattern } from '../../x509/names';
import { CERTIFICATE_LABELS, scanPem } from '../pem/scanner';
import { LineIndex } from '../../text';
import type { KNode } from './node';
import { decodesToStandIn, notMaterial } from './placeholders';
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
  /**
   * `tls.crt` holds a template expression or a documentation placeholder (`<base64 cert>`,
   * `REPLACE_ME`, `${CERT}`) rather than a certificate: its contents are unknown, not wrong.
   */
  placeholder?: true;
}

const cache = new WeakMap<KubeResource, SecretTls>();

/** A value read by `decodedValue`: `invalidBase64` (and empty text) when the encoded form is not base64. */
export interface DecodedValue {
  text: string;
  node: KNode;
  invalidBase64?: true;
  /** The written value is a template or placeholder (`notMaterial`), or decodes to a short stand-in text. */
  placeholder?: true;
}

/**
 * The value of `key` in `resource`: plain text under `plainField` (a Secret's `stringData`, a
 * ConfigMap's `data`), else base64 under `base64Field` (a Secret's `data`, a ConfigMap's
 * `binaryData`) decoded to text; the plain one wins, as the API server merges `stringData` over `data`.
 * `material`: the key holds certificate or key material, so a template expression or a
 * documentation placeholder (`notMaterial`), or base64 of one short word, is `placeholder`.
 */
export function decodedValue(resource: KubeResource, plainField: string, base64Field: string, key: string, material = false): DecodedValue | undefined {
  const plain = resource.root.get(plainField, key);
  const ps = plain.str();
  if (ps !== undefined) return material && !ps.includes('-----BEGIN') && notMaterial(ps) ? { text: '', node: plain, placeholder: true } : { text: ps, node: plain };
  const enc = resource.root.get(base64Field, key);
  const es = enc.str();
  if (es === undefined) return undefined;
  const compact = es.replace(/\s+/g, '');
  if (material && notMaterial(es) && !compact.startsWith('LS0tLS1CRUdJT')) return { text: '', node: enc, placeholder: true };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return { text: '', node: enc, invalidBase64: true };
  const bytes = Buffer.from(compact, 'base64');
  if (material && bytes[0] !== 0x30 && decodesToStandIn(bytes)) return { text: '', node: enc, placeholder: true };
  return { text: bytes.toString('latin1'), node: enc };
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
    const crt = decodedValue(secret, 'stringData', 'data', c, true);
    const key = decodedValue(secret, 'stringData', 'data', k, true);
    if (!crt && !key) continue;
    if (crt) {
      out.certKey = c;
      out.certNode = crt.node;
    }
    out.keyKey = k;
    out.hasKey = key !== undefined && (key.invalidBase64 === true || key.placeholder === true || key.text.trim().length > 0);
    if (crt?.placeholder) out.placeholder = true;
    else if (!crt) out.problem = `has ${k} but no ${c}`;
    else if (crt.invalidBase64) out.problem = `${c} is not valid base64`;
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

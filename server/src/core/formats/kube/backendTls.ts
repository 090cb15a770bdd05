import type { KubeView } from './workspace';
import { decodeCertificate, type CertificateSummary } from '../../x509/certificate';
import { LineIndex } from '../../text';
import { CERTIFICATE_LABELS, scanPem } from '../pem/scanner';
import type { KNode } from './node';
import { isTemplated } from './node';
import { K } from './refs';
import type { KubeResource } from './resources';
import { decodedValue, type DecodedValue } from './secrets';

/** The kind key of Gateway API's BackendTLSPolicy. */
export const BACKEND_TLS_POLICY = 'BackendTLSPolicy.gateway.networking.k8s.io';

/** Where one `validation.caCertificateRefs` entry leads. */
export type CaRefResolution =
  /** The object holds CA certificates under `ca.crt`. */
  | { kind: 'found'; target: KubeResource; node: KNode; certs: CertificateSummary[] }
  /** The object is there but `ca.crt` is absent, empty or unreadable. */
  | { kind: 'unusable'; target: KubeResource; node: KNode | undefined; why: string }
  | { kind: 'missing' }
  /** Equally near definitions of the object differ: nothing is concluded. */
  | { kind: 'ambiguous'; candidates: readonly KubeResource[] }
  /** No workspace index, a templated name, or a kind other than ConfigMap/Secret (implementation-specific). */
  | { kind: 'unknown' };

export interface CaRef {
  node: KNode;
  refKind: string;
  name: string;
  resolution: CaRefResolution;
}

/** `ca.crt` of a ConfigMap (`data`, or base64 `binaryData`) or of a Secret (base64 `data`, or `stringData`). */
function caText(target: KubeResource): DecodedValue | undefined {
  return target.kind === 'Secret' ? decodedValue(target, 'stringData', 'data', 'ca.crt', true) : decodedValue(target, 'data', 'binaryData', 'ca.crt', true);
}

const cache = new WeakMap<KubeResource, CaRefResolution>();

function readCa(target: KubeResource): CaRefResolution {
  const hit = cache.get(target);
  if (hit) return hit;
  let out: CaRefResolution;
  const value = caText(target);
  if (!value) out = { kind: 'unusable', target, node: undefined, why: 'has no ca.crt key' };
  // A template expression or a documentation placeholder: the certificates are unknown.
  else if (value.placeholder) out = { kind: 'unknown' };
  else if (value.invalidBase64) out = { kind: 'unusable', target, node: value.node, why: 'ca.crt is not valid base64' };
  else {
    const certs: CertificateSummary[] = [];
    let why: string | undefined;
    for (const b of scanPem(value.text, new LineIndex(value.text))) {
      if (!CERTIFICATE_LABELS.has(b.label) || !b.der) continue;
      const d = decodeCertificate(b.der);
      if (d.ok) certs.push(d.cert);
      else why = `ca.crt holds an unreadable certificate: ${d.error}`;
    }
    if (why) out = { kind: 'unusable', target, node: value.node, why };
    else if (!certs.length) out = { kind: 'unusable', target, node: value.node, why: 'ca.crt holds no PEM certificate' };
    else out = { kind: 'found', target, node: value.node, certs };
  }
  cache.set(target, out);
  return out;
}

/**
 * The `validation.caCertificateRefs` of a BackendTLSPolicy, each followed to the ConfigMap
 * or Secret in the policy's own namespace (a LocalObjectReference) and its `ca.crt` read
 * (Gateway API BackendTLSPolicy: a ref that does not resolve, or a ConfigMap without
 * `ca.crt`, is an InvalidCACertificateRef).
 */
export function backendCaRefs(view: KubeView, policy: KubeResource): CaRef[] {
  const ns = view.namespaceOf(policy);
  return policy.spec
    .get('validation', 'caCertificateRefs')
    .items()
    .map((node) => {
      const refKind = node.get('kind').str() ?? '';
      const group = node.get('group').str() ?? '';
      const name = node.get('name').str() ?? '';
      let resolution: CaRefResolution = { kind: 'unknown' };
      if (group === '' && (refKind === 'ConfigMap' || refKind === 'Secret') && name && !isTemplated(name)) {
        const choice = view.lookup(refKind === 'ConfigMap' ? K.configMap : K.secret, ns, name);
        const target = choice.resource;
        if (target) resolution = target.templated ? { kind: 'unknown' } : readCa(target);
        else if (choice.ambiguous) resolution = { kind: 'ambiguous', candidates: choice.ambiguous };
        else if (view.hasWorkspace) resolution = { kind: 'missing' };
      }
      return { node, refKind, name, resolution };
    });
}

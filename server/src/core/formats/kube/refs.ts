import type { SubjectAltName } from '../../x509/certificate';
import type { KubeView } from '../../workspace/index';
import type { KubeResource } from './resources';
import { secretTls, type SecretTls } from './secrets';

/** Kind keys the rules look up. */
export const K = {
  secret: 'Secret',
  ingress: 'Ingress.networking.k8s.io',
  configMap: 'ConfigMap',
  certificate: 'Certificate.cert-manager.io',
  issuer: 'Issuer.cert-manager.io',
  clusterIssuer: 'ClusterIssuer.cert-manager.io',
  istioGateway: 'Gateway.networking.istio.io',
  destinationRule: 'DestinationRule.networking.istio.io',
  peerAuthentication: 'PeerAuthentication.security.istio.io',
  gateway: 'Gateway.gateway.networking.k8s.io',
  referenceGrant: 'ReferenceGrant.gateway.networking.k8s.io',
  pod: 'Pod',
  service: 'Service',
} as const;

/** What a Secret reference leads to. */
export type SecretResolution =
  | { kind: 'secret'; secret: KubeResource; tls: SecretTls }
  /** No Secret, but a cert-manager Certificate will write it: its dnsNames stand in. */
  | { kind: 'certificate'; certificate: KubeResource; sans: SubjectAltName[] }
  /** Made by something else in the workspace (ExternalSecret, SealedSecret): contents unknown. */
  | { kind: 'generated'; by: KubeResource }
  | { kind: 'missing' }
  /** No workspace index: other files are unknown. */
  | { kind: 'unknown' };

/** The names a cert-manager Certificate asks for (dnsNames, ipAddresses, commonName). */
export function certificateSans(cert: KubeResource): SubjectAltName[] {
  const sans: SubjectAltName[] = cert.spec.get('dnsNames').strings().map((s) => ({ type: 'DNS' as const, value: s.value }));
  for (const ip of cert.spec.get('ipAddresses').strings()) sans.push({ type: 'IP', value: ip.value });
  const cn = cert.spec.get('commonName').str();
  if (cn && !sans.some((s) => s.value === cn)) sans.push({ type: 'DNS', value: cn });
  return sans;
}

/** Certificates in `namespace` whose `spec.secretName` is `name`. */
export function certificatesFor(view: KubeView, namespace: string | undefined, name: string): KubeResource[] {
  return view.ofKind(K.certificate).filter((c) => view.namespaceOf(c) === namespace && c.spec.get('secretName').str() === name);
}

/** Follows a reference to a Secret through the file and the workspace. */
export function resolveSecret(view: KubeView, namespace: string | undefined, name: string): SecretResolution {
  const secret = view.find(K.secret, namespace, name);
  if (secret) return { kind: 'secret', secret, tls: secretTls(secret) };
  const cert = certificatesFor(view, namespace, name)[0];
  if (cert) return { kind: 'certificate', certificate: cert, sans: certificateSans(cert) };
  const generated =
    view.ofKind('ExternalSecret.external-secrets.io').find((r) => view.namespaceOf(r) === namespace && (r.spec.get('target', 'name').str() ?? r.name) === name) ??
    view.find('SealedSecret.bitnami.com', namespace, name);
  if (generated) return { kind: 'generated', by: generated };
  return view.hasWorkspace ? { kind: 'missing' } : { kind: 'unknown' };
}

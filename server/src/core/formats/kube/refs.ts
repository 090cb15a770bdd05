import type { SubjectAltName } from '../../x509/certificate';
import { choiceAssumption, type KubeView } from './workspace';
import { describeResource, resourceKindKey, type KubeResource } from './resources';
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
export type SecretResolution = (
  | { kind: 'secret'; secret: KubeResource; tls: SecretTls }
  /** No Secret, but a cert-manager Certificate will write it: its dnsNames stand in. */
  | { kind: 'certificate'; certificate: KubeResource; sans: SubjectAltName[] }
  /**
   * Made by an operator from something in the workspace (ExternalSecret, SealedSecret, a
   * cert-manager annotation on the referring Ingress or Gateway): contents unknown.
   */
  | { kind: 'generated'; by: KubeResource }
  /** Several definitions are equally near and differ: nothing is concluded. */
  | { kind: 'ambiguous'; candidates: readonly KubeResource[] }
  | { kind: 'missing' }
  /** No workspace index: other files are unknown. */
  | { kind: 'unknown' }
) & {
  /** What following the reference assumed (which of several definitions it used), for `Report.assumptions`. */
  assumptions?: string[];
};

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

/** Operators that write a Secret of their own name (or `target.name`) from a resource in the repository. */
const SECRET_GENERATORS = ['ExternalSecret.external-secrets.io', 'SealedSecret.bitnami.com'];

/**
 * The resources in the workspace that would write Secret `namespace/name`: an ExternalSecret
 * (its `target.name`, else its name) or SealedSecret in that namespace, or a
 * ClusterExternalSecret (`externalSecretSpec.target.name`, else `externalSecretName`, else its
 * name), which makes its ExternalSecret in the namespaces its selectors match — taken to
 * include this one, as the workspace cannot tell which namespaces carry the labels.
 */
export function secretGeneratorsFor(view: KubeView, namespace: string | undefined, name: string): KubeResource[] {
  const own = SECRET_GENERATORS.flatMap((k) => view.ofKind(k)).filter((r) => view.namespaceOf(r) === namespace && (r.spec.get('target', 'name').str() ?? r.name) === name);
  const cluster = view
    .ofKind(CLUSTER_EXTERNAL_SECRET)
    .filter((r) => (r.spec.get('externalSecretSpec', 'target', 'name').str() ?? r.spec.get('externalSecretName').str() ?? r.name) === name);
  return own.concat(cluster);
}

const CLUSTER_EXTERNAL_SECRET = 'ClusterExternalSecret.external-secrets.io';

/** Which provider kind wins among equally near ones: the Secret itself, then a Certificate that writes it, then a generator. */
const PROVIDER_ORDER = [K.secret, K.certificate, ...SECRET_GENERATORS, CLUSTER_EXTERNAL_SECRET];

/**
 * Follows a reference to a Secret through the file and the workspace. What provides it —
 * the Secret, a cert-manager Certificate whose `secretName` it is, an ExternalSecret or
 * SealedSecret — is looked up among every definition in the workspace, nearest the referring
 * file first (`KubeView.nearest`); among equally near providers the Secret wins, then a
 * Certificate, then a generator. Equally near providers of one kind that differ conclude nothing.
 */
export function resolveSecret(view: KubeView, namespace: string | undefined, name: string): SecretResolution {
  const providers = [...view.definitions(K.secret, namespace, name), ...certificatesFor(view, namespace, name), ...secretGeneratorsFor(view, namespace, name)];
  const near = view.nearest(providers);
  if (!near) return view.hasWorkspace ? { kind: 'missing' } : { kind: 'unknown' };
  const kind = PROVIDER_ORDER.find((k) => near.group.some((r) => resourceKindKey(r) === k))!;
  const choice = view.choose(near.group.filter((r) => resourceKindKey(r) === kind));
  const chosen = choice.resource;
  if (!chosen) return { kind: 'ambiguous', candidates: choice.ambiguous ?? near.group };
  const assumption = providers.length > 1 ? choiceAssumption({ ...choice, candidates: providers }, `Secret ${namespace ? `${namespace}/` : ''}${name}`) : undefined;
  const out: SecretResolution =
    kind === K.secret
      ? { kind: 'secret', secret: chosen, tls: secretTls(chosen) }
      : kind === K.certificate
        ? { kind: 'certificate', certificate: chosen, sans: certificateSans(chosen) }
        : { kind: 'generated', by: chosen };
  if (assumption) out.assumptions = [assumption];
  return out;
}

/** "Secret shop/web-tls (in a.yaml, b.yaml)" for a note about an ambiguous reference. */
export function describeCandidates(view: KubeView, candidates: readonly KubeResource[]): string {
  const files = [...new Set(candidates.map((c) => c.file))];
  const head = candidates[0] ? describeResource(candidates[0], view.namespaceOf(candidates[0])) : 'the object';
  return `${head}: ${candidates.length} equally near definitions differ (${files.slice(0, 3).join(', ')}${files.length > 3 ? `, … ${files.length} files` : ''})`;
}

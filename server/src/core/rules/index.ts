import { certChain } from './cert/chain';
import { certExpired } from './cert/expired';
import { certExpiring } from './cert/expiring';
import { certKeyMismatch } from './cert/key-mismatch';
import { certLifetime } from './cert/lifetime';
import { certMalformedExtension } from './cert/malformed-extension';
import { certContainer } from './cert/container';
import { certStructure } from './cert/structure';
import { certNoSan } from './cert/no-san';
import { certNotYetValid } from './cert/not-yet-valid';
import { certPrivateKeyCommitted } from './cert/private-key-committed';
import { certWeakKey } from './cert/weak-key';
import { certWeakSignature } from './cert/weak-signature';
import { certificateNameMismatch } from './nginx/certificate-name-mismatch';
import { staplingLetsencrypt } from './nginx/stapling-letsencrypt';
import { weakDhparam } from './nginx/weak-dhparam';
import { binaryFile } from './core/binary-file';
import { fileTooLarge } from './core/file-too-large';
import { internalError } from './core/internal-error';
import { unknownSuppression } from './core/unknown-suppression';
import { unusedSuppression } from './core/unused-suppression';
import { acmeSkipTlsVerify } from './certmanager/acme-skip-tls-verify';
import { dnsNamesMismatch } from './certmanager/dns-names-mismatch';
import { lifetime } from './certmanager/lifetime';
import { rotationNever } from './certmanager/rotation-never';
import { selfSignedPublic } from './certmanager/self-signed-public';
import { stagingIssuer } from './certmanager/staging-issuer';
import { weakKey } from './certmanager/weak-key';
import { keyAlgorithm } from './certmanager/key-algorithm';
import { backendTlsPolicy } from './gateway/backend-tls-policy';
import { backendCaRef } from './gateway/backend-ca-ref';
import { backendHostnameUncovered } from './gateway/backend-hostname-uncovered';
import { certificateExpired as gatewayCertificateExpired } from './gateway/certificate-expired';
import { certificateMismatch as gatewayApiCertificateMismatch } from './gateway/certificate-mismatch';
import { insecureFallback } from './gateway/insecure-fallback';
import { listenerNoCertificate } from './gateway/listener-no-certificate';
import { referenceNotPermitted } from './gateway/reference-not-permitted';
import { routeOnPassthrough } from './gateway/route-on-passthrough';
import { listenerHttpOnly } from './gateway/listener-http-only';
import { secretProblem } from './gateway/secret-problem';
import { defaultInboundPolicy } from './linkerd/default-inbound-policy';
import { disableIdentity } from './linkerd/disable-identity';
import { injectDisabled } from './linkerd/inject-disabled';
import { skipPorts } from './linkerd/skip-ports';
import { unauthenticatedAuthorization } from './linkerd/unauthenticated-authorization';
import { ingressRouteWithoutTls } from './traefik/ingressroute-without-tls';
import { sniStrict } from './traefik/sni-strict';
import { tlsOption } from './traefik/tls-option';
import { serversTransportInsecure } from './traefik/servers-transport-insecure';
import { backendInsecureSkipVerify } from './envoygateway/backend-insecure-skip-verify';
import { backendUnverified } from './ingress/backend-unverified';
import { certificateExpired } from './ingress/certificate-expired';
import { certificateMismatch } from './ingress/certificate-mismatch';
import { clientVerifyNoCa } from './ingress/client-verify-no-ca';
import { controllerConfig } from './ingress/controller-config';
import { hostWithoutTls } from './ingress/host-without-tls';
import { missingSecretName } from './ingress/missing-secret-name';
import { plaintextBackend } from './ingress/plaintext-backend';
import { secretInvalid } from './ingress/secret-invalid';
import { sslPassthrough } from './ingress/ssl-passthrough';
import { sslRedirectDisabled } from './ingress/ssl-redirect-disabled';
import { tlsHostUnused } from './ingress/tls-host-unused';
import { weakCiphers as ingressWeakCiphers } from './ingress/weak-ciphers';
import { weakProtocols as ingressWeakProtocols } from './ingress/weak-protocols';
import { destinationRuleNoCa } from './istio/destination-rule-no-ca';
import { disableUnderStrict } from './istio/disable-under-strict';
import { gatewayCertificateExpiring } from './istio/gateway-certificate-expiring';
import { gatewayCertificateMismatch } from './istio/gateway-certificate-mismatch';
import { gatewayCredentialInvalid } from './istio/gateway-credential-invalid';
import { gatewayDuplicateCertificate } from './istio/gateway-duplicate-certificate';
import { gatewayHttpNoRedirect } from './istio/gateway-http-no-redirect';
import { gatewayHttpOnly } from './istio/gateway-http-only';
import { gatewayMinProtocol } from './istio/gateway-min-protocol';
import { gatewayWeakCiphers } from './istio/gateway-weak-ciphers';
import { insecureSkipVerify } from './istio/insecure-skip-verify';
import { noMeshStrict } from './istio/no-mesh-strict';
import { peerAuthenticationMode } from './istio/peer-authentication-mode';
import { manifestLimits } from './kube/manifest-limits';
import { notInWorkspace } from './kube/not-in-workspace';
import { templateSkipped } from './kube/template-skipped';
import { yamlSyntax } from './kube/yaml-syntax';
import { defaultProtocols } from './nginx/default-protocols';
import { deprecatedListenHttp2 } from './nginx/deprecated-listen-http2';
import { earlyData } from './nginx/early-data';
import { ecdhCurve } from './nginx/ecdh-curve';
import { hstsDropped } from './nginx/hsts-dropped';
import { apacheNotChecked } from './apache/not-checked';
import { byteOrderMark } from './nginx/byte-order-mark';
import { includeNotFound } from './nginx/include-not-found';
import { listenSpdy } from './nginx/listen-spdy';
import { templateSkipped as nginxTemplateSkipped } from './nginx/template-skipped';
import { includeUnknown } from './nginx/include-unknown';
import { httpWithoutRedirect } from './nginx/http-without-redirect';
import { missingCertificate } from './nginx/missing-certificate';
import { missingHsts } from './nginx/missing-hsts';
import { obsoleteSslOn } from './nginx/obsolete-ssl-on';
import { plaintextUpstream } from './nginx/plaintext-upstream';
import { preferServerCiphers } from './nginx/prefer-server-ciphers';
import { sessionTickets } from './nginx/session-tickets';
import { staplingWithoutResolver } from './nginx/stapling-without-resolver';
import { nginxSyntax } from './nginx/syntax';
import { upstreamUnverified } from './nginx/upstream-unverified';
import { verifyClientNoCa } from './nginx/verify-client-no-ca';
import { weakCiphers } from './nginx/weak-ciphers';
import { weakProtocol } from './nginx/weak-protocol';
import { pemMalformed } from './pem/malformed';
import { policyInvalid } from './policy/invalid';
import { haproxyDefaultProtocols } from './haproxy/default-protocols';
import { haproxyHttpWithoutRedirect } from './haproxy/http-without-redirect';
import { haproxyIgnoredVersionOptions } from './haproxy/ignored-version-options';
import { haproxyMissingCertificate } from './haproxy/missing-certificate';
import { haproxyMissingHsts } from './haproxy/missing-hsts';
import { haproxyServerNoSni } from './haproxy/server-no-sni';
import { haproxyServerUnverified } from './haproxy/server-unverified';
import { haproxySyntax } from './haproxy/syntax';
import { haproxyWeakCiphers } from './haproxy/weak-ciphers';
import { haproxyWeakDh } from './haproxy/weak-dh';
import { haproxyWeakProtocol } from './haproxy/weak-protocol';
import { PROBE_RULE_LIST } from './probe';
import type { Rule, RuleMeta } from './rule';

/** Every rule that checks documents, in the order they run. */
export const RULES: readonly Rule[] = [
  nginxSyntax,
  nginxTemplateSkipped,
  byteOrderMark,
  listenSpdy,
  weakProtocol,
  defaultProtocols,
  weakCiphers,
  preferServerCiphers,
  missingCertificate,
  missingHsts,
  hstsDropped,
  httpWithoutRedirect,
  upstreamUnverified,
  plaintextUpstream,
  sessionTickets,
  staplingWithoutResolver,
  obsoleteSslOn,
  deprecatedListenHttp2,
  earlyData,
  ecdhCurve,
  verifyClientNoCa,
  weakDhparam,
  staplingLetsencrypt,
  certificateNameMismatch,
  // After every rule that judges effective values: they report what unread includes hid.
  includeNotFound,
  includeUnknown,
  pemMalformed,
  certExpired,
  certNotYetValid,
  certExpiring,
  certLifetime,
  certWeakKey,
  certWeakSignature,
  certNoSan,
  certChain,
  certKeyMismatch,
  certPrivateKeyCommitted,
  certMalformedExtension,
  certStructure,
  certContainer,
  policyInvalid,
  apacheNotChecked,
  templateSkipped,
  yamlSyntax,
  hostWithoutTls,
  tlsHostUnused,
  missingSecretName,
  certificateMismatch,
  certificateExpired,
  secretInvalid,
  sslRedirectDisabled,
  plaintextBackend,
  backendUnverified,
  sslPassthrough,
  clientVerifyNoCa,
  ingressWeakCiphers,
  ingressWeakProtocols,
  controllerConfig,
  peerAuthenticationMode,
  noMeshStrict,
  destinationRuleNoCa,
  insecureSkipVerify,
  disableUnderStrict,
  gatewayCredentialInvalid,
  gatewayCertificateMismatch,
  gatewayCertificateExpiring,
  gatewayDuplicateCertificate,
  gatewayMinProtocol,
  gatewayWeakCiphers,
  gatewayHttpNoRedirect,
  gatewayHttpOnly,
  listenerNoCertificate,
  referenceNotPermitted,
  secretProblem,
  gatewayApiCertificateMismatch,
  gatewayCertificateExpired,
  insecureFallback,
  backendTlsPolicy,
  backendCaRef,
  backendHostnameUncovered,
  routeOnPassthrough,
  listenerHttpOnly,
  weakKey,
  keyAlgorithm,
  lifetime,
  rotationNever,
  dnsNamesMismatch,
  stagingIssuer,
  acmeSkipTlsVerify,
  selfSignedPublic,
  injectDisabled,
  skipPorts,
  disableIdentity,
  defaultInboundPolicy,
  unauthenticatedAuthorization,
  tlsOption,
  sniStrict,
  ingressRouteWithoutTls,
  serversTransportInsecure,
  backendInsecureSkipVerify,
  notInWorkspace,
  haproxySyntax,
  haproxyWeakProtocol,
  haproxyIgnoredVersionOptions,
  haproxyDefaultProtocols,
  haproxyWeakCiphers,
  haproxyMissingCertificate,
  haproxyServerUnverified,
  haproxyServerNoSni,
  haproxyMissingHsts,
  haproxyHttpWithoutRedirect,
  haproxyWeakDh,
  // Last: it reports the aliases the other Kubernetes rules could not follow.
  manifestLimits,
];

/**
 * Rules that judge certificate material wherever it is (the `cert/` area), so they also run
 * on every registered format (`formats/registry.ts`), on the files it names
 * (`RuleContext.namedMaterial`).
 */
export const FORMAT_NEUTRAL_RULES: ReadonlySet<Rule> = new Set(RULES.filter((r) => r.id.startsWith('cert/')));

/** Notices the engine itself reports; documented like rules and configurable like them. */
export const ENGINE_NOTICES = { fileTooLarge, binaryFile, internalError, unusedSuppression, unknownSuppression } as const;

/** Every rule id a user can name in a policy, with its metadata. */
export const ALL_RULES: readonly RuleMeta[] = [...RULES, ...Object.values(ENGINE_NOTICES), ...PROBE_RULE_LIST];

export const RULE_IDS: ReadonlySet<string> = new Set(ALL_RULES.map((r) => r.id));

/** The repository-relative path of a rule's documentation page. */
export function ruleDocPath(id: string): string {
  return `docs/rules/${id}.md`;
}
export { formatContext, type FormatAccessors } from './formatContext';

import { certChain } from './cert/chain';
import { certExpired } from './cert/expired';
import { certExpiring } from './cert/expiring';
import { certKeyMismatch } from './cert/key-mismatch';
import { certLifetime } from './cert/lifetime';
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
import { defaultProtocols } from './nginx/default-protocols';
import { deprecatedListenHttp2 } from './nginx/deprecated-listen-http2';
import { earlyData } from './nginx/early-data';
import { ecdhCurve } from './nginx/ecdh-curve';
import { hstsDropped } from './nginx/hsts-dropped';
import { includeNotFound } from './nginx/include-not-found';
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
import { PROBE_RULE_LIST } from './probe';
import type { Rule, RuleMeta } from './rule';

/** Every rule that checks documents, in the order they run. */
export const RULES: readonly Rule[] = [
  nginxSyntax,
  includeNotFound,
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
  policyInvalid,
];

/** Notices the engine itself reports; documented like rules and configurable like them. */
export const ENGINE_NOTICES = { fileTooLarge, binaryFile, internalError, unusedSuppression, unknownSuppression } as const;

/** Every rule id a user can name in a policy, with its metadata. */
export const ALL_RULES: readonly RuleMeta[] = [...RULES, ...Object.values(ENGINE_NOTICES), ...PROBE_RULE_LIST];

export const RULE_IDS: ReadonlySet<string> = new Set(ALL_RULES.map((r) => r.id));

/** The repository-relative path of a rule's documentation page. */
export function ruleDocPath(id: string): string {
  return `docs/rules/${id}.md`;
}

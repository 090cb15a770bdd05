import { weakProtocol } from './weak-protocol';
import { weakCipher } from './weak-cipher';
import { noForwardSecrecy } from './no-forward-secrecy';
import { untrustedChain } from './untrusted-chain';
import { certificateExpiry } from './certificate-expiry';
import { weakCertificate } from './weak-certificate';
import { hostnameMismatch } from './hostname-mismatch';
import { missingHsts } from './missing-hsts';
import { ocspStaple } from './ocsp-staple';
import { incomplete } from './incomplete';
import { certificateDiffers } from './certificate-differs';
import { heartbleed } from './heartbleed';
import { tlsCompression } from './tls-compression';
import { ccsInjection } from './ccs-injection';
import { insecureRenegotiation } from './insecure-renegotiation';
import { clientRenegotiation } from './client-renegotiation';
import { fallbackScsv } from './fallback-scsv';
import { unreachable } from './unreachable';
import type { RuleMeta } from '../rule';

/** Findings about live endpoints: no document to check, so RuleMetas only (documented and configurable like every rule). */
export const PROBE_RULES = {
  weakProtocol,
  weakCipher,
  noForwardSecrecy,
  untrustedChain,
  certificateExpiry,
  weakCertificate,
  hostnameMismatch,
  missingHsts,
  ocspStaple,
  incomplete,
  certificateDiffers,
  unreachable,
  heartbleed,
  tlsCompression,
  ccsInjection,
  insecureRenegotiation,
  clientRenegotiation,
  fallbackScsv,
} as const;

export const PROBE_RULE_LIST: readonly RuleMeta[] = Object.values(PROBE_RULES);

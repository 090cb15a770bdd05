import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const untrustedChain: RuleMeta = {
  id: 'probe/untrusted-chain',
  title: 'The certificate chain does not verify to a trusted root',
  defaultSeverity: 'error',
  formats: [],
};

import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const certificateExpiry: RuleMeta = {
  id: 'probe/certificate-expiry',
  title: 'A certificate of the live chain has expired, is not yet valid or expires soon',
  defaultSeverity: 'warning',
  formats: [],
};

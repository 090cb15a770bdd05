import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const missingHsts: RuleMeta = {
  id: 'probe/missing-hsts',
  title: 'The HTTPS answer has no valid Strict-Transport-Security header, or a short max-age',
  defaultSeverity: 'warning',
  formats: [],
};

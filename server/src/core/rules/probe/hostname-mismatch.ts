import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const hostnameMismatch: RuleMeta = {
  id: 'probe/hostname-mismatch',
  title: 'The certificate does not cover the host name',
  defaultSeverity: 'error',
  formats: [],
};

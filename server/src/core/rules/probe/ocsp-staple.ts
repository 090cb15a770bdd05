import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const ocspStaple: RuleMeta = {
  id: 'probe/ocsp-staple',
  title: 'No OCSP staple, or a staple that is revoked, stale or for another certificate',
  defaultSeverity: 'info',
  formats: [],
};

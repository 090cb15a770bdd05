import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const fallbackScsv: RuleMeta = {
  id: 'probe/fallback-scsv',
  title: 'The server does not refuse a downgrade signalled by TLS_FALLBACK_SCSV (RFC 7507)',
  defaultSeverity: 'warning',
  formats: [],
};

import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const clientRenegotiation: RuleMeta = {
  id: 'probe/client-renegotiation',
  title: 'The server lets clients start a renegotiation',
  defaultSeverity: 'warning',
  formats: [],
};

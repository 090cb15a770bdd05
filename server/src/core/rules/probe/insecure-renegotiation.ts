import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const insecureRenegotiation: RuleMeta = {
  id: 'probe/insecure-renegotiation',
  title: 'The server does not support secure renegotiation (RFC 5746)',
  defaultSeverity: 'warning',
  formats: [],
};

import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const weakProtocol: RuleMeta = {
  id: 'probe/weak-protocol',
  title: 'The server accepts a protocol version the profile does not allow',
  defaultSeverity: 'warning',
  formats: [],
};

import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const noForwardSecrecy: RuleMeta = {
  id: 'probe/no-forward-secrecy',
  title: 'The server accepts suites without forward secrecy',
  defaultSeverity: 'warning',
  formats: [],
};

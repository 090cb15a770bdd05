import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const incomplete: RuleMeta = {
  id: 'probe/incomplete',
  title: 'A part of the probe could not be run',
  defaultSeverity: 'info',
  formats: [],
};

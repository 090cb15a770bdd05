import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const heartbleed: RuleMeta = {
  id: 'probe/heartbleed',
  title: 'The server answers a heartbeat request longer than its payload (Heartbleed, CVE-2014-0160)',
  defaultSeverity: 'error',
  formats: [],
};

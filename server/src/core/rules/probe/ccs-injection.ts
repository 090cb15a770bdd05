import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const ccsInjection: RuleMeta = {
  id: 'probe/ccs-injection',
  title: 'The server takes a ChangeCipherSpec before the key exchange (CVE-2014-0224)',
  defaultSeverity: 'error',
  formats: [],
};

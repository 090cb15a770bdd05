import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const tlsCompression: RuleMeta = {
  id: 'probe/tls-compression',
  title: 'The server compresses TLS records (CRIME, CVE-2012-4929)',
  defaultSeverity: 'warning',
  formats: [],
};

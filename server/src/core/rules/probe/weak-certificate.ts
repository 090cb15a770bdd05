import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const weakCertificate: RuleMeta = {
  id: 'probe/weak-certificate',
  title: 'A certificate of the live chain has a small key or a SHA-1/MD5 signature',
  defaultSeverity: 'warning',
  formats: [],
};

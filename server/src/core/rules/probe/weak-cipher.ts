import type { RuleMeta } from '../rule';

/** Judged on a live endpoint by core/probe/verdicts.ts (`tls-lens probe`, TLS Lens: Probe Endpoint…). */
export const weakCipher: RuleMeta = {
  id: 'probe/weak-cipher',
  title: 'The server accepts weak cipher suites (NULL, anonymous, export, RC4, 64-bit block, MD5, CBC beyond the profile)',
  defaultSeverity: 'warning',
  formats: [],
};

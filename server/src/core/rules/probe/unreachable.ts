import type { RuleMeta } from '../rule';

/** Raised by core/probe/fleet/findings.ts for a fleet endpoint that could not be probed (`tls-lens merge`). */
export const unreachable: RuleMeta = {
  id: 'probe/unreachable',
  title: 'An endpoint of the fleet could not be probed',
  defaultSeverity: 'error',
  formats: [],
};

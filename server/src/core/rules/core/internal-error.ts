import type { RuleMeta } from '../rule';

/** Reported by the engine when a rule fails on a file, so the failure is visible instead of silent. */
export const internalError: RuleMeta = {
  id: 'core/internal-error',
  title: 'A check failed on this file',
  defaultSeverity: 'error',
  formats: [],
};

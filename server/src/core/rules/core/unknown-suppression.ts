import type { RuleMeta } from '../rule';

/** Reported by the engine for a `tls-lens-disable-…` comment naming a rule that does not exist (or none). */
export const unknownSuppression: RuleMeta = {
  id: 'core/unknown-suppression',
  title: 'A suppression comment names an unknown rule',
  defaultSeverity: 'warning',
  formats: [],
};

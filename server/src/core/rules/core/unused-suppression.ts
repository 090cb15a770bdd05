import type { RuleMeta } from '../rule';

/** Reported by the engine for a `tls-lens-disable-…` comment (or one rule id in it) that silences nothing. */
export const unusedSuppression: RuleMeta = {
  id: 'core/unused-suppression',
  title: 'A suppression comment silences nothing',
  defaultSeverity: 'warning',
  formats: [],
};

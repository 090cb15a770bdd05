import type { RuleMeta } from '../rule';

/** Reported by the engine (before reading content) for files over the size cap. */
export const fileTooLarge: RuleMeta = {
  id: 'core/file-too-large',
  title: 'File is larger than the size cap and was not linted',
  defaultSeverity: 'info',
  formats: [],
};

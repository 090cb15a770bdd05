import type { RuleMeta } from '../rule';

/** Reported by the engine for a file that should be text (by its name) but holds binary data. */
export const binaryFile: RuleMeta = {
  id: 'core/binary-file',
  title: 'File holds binary data and was not linted',
  defaultSeverity: 'info',
  formats: [],
};

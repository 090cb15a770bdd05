import type { Rule } from '../rule';
import { range } from '../../text';

/**
 * What a binary certificate container (DER, PKCS#7, PKCS#12, JKS/JCEKS) does not let TLS Lens
 * read: a file that does not parse (error), a password that does not open it (warning), and
 * parts left closed, such as the encrypted certificates of a PKCS#12 file without a password
 * (one note saying what was skipped and how to supply the password). Located at the file's start.
 */
export const certContainer: Rule = {
  id: 'cert/container',
  title: 'Certificate container that cannot be read in full',
  defaultSeverity: 'warning',
  formats: ['container'],
  check(ctx) {
    const container = ctx.container();
    if (!container) return;
    for (const note of container.notes) {
      if (note.detailsOnly) continue;
      ctx.report({ range: range(0, 0, 0, 0), message: `${container.title}: ${note.message}`, severity: note.severity });
    }
    // A lone DER certificate that does not decode says why (as pem/malformed does for PEM).
    for (const s of ctx.materialSites()) {
      if (s.problem && s.encoding === 'der') ctx.report({ range: range(0, 0, 0, 0), message: `${container.title}: ${s.problem.message}`, severity: 'error' });
    }
  },
};

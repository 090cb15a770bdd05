/** The Check Workspace notification's sentence. No vscode import: unit-tested in plain Node. */
import { plural, severityCounts, type CheckWorkspaceResult } from '../../server/src/shared/protocol';

export function summarize(r: CheckWorkspaceResult): string {
  const total = r.findings.error + r.findings.warning + r.findings.info + r.findings.hint;
  const head = r.cancelled ? 'TLS Lens: check cancelled;' : 'TLS Lens:';
  const errors = r.errors.length ? ` ${plural(r.errors.length, 'path')} could not be read (see Output).` : '';
  return `${head} ${plural(total, 'finding')} (${severityCounts(r.findings)}) in ${r.filesWithFindings} of ${plural(r.filesChecked, 'file')} checked.${errors}`;
}

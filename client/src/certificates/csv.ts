/**
 * The inventory export: CSV (RFC 4180 quoting; cells that a spreadsheet would run as a
 * formula are prefixed with an apostrophe) or JSON. Pure: no `vscode` import.
 */
import type { InventoryEntry } from '../../../server/src/shared/protocol';

export const CSV_COLUMNS = ['file', 'line', 'kind', 'label', 'container', 'chain', 'status', 'commonName', 'subject', 'issuer', 'sans', 'notBefore', 'notAfter', 'daysLeft', 'sha256', 'keyAlgorithm', 'error'] as const;

function cell(v: string | number | undefined): string {
  if (v === undefined) return '';
  let s = String(v);
  // A cell starting with = + - @ (or a tab/CR) is a formula in spreadsheets: keep it text.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per certificate or key; `file` as the caller wants it shown (e.g. workspace-relative). */
export function inventoryCsv(entries: ReadonlyArray<InventoryEntry>, fileLabel: (e: InventoryEntry) => string = (e) => e.file): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const e of entries) {
    const c = e.kind === 'certificate' ? e : undefined;
    const values: Record<(typeof CSV_COLUMNS)[number], string | number | undefined> = {
      file: fileLabel(e),
      line: e.range.start.line + 1,
      kind: e.kind,
      label: e.label,
      container: e.container,
      chain: c?.chain && c.chain.size > 1 ? `${c.chain.index + 1}/${c.chain.size}` : undefined,
      status: c ? c.status : undefined,
      commonName: c?.commonName,
      subject: c?.subject,
      issuer: c?.issuer,
      sans: c?.sans?.join(' '),
      notBefore: c?.notBefore,
      notAfter: c?.notAfter,
      daysLeft: c?.daysLeft,
      sha256: c?.sha256,
      keyAlgorithm: e.kind === 'key' ? e.algorithm : undefined,
      error: c?.error,
    };
    rows.push(CSV_COLUMNS.map((k) => cell(values[k])).join(','));
  }
  return rows.join('\r\n') + '\r\n';
}

export function inventoryJson(entries: ReadonlyArray<InventoryEntry>, fileLabel: (e: InventoryEntry) => string = (e) => e.file): string {
  return JSON.stringify({ version: 1, entries: entries.map((e) => ({ ...e, file: fileLabel(e), uri: undefined })) }, null, 2) + '\n';
}

/**
 * Strict-Transport-Security header parsing, by RFC 6797 §6.1: directives separated by `;`,
 * names case-insensitive, `max-age` required (a quoted value allowed), `includeSubDomains`
 * and the `preload` token of the hstspreload.org submission rules; a directive given twice
 * makes the header invalid (§6.1, "MUST NOT appear more than once").
 */
export interface HstsHeader {
  present: boolean;
  maxAge?: number;
  includeSubDomains?: boolean;
  preload?: boolean;
  raw?: string;
  /** Why the header is not valid (missing max-age, a repeated directive); browsers then ignore it. */
  invalid?: string;
}

export function parseHsts(raw: string | undefined): HstsHeader {
  if (raw === undefined) return { present: false };
  const out: HstsHeader = { present: true, raw, includeSubDomains: false, preload: false };
  const seen = new Set<string>();
  for (const part of raw.split(';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (seen.has(name)) out.invalid ??= `the ${name} directive appears more than once`;
    seen.add(name);
    if (name === 'max-age') {
      if (value !== undefined && /^\d+$/.test(value)) out.maxAge = Number(value);
      else out.invalid ??= `max-age has no valid number (${value ?? 'no value'})`;
    } else if (name === 'includesubdomains') out.includeSubDomains = true;
    else if (name === 'preload') out.preload = true;
  }
  if (out.maxAge === undefined) out.invalid ??= 'max-age is missing';
  return out;
}

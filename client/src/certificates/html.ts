/**
 * The details view's page: static HTML (no script), every value escaped, colours from the
 * editor theme's CSS variables, and a Content-Security-Policy that allows only the one
 * inline style carrying the nonce. Pure: no `vscode` import, so unit tests can render it.
 */
import type { CertificateDetails, CertificateDetailsItem } from '../../../server/src/shared/protocol';
import { SHARED_STYLE, escapeHtml, valueHtml } from '../webview';

export { escapeHtml };

const STYLE = `
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 16px; }
  h1 { font-size: 1.3em; font-weight: 600; margin: 16px 0 4px; }
  .where { color: var(--vscode-descriptionForeground); margin-bottom: 12px; overflow-wrap: anywhere; }
  section { border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); border-radius: 4px; padding: 8px 12px; margin: 12px 0; }
  section.focus { border-color: var(--vscode-focusBorder); }
  h2 { font-size: 1.1em; font-weight: 600; margin: 4px 0 8px; }
  .status { font-size: 0.9em; padding: 1px 6px; border-radius: 8px; margin-left: 6px; border: 1px solid currentColor; }
  .level-ok { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
  .level-warning { color: var(--vscode-editorWarning-foreground); }
  .level-error { color: var(--vscode-errorForeground); }
  table { border-collapse: collapse; width: 100%; }
  th { text-align: left; vertical-align: top; font-weight: normal; color: var(--vscode-descriptionForeground); padding: 2px 12px 2px 0; white-space: nowrap; width: 1%; }
  td { padding: 2px 0; overflow-wrap: anywhere; }
  td code, td li { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
  ul { margin: 0; padding-left: 16px; }
  .note { color: var(--vscode-descriptionForeground); font-style: italic; }
${SHARED_STYLE}`;

/** Entries read from a binary file's bytes have no line. */
const BINARY_ENCODINGS: ReadonlySet<string> = new Set(['der', 'pkcs7', 'pkcs12', 'jks', 'jceks']);

function statusText(item: CertificateDetailsItem): { text: string; level: string } {
  const e = item.entry;
  if (e.kind === 'key') return { text: 'private key', level: 'ok' };
  const words: Record<string, string> = { ok: 'valid', expiring: 'expiring', expired: 'expired', 'not-yet-valid': 'not yet valid', invalid: 'unreadable' };
  return { text: words[e.status] ?? e.status, level: e.level };
}

function section(item: CertificateDetailsItem, focused: boolean): string {
  const e = item.entry;
  const { text, level } = statusText(item);
  const position = e.kind === 'certificate' && e.chain && e.chain.size > 1 ? `${e.chain.index + 1} of ${e.chain.size} · ` : '';
  const rows = item.facts.map((f) => {
    const value = f.items && f.items.length > 1 ? `<ul>${f.items.map((i) => `<li>${valueHtml(i)}</li>`).join('')}</ul>` : valueHtml(f.value);
    return `<tr><th>${escapeHtml(f.label)}</th><td>${value}</td></tr>`;
  });
  let body: string;
  if (e.kind === 'key') body = `<p class="note">${escapeHtml(e.label)}: algorithm and size only. TLS Lens never shows key material.</p>${rows.length ? `<table>${rows.join('')}</table>` : ''}`;
  else if (e.status === 'invalid') body = `<p class="level-error">${escapeHtml(e.error ?? 'unreadable certificate')}</p>`;
  else body = `<table>${rows.join('')}</table>`;
  return (
    `<section class="${focused ? 'focus' : ''}">` +
    `<h2>${escapeHtml(position)}${escapeHtml(e.title)}<span class="status level-${escapeHtml(level)}">${escapeHtml(text)}</span></h2>` +
    `<div class="where">${escapeHtml(e.label)}${e.container ? ` · ${escapeHtml(e.container)}` : ''}${BINARY_ENCODINGS.has(e.encoding) ? '' : ` · line ${e.range.start.line + 1}`}</div>` +
    body +
    `</section>`
  );
}

/** The whole page for a bundle's details. Nothing is loaded, so the policy needs no `webview.cspSource`. */
export function detailsHtml(details: CertificateDetails, fileLabel: string, nonce: string): string {
  if (!/^[A-Za-z0-9+/=]+$/.test(nonce)) throw new Error('the nonce must be base64');
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'none'; script-src 'none'; font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'`;
  const heading = details.container ?? fileLabel;
  const count = details.items.length;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="UTF-8">',
    // The policy holds only constants and the base64 nonce: nothing to escape in a double-quoted attribute.
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<title>${escapeHtml(heading)}</title>`,
    `<style nonce="${escapeHtml(nonce)}">${STYLE}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(heading)}</h1>`,
    `<div class="where">${details.container ? `${escapeHtml(fileLabel)} · ` : ''}${count} item${count === 1 ? '' : 's'}: certificates in file order${details.items.some((i) => i.entry.kind === 'key') ? ', private keys by algorithm only' : ''}</div>`,
    // A binary container's notes: encrypted parts not opened, how its password is supplied, its integrity.
    ...(details.notes ?? []).map((n) => `<p class="${n.severity === 'info' ? 'note' : `level-${n.severity}`}">${escapeHtml(n.message)}</p>`),
    ...details.items.map((item, i) => section(item, i === details.focus)),
    '</body></html>',
  ].join('\n');
}

/**
 * What the extension's webview pages share: escaping, how a fact's value is written (hex
 * bytes break only between bytes), and the styles that keep them readable in every theme.
 * No vscode import: the pages are unit-tested in plain Node.
 */
import { escapeHtml } from '../../server/src/shared/escape';

/** Escapes text for HTML content and quoted attribute values, control characters too (the core's one escaper, `core/escape.ts`). */
export { escapeHtml };

/** Colon-separated hex bytes (fingerprints, key ids): `AB:CD:…`. */
const HEX_BYTES = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})+$/;
/** Hex bytes written together (serial numbers): an even number of digits, 16 or more. */
const HEX_RUN = /^(?:[0-9A-F]{2}){8,}$/;

/**
 * A fact's value as HTML: hex bytes in a `hex` span that may break only between bytes (a
 * `<wbr>` after each colon, or every two digits of a serial; never inside a byte); anything
 * else escaped.
 */
export function valueHtml(value: string): string {
  if (HEX_BYTES.test(value)) return `<span class="hex">${value.split(':').map(escapeHtml).join(':<wbr>')}</span>`;
  if (HEX_RUN.test(value)) return `<span class="hex">${value.match(/../g)!.join('<wbr>')}</span>`;
  return escapeHtml(value);
}

/**
 * Styles both pages use. Code chips (`code`, cipher suite names) get room between lines: the
 * webview's own style gives them a background and 1px padding, and in dark and high-contrast
 * themes (an opaque background) the chip below would paint over the underscores of the one
 * above. Buttons get a border in high contrast (`contrastBorder`, else `button.border`).
 */
export const SHARED_STYLE = `
  code { line-height: 1.5; }
  ul.suites { list-style: none; margin: 0; padding: 0; }
  ul.suites li { margin: 0 0 3px; line-height: 1.6; }
  ul.suites code { display: inline-block; padding: 0 4px; line-height: 1.45; }
  .hex { font-family: var(--vscode-editor-font-family); overflow-wrap: normal; word-break: normal; }
  button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, var(--vscode-contrastBorder, transparent)); padding: .35em .9em; cursor: pointer; margin-right: .5em; }
  button:hover { background: var(--vscode-button-hoverBackground); }
  button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
`;

/**
 * Text that reaches a terminal, a log, a hover or a web page without its control characters.
 * Certificates, manifests and server answers are written by others: a subject
 * `CN=esc\x1b[31mtest` or a SAN with an OSC sequence (`\x1b]0;…\x07`) must not recolour a
 * terminal, retitle a window, or break a line of CI output into a forged one. Like OpenSSL's
 * `esc_ctrl` (ASN1_STRFLGS_ESC_CTRL), each such character is shown as an escape: C0 controls,
 * DEL and C1 controls as `\x1b`, Unicode's invisible direction and line-separator controls
 * (Trojan-source style reordering) as `\u202e`. Everything else, backslashes included, is kept.
 * Applying it twice changes nothing.
 *
 * The core applies it where text leaves it (the decoder's certificate text, every finding
 * message, the inventory and details records, hover Markdown, the text reports); the fronts
 * share those outputs and add no escaping of their own.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const CONTROLS = new RegExp(CONTROL.source, 'g');

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function escapeControls(s: string): string {
  return CONTROL.test(s) ? s.replace(CONTROLS, escapeOne) : s;
}

/** Whether a text holds a character `escapeControls` would escape. */
export function hasControls(s: string): boolean {
  return CONTROL.test(s);
}

/**
 * Bytes meant to be ASCII (an IA5String: DNS names, e-mail addresses, URIs) as text: ASCII
 * printable characters as they are, every other byte as `\xNN`, so a non-ASCII byte is never
 * shown as Latin-1 mojibake.
 */
export function asciiOrEscaped(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return s;
}

/**
 * Text for HTML element content and quoted attribute values (the webviews): entities for
 * `& < > " '`, and control characters escaped as everywhere else.
 */
export function escapeHtml(s: string): string {
  return escapeControls(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

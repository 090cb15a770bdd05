/**
 * The core's escaper for what reaches a web page (`core/escape.ts`): the webviews use it, so
 * the editor escapes exactly as the CLI and the hovers do. A pure module: the client bundle
 * takes it alone.
 */
export { escapeControls, escapeHtml } from '../core/escape';

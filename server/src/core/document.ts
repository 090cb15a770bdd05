import type { FormatKind } from './formats/detect';
import { LineIndex } from './text';

/** A text document as the core sees it: a name, its text, and the editor's language id if any. */
export class TextDoc {
  private index: LineIndex | undefined;

  constructor(
    /** A file path (CLI) or a path derived from a URI (server); used in findings and for format detection. */
    readonly file: string,
    readonly text: string,
    readonly languageId?: string,
    /** What the caller knows the document is, overriding detection (e.g. a policy file under another name). */
    readonly format?: FormatKind,
    /** The file's real path when `file` is a display name (the CLI's relative names): parses are shared under it. */
    readonly source?: string,
  ) {}

  /** Uses an index already built for this very text (by a cached parse) instead of building one. */
  adoptLines(lines: LineIndex): void {
    this.index ??= lines;
  }

  get lines(): LineIndex {
    return (this.index ??= new LineIndex(this.text));
  }
}

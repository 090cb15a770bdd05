import { LineIndex } from './text';

/** A text document as the core sees it: a name, its text, and the editor's language id if any. */
export class TextDoc {
  private index: LineIndex | undefined;

  constructor(
    /** A file path (CLI) or a path derived from a URI (server); used in findings and for format detection. */
    readonly file: string,
    readonly text: string,
    readonly languageId?: string,
  ) {}

  get lines(): LineIndex {
    return (this.index ??= new LineIndex(this.text));
  }
}

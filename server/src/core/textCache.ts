/**
 * The latest entry (a parse) per file or document name, least recently used first, bounded by
 * how many there are and by the length of the texts they hold. Keyed by name, not by text: V8
 * hashes long strings by their length only, so texts as keys would make every lookup compare
 * whole texts of equal length.
 */
export class TextCache<E extends { readonly text: string }> {
  private readonly byName = new Map<string, E>();
  private chars = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  get(name: string): E | undefined {
    return this.byName.get(name);
  }

  /** Stores `entry` as `name`'s, the most recently used; the least recently used go beyond the bounds. */
  set(name: string, entry: E): void {
    this.delete(name);
    this.byName.set(name, entry);
    this.chars += entry.text.length;
    while (this.byName.size > this.maxEntries || (this.chars > this.maxChars && this.byName.size > 1)) {
      const [oldest] = this.byName.keys();
      this.delete(oldest!);
    }
  }

  delete(name: string): void {
    const old = this.byName.get(name);
    if (!old) return;
    this.byName.delete(name);
    this.chars -= old.text.length;
  }

  clear(): void {
    this.byName.clear();
    this.chars = 0;
  }
}

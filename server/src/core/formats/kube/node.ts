import type * as Yaml from 'yaml';
import type { LineIndex, Range } from '../../text';
import { YAML_MAX_ALIAS_COUNT, nodeRange, yaml } from '../yaml/documents';

/** Aliases resolved per file before TLS Lens stops following them (alias bombs). */
export const MAX_ALIAS_RESOLUTIONS = 1000;

/** Shared per file: how many aliases were followed, and whether the limit was hit. */
export interface AliasBudget {
  used: number;
  exceeded: boolean;
}

/**
 * A read-only view of one node of a Kubernetes manifest with its exact range. Missing
 * fields are views too (`exists` false) whose range falls back to the nearest written
 * ancestor's key, so a rule can always say where to look. Aliases are followed within a
 * per-file budget; nothing is ever expanded as a whole.
 */
export class KNode {
  constructor(
    readonly node: Yaml.Node | null | undefined,
    private readonly lines: LineIndex,
    private readonly doc: Yaml.Document.Parsed,
    private readonly budget: AliasBudget,
    /** The key this node is the value of, when reached through a mapping. */
    readonly keyNode?: Yaml.Node,
    /** Where a missing node points: a range, or the node it was looked up in (its key, else its value). */
    private readonly fallback?: Range | KNode,
  ) {}

  get exists(): boolean {
    return this.node !== null && this.node !== undefined && !(yaml().isScalar(this.node) && this.node.value === null && !this.keyNode);
  }

  /** Present as a key in its mapping (even with an empty value). */
  get present(): boolean {
    return this.keyNode !== undefined || (this.node !== null && this.node !== undefined);
  }

  /** The value's range; for a missing node, the nearest written ancestor's key. */
  get range(): Range {
    if (this.node && this.node.range) return nodeRange(this.lines, this.node);
    if (this.keyNode) return nodeRange(this.lines, this.keyNode);
    const f = this.fallback;
    return f === undefined ? this.lines.rangeOf(0, 0) : f instanceof KNode ? f.keyRange : f;
  }

  /** The key's range when reached through a mapping, else the value's. */
  get keyRange(): Range {
    return this.keyNode ? nodeRange(this.lines, this.keyNode) : this.range;
  }

  /** A one-line place to report at: a scalar's value, else its key. */
  get at(): Range {
    const r = this.node && yaml().isScalar(this.node) ? this.range : this.keyRange;
    if (r.start.line === r.end.line) return r;
    const text = this.lines.lineText(r.start.line);
    return { start: r.start, end: { line: r.start.line, character: text.trimEnd().length } };
  }

  private resolved(): Yaml.Node | null | undefined {
    const y = yaml();
    let n = this.node;
    for (let i = 0; i < 8 && n && y.isAlias(n); i++) {
      if (++this.budget.used > MAX_ALIAS_RESOLUTIONS) {
        this.budget.exceeded = true;
        return undefined;
      }
      n = n.resolve(this.doc);
    }
    return n && y.isAlias(n) ? undefined : n;
  }

  /** The value at a path of mapping keys and sequence indexes. */
  get(...path: Array<string | number>): KNode {
    const y = yaml();
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walking down
    let cur: KNode = this;
    for (const key of path) {
      const n = cur.resolved();
      // A missing child points at `cur`'s key, else its value (computed only if asked).
      const fallback = cur;
      if (typeof key === 'number') {
        const item = y.isSeq(n) ? (n.items[key] as Yaml.Node | undefined) : undefined;
        cur = new KNode(item, this.lines, this.doc, this.budget, undefined, fallback);
        continue;
      }
      let found: KNode | undefined;
      if (y.isMap(n)) {
        for (const pair of n.items) {
          const k = pair.key as Yaml.Node | null;
          if (y.isScalar(k) && String(k.value) === key) {
            found = new KNode(pair.value as Yaml.Node | null, this.lines, this.doc, this.budget, k, fallback);
            break;
          }
        }
      }
      cur = found ?? new KNode(undefined, this.lines, this.doc, this.budget, undefined, fallback);
    }
    return cur;
  }

  /** A scalar as a string (numbers and booleans as written), else undefined. */
  str(): string | undefined {
    const n = this.resolved();
    if (!n || !yaml().isScalar(n) || n.value === null || n.value === undefined) return undefined;
    const v = n.value;
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : undefined;
  }

  num(): number | undefined {
    const n = this.resolved();
    if (!n || !yaml().isScalar(n)) return undefined;
    const v = n.value;
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
    return undefined;
  }

  /** true/false for YAML booleans and the strings "true"/"false" (annotations are strings). */
  bool(): boolean | undefined {
    const n = this.resolved();
    if (!n || !yaml().isScalar(n)) return undefined;
    const v = n.value;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (s === 'true') return true;
      if (s === 'false') return false;
    }
    return undefined;
  }

  isMap(): boolean {
    return yaml().isMap(this.resolved());
  }

  isSeq(): boolean {
    return yaml().isSeq(this.resolved());
  }

  /** The items of a sequence (none for anything else). */
  items(): KNode[] {
    const n = this.resolved();
    if (!yaml().isSeq(n)) return [];
    return n.items.map((i) => new KNode(i as Yaml.Node, this.lines, this.doc, this.budget, undefined, this));
  }

  /** The entries of a mapping with scalar keys (none for anything else). */
  entries(): Array<[string, KNode]> {
    const y = yaml();
    const n = this.resolved();
    if (!y.isMap(n)) return [];
    const out: Array<[string, KNode]> = [];
    for (const pair of n.items) {
      const k = pair.key as Yaml.Node | null;
      if (!y.isScalar(k)) continue;
      out.push([String(k.value), new KNode(pair.value as Yaml.Node | null, this.lines, this.doc, this.budget, k, this)]);
    }
    return out;
  }

  /** A mapping of strings (labels, annotations, selectors). */
  stringMap(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.entries()) {
      const s = v.str();
      if (s !== undefined) out[k] = s;
    }
    return out;
  }

  /**
   * The node as plain data (aliases expanded up to `YAML_MAX_ALIAS_COUNT`), for comparing
   * whole objects; undefined when it cannot be had (an alias bomb).
   */
  data(): unknown {
    const n = this.resolved();
    if (!n) return undefined;
    try {
      return n.toJS(this.doc, { maxAliasCount: YAML_MAX_ALIAS_COUNT });
    } catch {
      return undefined;
    }
  }

  /** The strings of a sequence of scalars. */
  strings(): Array<{ value: string; node: KNode }> {
    const out: Array<{ value: string; node: KNode }> = [];
    for (const i of this.items()) {
      const s = i.str();
      if (s !== undefined) out.push({ value: s, node: i });
    }
    return out;
  }
}

/** Whether a value is (or holds) a Helm/Go template expression: unknown until rendered. */
export function isTemplated(s: string | undefined): boolean {
  return s !== undefined && s.includes('{{');
}

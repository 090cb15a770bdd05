/**
 * Whether a regular expression from a workspace file may be run against a host name without
 * risk of catastrophic backtracking. JavaScript's engine backtracks, so a crafted `server_name`
 * such as `~^(a+)+$` or `~^a*a*a*a*a*a*b$` could hold the language server for minutes. Allowed:
 * at most `MAX_QUANTIFIERS` quantifiers in all (k quantified atoms cost up to about n^(k+1)
 * steps on an n-character name when the search may start anywhere; names are at most 253
 * characters, and with two the worst found by a random search took under 0.1 s), no quantifier on a
 * group that itself holds one, no repetition other than `?` of a group holding an alternation
 * (`(a+)+`, `(a|aa)*` are exponential), no back-references, no lookaround. Everything else (plain, anchored, alternation, classes, named groups) passes.
 */
export const MAX_QUANTIFIERS = 2;
export const MAX_PATTERN_LENGTH = 300;

export function regexIsSafe(src: string): boolean {
  if (src.length > MAX_PATTERN_LENGTH) return false;
  let quantifiers = 0;
  // For each open group: whether a quantifier / an alternation appeared inside it.
  const groups: Array<{ quantified: boolean; alternation: boolean }> = [];
  // What the previous atom was, for deciding what a quantifier applies to.
  let prev: 'none' | 'atom' | 'group' | 'quantifier' = 'none';
  let lastGroup = { quantified: false, alternation: false };
  const quantify = (repeats: boolean): boolean => {
    if (prev === 'none') return false; // nothing to repeat: not a valid expression anyway
    if (prev === 'quantifier') return !repeats; // the lazy `?` of `*?`; `a**` is not valid
    if (prev === 'group' && (lastGroup.quantified || (repeats && lastGroup.alternation))) return false;
    quantifiers++;
    for (const g of groups) g.quantified = true;
    prev = 'quantifier';
    return quantifiers <= MAX_QUANTIFIERS;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      if (/[1-9k]/.test(n)) return false; // back-reference
      i++;
      prev = 'atom';
      continue;
    }
    if (c === '[') {
      // A character class is one atom; `]` right after `[` or `[^` is literal.
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      i = j;
      prev = 'atom';
      continue;
    }
    if (c === '(') {
      if (src[i + 1] === '?' && /[=!<]/.test(src[i + 2] ?? '') && !(src[i + 2] === '<' && /[A-Za-z]/.test(src[i + 3] ?? ''))) return false; // lookaround
      groups.push({ quantified: false, alternation: false });
      prev = 'none';
      if (src[i + 1] === '?') {
        // (?:…), (?<name>…), (?P<name>…), (?i): skip to the group's content.
        const m = /^\?(?::|P?<[A-Za-z_][A-Za-z0-9_]*>|[a-zA-Z-]+\)?)/.exec(src.slice(i + 1));
        if (m) i += m[0].length;
        if (m && m[0].endsWith(')')) {
          groups.pop(); // an inline flag group such as (?i) holds nothing
          prev = 'none';
        }
      }
      continue;
    }
    if (c === ')') {
      lastGroup = groups.pop() ?? { quantified: false, alternation: false };
      prev = 'group';
      continue;
    }
    if (c === '*' || c === '+' || c === '?') {
      if (!quantify(c !== '?')) return false;
      continue;
    }
    if (c === '{') {
      const m = /^\{(\d+)(,\d*)?\}/.exec(src.slice(i));
      if (m) {
        if (!quantify(m[2] !== undefined || Number(m[1]) > 1)) return false;
        i += m[0].length - 1;
        continue;
      }
    }
    if (c === '|') {
      const g = groups.at(-1);
      if (g) g.alternation = true;
    }
    prev = c === '|' || c === '^' || c === '$' ? 'none' : 'atom';
  }
  return true;
}

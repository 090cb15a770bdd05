import { prng } from './random';

/** A random block-YAML generator with a bias to what manifests hold, plus constructs the reader must refuse. */
export function yamlGenerator(seed: number): { file: () => string; int: (n: number) => number; pick: <T>(xs: readonly T[]) => T; chance: (p: number) => boolean } {
  const r = prng(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number): boolean => r() < p;
  const sp = (n: number): string => ' '.repeat(n);
  const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'labels', 'annotations', 'spec', 'data', 'tls', 'hosts', 'secretName', 'app.kubernetes.io/name', 'nginx.ingress.kubernetes.io/ssl-redirect', 'a b', 'x-y_z', '1', 'true', 'null', 'tls.crt', 'caBundle'];
  const PLAIN = ['v1', 'Secret', 'Ingress', 'web', 'team-1', '42', '-1', '0x1F', '0o17', '1.5', '1e3', '.inf', '.NaN', 'null', '~', 'true', 'False', 'on', 'a=b', '/p/q', 'http://x.test:8080/a', 'a#b', '-x', 'x-', 'a:b', 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==', 'MIIBbad', 'x y z', 'é ü', 'a]', 'a, b', '007', '+12', '2026-12-01'];
  const QUOTED = [`"a b"`, `"a\\tb"`, `"\\u00e9\\x41\\""`, `"x # not a comment"`, `'it''s'`, `'a: b'`, `""`, `''`, `"{{ not }}"`.replace('{{', '{ {'), `"\\/\\\\"`, `'#'`, `"  padded  "`];
  const COMMENT_TEXT = ['# c', '#', '# {a: b}', '#- x', "# it's"];
  const bad = (): string => pick(['&a x', '*a', '!!str x', '? x', '%x', '@x', '`x`', '|2\n  x', 'x: y', '- x', '[not closed']);

  function comment(): string {
    return pick(COMMENT_TEXT);
  }
  /** Blank lines and comment lines at random indentation, maybe none. */
  function filler(n: number): string[] {
    const out: string[] = [];
    for (let k = int(4) - 1; k > 0; k--) out.push(chance(0.4) ? sp(int(3)) : sp(int(n + 5)) + comment());
    return out;
  }
  function eol(): string {
    return chance(0.2) ? pick([' ', '  ']) : chance(0.15) ? ` ${comment()}` : '';
  }
  function flow(depth: number): string {
    const items = Array.from({ length: int(4) }, () => (depth < 2 && chance(0.2) ? flow(depth + 1) : chance(0.3) ? pick(QUOTED) : pick(['a', 'b c', '1', 'x.y', 'true', 'null', 'a:b'])));
    const gap = (): string => pick(['', ' ', '  ']);
    if (chance(0.5)) return `[${gap()}${items.join(pick([', ', ',', ' , ']))}${gap()}${chance(0.1) ? ',' : ''}]`;
    return `{${gap()}${items.map((v, i) => `k${i}: ${v}`).join(pick([', ', ',']))}${gap()}}`;
  }
  /** A scalar-ish value after `key: ` or `- ` in a collection at indent `n`: its first line and any following lines. */
  function value(n: number): string[] {
    const x = r();
    if (x < 0.35) return [pick(PLAIN) + eol()];
    if (x < 0.5) return [pick(QUOTED) + eol()];
    if (x < 0.6) return [flow(0) + eol()];
    if (x < 0.7) {
      // A plain or quoted scalar over several lines.
      const q = pick(['', '', "'", '"']);
      const lines = [q + pick(['first', 'a b', 'x']) + (chance(0.2) ? '  ' : '')];
      for (let k = 1 + int(3); k > 0; k--) lines.push(chance(0.25) ? sp(int(3)) : sp(n + 2 + int(3)) + pick(['more', 'text here', 'more', 'x#y', 'end.', chance(0.2) ? '- dash' : 'z']));
      lines[lines.length - 1] += q + eol();
      if (lines[lines.length - 1]!.trim() === q) lines[lines.length - 1] = sp(n + 2) + 'tail' + q;
      return lines;
    }
    if (x < 0.97) {
      const header = pick(['|', '|-', '|+', '>', '>-', '>+']) + (chance(0.1) ? ` ${comment()}` : '');
      const ind = n + 1 + int(3);
      const lines = [header];
      for (let k = chance(0.1) ? 1 : 0; k > 0; k--) lines.push('');
      let content = false;
      for (let k = 1 + int(5); k > 0; k--) {
        const y = r();
        // Empty and space-only lines (never more indented than the first content line before it), then content at `ind` or deeper.
        if (y < 0.15) lines.push('');
        else if (y < 0.25) lines.push(sp(content ? int(ind + 4) : int(ind + 1)));
        else if (y < 0.4 && content) lines.push(sp(ind + 1 + int(3)) + 'indented more');
        else if (y < 0.45 && content) lines.push(sp(ind) + '\tafter a tab');
        else {
          lines.push(sp(ind) + pick(['line', 'ssl_protocols TLSv1.2;', '# not a comment', 'key: value', '- item']));
          content = true;
        }
      }
      if (lines.slice(1).every((l) => l.trim() === '')) lines.push(sp(ind) + 'content');
      return lines;
    }
    return [chance(0.5) ? bad() : pick(PLAIN) + '\t'];
  }
  function map(n: number, depth: number, first?: string): string[] {
    const out: string[] = [];
    const entries = 1 + int(depth ? 3 : 5);
    for (let e = 0; e < entries; e++) {
      if (e > 0) out.push(...filler(n));
      const key = chance(0.85) ? pick(KEYS) : pick([`"quoted key"`, `'k'`, 'k ']);
      const lead = e === 0 && first !== undefined ? first : sp(n);
      const y = r();
      if (depth < 4 && y < 0.25) {
        out.push(`${lead}${key}:${eol()}`, ...filler(n), ...map(n + 1 + int(4), depth + 1));
      } else if (depth < 4 && y < 0.4) {
        out.push(`${lead}${key}:${eol()}`, ...filler(n), ...seq(n + (chance(0.4) ? 0 : 2), depth + 1));
      } else if (y < 0.47) {
        out.push(`${lead}${key}:${eol()}`);
      } else if (y < 0.5) {
        out.push(`${lead}${key}:`, sp(n + 2) + pick(PLAIN));
      } else {
        const [head, ...rest] = value(n);
        out.push(`${lead}${key}: ${head}`, ...rest);
      }
    }
    return out;
  }
  function seq(n: number, depth: number, first?: string): string[] {
    const out: string[] = [];
    for (let e = 1 + int(3); e > 0; e--) {
      const lead = first ?? sp(n);
      first = undefined;
      const y = r();
      if (depth < 4 && y < 0.35) out.push(...map(n + 2, depth + 1, `${lead}- `));
      else if (depth < 4 && y < 0.42) out.push(...seq(n + 2, depth + 1, `${lead}- `));
      else if (depth < 4 && y < 0.47) out.push(`${lead}-`, ...filler(n), ...map(n + 2, depth + 1));
      else {
        const [head, ...rest] = value(n);
        out.push(`${lead}- ${head}`, ...rest);
      }
      out.push(...filler(n));
    }
    return out;
  }
  function file(): string {
    const docs: string[] = [];
    for (let d = 1 + int(4); d > 0; d--) {
      const lines: string[] = [];
      const marked = docs.length > 0 || chance(0.3);
      if (marked) lines.push(pick(['---', '---', '--- ', '--- # doc']));
      lines.push(...filler(0));
      if (chance(0.05)) lines.push(...filler(0));
      else lines.push(`apiVersion: ${pick(['v1', 'networking.k8s.io/v1'])}`, `kind: ${pick(['Secret', 'Ingress', 'ConfigMap', 'Service'])}`, ...map(0, 0));
      lines.push(...filler(0));
      docs.push(lines.join('\n'));
    }
    const text = docs.join('\n') + pick(['', '\n', '\n\n']);
    return chance(0.15) ? text.replace(/\n/g, '\r\n') : text;
  }
  return { file, int, pick, chance };
}

